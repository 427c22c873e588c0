#!/usr/bin/python3
"""kazoo 2.8's recipes as a fault-suite worker, the anchor beside rxzk's (faults/worker/main.ts).

    /usr/bin/python3 faults/kazoo/worker.py '<WorkerConfig as JSON>'

Spawned by the suite with a Node IPC channel (NODE_CHANNEL_FD, one JSON message per line), it runs the
same workloads on kazoo's Lock, Semaphore, Election (for the latch), Counter, Queue and LockingQueue, and
writes the same history lines (faults/history.ts) on the same clock: time.monotonic_ns() is
CLOCK_MONOTONIC, as Node's process.hrtime.bigint(). kazoo holdings have no state: a holder acts as one
while the connection has stayed CONNECTED since it acquired (kazoo's documentation: at SUSPENDED assume
the lock may be gone, at LOST it is), the way rxzk's holdings turn SUSPENDED. Error names are
given in rxzk's words where they mean the same (LockTimeout -> LockTimeoutError, ConnectionLoss ->
ConnectionLossError), so that one checker reads both.
"""
import base64
import json
import os
import random
import sys
import threading
import time

from kazoo.client import KazooClient, KazooState
from kazoo.exceptions import LockTimeout
from kazoo.recipe.counter import Counter
from kazoo.recipe.election import Election
from kazoo.recipe.lock import Lock, Semaphore
from kazoo.recipe.queue import LockingQueue, Queue

CONFIG = json.loads(sys.argv[1])
NAME = CONFIG['name']
ROOT = CONFIG['root']
rng = random.Random(CONFIG['seed'])
stopping = threading.Event()
healed = threading.Event()

# The bounds of faults/bounds.ts (WAIT_TIMEOUTS), in seconds.
ACQUIRE_TIMEOUT = 10.0
TAKE_TIMEOUT = 2.0
STEP_DOWN_AFTER = (1.0, 3.0)

ERROR_NAMES = {
    'LockTimeout': 'LockTimeoutError',
    'ConnectionLoss': 'ConnectionLossError',
    'ConnectionLossException': 'ConnectionLossError',
}


def now():
    return time.monotonic_ns() // 1000


_history_lock = threading.Lock()
_history = open(CONFIG['historyFile'], 'a', buffering=1)


def record(event):
    event.setdefault('t', now())
    event['w'] = NAME
    with _history_lock:
        _history.write(json.dumps(event) + '\n')
    return event['t']


_channel = int(os.environ['NODE_CHANNEL_FD'])
_send_lock = threading.Lock()


def send(message):
    data = (json.dumps(message) + '\n').encode()
    with _send_lock:
        os.write(_channel, data)


def error_info(err):
    name = type(err).__name__
    return {'name': ERROR_NAMES.get(name, name), 'message': str(err) or name}


def sleep(seconds):
    """Sleeps, or returns at once when the worker is told to finish."""
    stopping.wait(seconds)


PROGRESS_OPS = {
    'lock': ['lock.acquire'], 'semaphore': ['semaphore.acquire'], 'latch': [], 'counter': ['counter.add'],
    'queue': ['queue.put', 'queue.take'], 'locking-queue': ['locking-queue.put', 'locking-queue.ack'],
}


class Ops(object):
    """Invoke and completion of each operation (as faults/worker/ops.ts)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_id = 1
        self.pending = {}
        self.finished = False
        self.healed_at = None
        self.progressed = set()
        self.progress_ops = set(op for w in CONFIG['workloads'] for op in PROGRESS_OPS[w])

    def run(self, op, fields, call, fail_on=(), ok_fields=None):
        with self.lock:
            op_id = self.next_id
            self.next_id += 1
            self.pending[op_id] = (op, fields)
        record(dict(kind='op', op=op, id=op_id, phase='invoke', **fields))
        try:
            value = call()
        except Exception as err:  # every failure is recorded, then the loop goes on
            info = error_info(err)
            if self._settle(op_id):
                phase = 'fail' if info['name'] in fail_on else 'unknown'
                record(dict(kind='op', op=op, id=op_id, phase=phase, error=info, **fields))
            return None
        if self._settle(op_id):
            extra = ok_fields(value) if ok_fields else {}
            t = record(dict(kind='op', op=op, id=op_id, phase='ok', **dict(fields, **extra)))
            if self.healed_at is not None and t > self.healed_at and op in self.progress_ops and op not in self.progressed:
                self.progressed.add(op)
                send({'type': 'progress', 'op': op})
        return value

    def _settle(self, op_id):
        with self.lock:
            return self.pending.pop(op_id, None) is not None and not self.finished

    def finish(self):
        with self.lock:
            self.finished = True
            left = list(self.pending.items())
            self.pending.clear()
        for op_id, (op, fields) in left:
            record(dict(kind='op', op=op, id=op_id, phase='unfinished', **fields))
        return len(left)


ops = Ops()
# The connection state, and how many times it left CONNECTED (a holder's uses need none since it began).
state = {'value': KazooState.LOST, 'drops': 0}
client = KazooClient(
    hosts=','.join(CONFIG['hosts']),
    timeout=CONFIG['sessionTimeout'] / 1000.0,
    # As rxzk's recipes retry (PATIENT_RETRY): for ever, at most a second apart.
    connection_retry=dict(max_tries=-1, delay=0.05, backoff=2, max_delay=1),
    command_retry=dict(max_tries=-1, delay=0.05, backoff=2, max_delay=1),
)


def on_state(new_state):
    state['value'] = new_state
    if new_state != KazooState.CONNECTED:
        state['drops'] += 1
    # kazoo says LOST for an expired session; the history speaks rxzk's words.
    record({'kind': 'client', 'state': 'EXPIRED' if new_state == KazooState.LOST else str(new_state)})


client.add_listener(on_state)


def connected():
    return state['value'] == KazooState.CONNECTED


def still_held(drops_at_begin):
    """Connected, and never disconnected since the holding began."""
    return connected() and state['drops'] == drops_at_begin


def report_sessions():
    """Tells the suite the session (for server-side expiries) whenever it changes."""
    last = None
    while not stopping.is_set():
        session = client.client_id
        if session is not None and session[0] != last and connected():
            last = session[0]
            send({'type': 'session', 'id': format(session[0], 'x'), 'password': base64.b64encode(session[1]).decode(),
                  'timeout': CONFIG['sessionTimeout']})
        time.sleep(0.1)


def czxid(path):
    stat = client.retry(client.exists, path)
    return None if stat is None else stat.czxid


def hold_fields(resource, token, node):
    return {'kind': 'hold', 'resource': resource, 'token': str(token), 'node': node}


# ---- workloads ----------------------------------------------------------------------------------

def lock_workload(kind):
    path = '%s/%s' % (ROOT, kind)
    if kind == 'lock':
        recipe = Lock(client, path, identifier=NAME)
    else:
        recipe = Semaphore(client, path, identifier=NAME, max_leases=CONFIG['semaphoreLeases'])

    def node_of():
        return '%s/%s' % (recipe.path, recipe.node) if kind == 'lock' else recipe.create_path

    def acquire():
        if not recipe.acquire(timeout=ACQUIRE_TIMEOUT):
            raise LockTimeout('not acquired within %s s' % ACQUIRE_TIMEOUT)
        node = node_of()
        return node, czxid(node)

    while not stopping.is_set():
        got = ops.run('%s.acquire' % kind, {}, acquire, fail_on=('LockTimeoutError',),
                      ok_fields=lambda v: {'token': str(v[1]), 'node': v[0]} if v[1] is not None else {})
        if got is None:
            sleep(rng.uniform(0.05, 0.2))
            continue
        node, token = got
        if token is not None:
            drops = state['drops']
            fields = hold_fields(kind, token, node)
            record(dict(fields, what='begin'))
            reason = 'done'
            for _ in range(rng.randint(1, 4)):
                sleep(rng.uniform(0.005, 0.03))
                if not still_held(drops):
                    reason = 'noticed %s' % state['value']
                    break
                record(dict(fields, what='use'))
            record(dict(fields, what='end', reason=reason))
        ops.run('%s.release' % kind, {'token': str(token), 'node': node}, recipe.release)
        sleep(rng.uniform(0, 0.05))


def counter_workload():
    counter = Counter(client, '%s/counter' % ROOT)

    def add():
        counter.__add__(1)
        return counter.pre_value, counter.post_value

    while not stopping.is_set():
        ops.run('counter.add', {}, add, ok_fields=lambda v: {'before': str(v[0]), 'after': str(v[1])})
        sleep(rng.uniform(0, 0.01))


def produce(op, put):
    n = 0
    while not stopping.is_set():
        item = '%s-%d' % (NAME, n)
        n += 1
        ops.run(op, {'item': item}, lambda: put(item.encode()))
        sleep(rng.uniform(0.02, 0.08))


def queue_workload():
    producer = Queue(client, '%s/queue' % ROOT)
    consumer = Queue(client, '%s/queue' % ROOT)

    def take():
        # kazoo's Queue.get never waits: poll until an entry or the timeout.
        deadline = time.monotonic() + TAKE_TIMEOUT
        while True:
            data = consumer.get()
            if data is not None:
                return data
            if time.monotonic() >= deadline:
                raise LockTimeout('no entry within %s s' % TAKE_TIMEOUT)
            time.sleep(0.05)

    def consume():
        while not stopping.is_set():
            ops.run('queue.take', {}, take, fail_on=('LockTimeoutError',), ok_fields=lambda d: {'item': d.decode()})

    threads = [threading.Thread(target=produce, args=('queue.put', producer.put)), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def locking_queue_workload():
    producer = LockingQueue(client, '%s/locking-queue' % ROOT)
    consumer = [LockingQueue(client, '%s/locking-queue' % ROOT)]

    def take():
        data = consumer[0].get(timeout=TAKE_TIMEOUT)
        if data is None:
            raise LockTimeout('no entry within %s s' % TAKE_TIMEOUT)
        return data

    def settle(method):
        def call():
            if not getattr(consumer[0], method)():
                raise LockLost('the entry lock is not this consumer\'s')
        return call

    def consume():
        while not stopping.is_set():
            data = ops.run('locking-queue.take', {}, take, fail_on=('LockTimeoutError',), ok_fields=lambda d: {'item': d.decode()})
            if data is None:
                continue
            item = data.decode()
            time.sleep(rng.uniform(0.005, 0.03))
            method, op = ('consume', 'locking-queue.ack') if rng.random() < 0.9 else ('release', 'locking-queue.release')
            done = ops.run(op, {'item': item}, settle(method), fail_on=('LockLostError',))
            if done is None and consumer[0].processing_element is not None:
                # kazoo hands the same element back from every get() until it is consumed: a user whose
                # lock is gone starts again with a fresh LockingQueue.
                consumer[0] = LockingQueue(client, '%s/locking-queue' % ROOT)

    threads = [threading.Thread(target=produce, args=('locking-queue.put', producer.put)), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class LockLost(Exception):
    pass


LockLost.__name__ = 'LockLostError'

latch_status = {'joined': False, 'leader': False}


def latch_workload():
    """kazoo has no LeaderLatch: its Election (a Lock; leadership lasts while the function runs) stands in."""
    path = '%s/latch' % ROOT
    while not stopping.is_set():
        election = Election(client, path, identifier=NAME)
        elections.append(election)
        step_down_after = rng.uniform(*STEP_DOWN_AFTER)

        def lead():
            drops = state['drops']
            node = '%s/%s' % (election.lock.path, election.lock.node)
            token = czxid(node)
            if token is None:
                return
            fields = hold_fields('latch', token, node)
            record(dict(fields, what='begin'))
            latch_status['leader'] = True
            since = time.monotonic()
            reason = 'stopping'
            while not stopping.is_set():
                if not still_held(drops):
                    reason = 'noticed %s' % state['value']
                    break
                record(dict(fields, what='use'))
                if not healed.is_set() and time.monotonic() - since > step_down_after:
                    reason = 'left'
                    break
                sleep(rng.uniform(0.02, 0.06))
            latch_status['leader'] = False
            record(dict(fields, what='end', reason=reason))

        record({'kind': 'latch', 'what': 'join'})
        latch_status['joined'] = True
        try:
            election.run(lead)
            latch_status['joined'] = False
            record({'kind': 'latch', 'what': 'leave'})
            sleep(rng.uniform(0.2, 0.5))
        except Exception as err:
            latch_status['joined'] = False
            latch_status['leader'] = False
            record({'kind': 'latch', 'what': 'error', 'error': error_info(err)})
            sleep(1.0)


WORKLOADS = {
    'lock': lambda: lock_workload('lock'),
    'semaphore': lambda: lock_workload('semaphore'),
    'latch': latch_workload,
    'counter': counter_workload,
    'queue': queue_workload,
    'locking-queue': locking_queue_workload,
}

# A participant waiting to be elected waits for ever: finishing cancels it (run() returns).
elections = []


def finish(bound):
    stopping.set()
    for election in elections:
        try:
            election.cancel()
        except Exception:
            pass
    deadline = time.monotonic() + bound / 1000.0
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    unfinished = ops.finish()
    record({'kind': 'client', 'state': 'FINISHING'})
    try:
        client.stop()
        client.close()
    except Exception:
        pass
    _history.flush()
    send({'type': 'done', 'unfinished': unfinished})
    os._exit(0)


def listen():
    buffered = b''
    while True:
        chunk = os.read(_channel, 65536)
        if not chunk:
            os._exit(1)  # the suite is gone
        buffered += chunk
        while b'\n' in buffered:
            line, buffered = buffered.split(b'\n', 1)
            message = json.loads(line)
            kind = message.get('type')
            if kind == 'healed':
                ops.healed_at = message['at']
                healed.set()
            elif kind == 'status':
                joined = 'latch' in CONFIG['workloads']
                send({'type': 'status', 'nonce': message['nonce'],
                      'latch': {'joined': latch_status['joined'], 'leader': latch_status['leader'] and connected()} if joined else None})
            elif kind == 'finish':
                threading.Thread(target=finish, args=(message['bound'],)).start()


def crashed(args):
    record({'kind': 'crash', 'error': error_info(args.exc_value)})
    send({'type': 'fatal', 'message': '%s: %s' % (type(args.exc_value).__name__, args.exc_value)})
    os._exit(70)


threading.excepthook = crashed
client.start(timeout=60)
threads = [threading.Thread(target=WORKLOADS[w], name=w) for w in CONFIG['workloads']]
threading.Thread(target=report_sessions, daemon=True).start()
for t in threads:
    t.start()
send({'type': 'ready'})
listen()
