"""A long-running kazoo 2.8 process that rxzk's interop tests drive over stdin/stdout, so that
kazoo's own recipes contend with rxzk's on the same znodes. Started by peers.ts (startKazooPeer);
the protocol and the commands are documented there. Run it with Debian's /usr/bin/python3.

    /usr/bin/python3 kazoo_peer.py <hosts> [sessionTimeoutMs]

One JSON request per stdin line: {"id": N, "cmd": "lock.acquire", "args": {"handle": "l1", "timeoutMs": 5000}}.
One JSON reply per request: {"id": N, "ok": true, "value": ...} or {"id": N, "ok": false, "error": "Class: message"}.
Before any request is read the peer prints {"id": 0, ...}: connected (with the session), or why not.
Every request runs on a thread of its own, so a blocking one (an acquire, a wait) does not hold up
the others; replies come in completion order. Binary data travels as base64. Times are in
milliseconds (kazoo's seconds are converted here). End of stdin closes the client, as "quit" does.
"""
import base64
import datetime
import json
import os
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import LockTimeout
from kazoo.recipe.cache import TreeCache, TreeEvent
from kazoo.recipe.lease import MultiNonBlockingLease, NonBlockingLease
from kazoo.recipe.queue import LockingQueue

OUT_LOCK = threading.Lock()
HANDLES = {}
COMMANDS = {}
STATES = []  # every KazooState reported, in order (CONNECTED first)
STATES_CHANGED = threading.Condition()
zk = None


def reply(id_, ok, value):
    message = {"id": id_, "ok": ok, ("value" if ok else "error"): value}
    line = json.dumps(message)
    with OUT_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def describe(err):
    return "%s: %s" % (type(err).__name__, err)


def command(name):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(a, field="data"):
    value = a.get(field)
    return b"" if value is None else base64.b64decode(value)


def seconds(a, field="timeoutMs", default=None):
    ms = a.get(field)
    return default if ms is None else ms / 1000.0


def put(a, obj):
    handle = a["handle"]
    if handle in HANDLES:
        raise ValueError("handle %r is in use" % handle)
    HANDLES[handle] = obj


def get(a):
    try:
        return HANDLES[a["handle"]]
    except KeyError:
        raise ValueError("no object named %r" % a["handle"])


def stat_dict(stat):
    # 64-bit fields as strings: a session id or a zxid need not fit in a JavaScript number.
    d = stat._asdict()
    for big in ("czxid", "mzxid", "pzxid", "ephemeralOwner"):
        d[big] = str(d[big])
    return d


def node(data, stat):
    return {"data": b64(data), "stat": stat_dict(stat)}


# ---- session and raw operations ----

@command("ping")
def _ping(a):
    return "pong"


@command("session")
def _session(a):
    session_id, password = zk.client_id
    return {"sessionId": str(session_id), "password": b64(password), "timeout": int(zk._session_timeout)}


@command("states")
def _states(a):
    with STATES_CHANGED:
        return list(STATES)


@command("awaitState")
def _await_state(a):
    """Waits until kazoo has reported `state` at least `count` times (default 1)."""
    deadline = time.monotonic() + seconds(a, default=10.0)
    with STATES_CHANGED:
        while STATES.count(a["state"]) < a.get("count", 1):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            STATES_CHANGED.wait(left)
    return True


@command("get")
def _get(a):
    if zk.exists(a["path"]) is None:
        return None
    return node(*zk.get(a["path"]))


@command("children")
def _children(a):
    return sorted(zk.get_children(a["path"]))


@command("exists")
def _exists(a):
    stat = zk.exists(a["path"])
    return None if stat is None else stat_dict(stat)


@command("create")
def _create(a):
    return zk.create(a["path"], unb64(a), ephemeral=a.get("ephemeral", False),
                     sequence=a.get("sequence", False), makepath=a.get("makepath", False))


@command("set")
def _set(a):
    return stat_dict(zk.set(a["path"], unb64(a), version=a.get("version", -1)))


@command("delete")
def _delete(a):
    zk.delete(a["path"], version=a.get("version", -1), recursive=a.get("recursive", False))


@command("close")
def _close(a):
    obj = HANDLES.pop(a["handle"], None)
    closer = getattr(obj, "close", None)
    if callable(closer):
        closer()
    return obj is not None


# ---- locks ----

LOCK_KINDS = {"lock": "Lock", "read": "ReadLock", "write": "WriteLock"}


@command("lock.create")
def _lock_create(a):
    kind = getattr(zk, LOCK_KINDS[a.get("kind", "lock")])
    put(a, kind(a["path"], a.get("identifier"), extra_lock_patterns=a.get("extraLockPatterns", ())))


@command("lock.acquire")
def _lock_acquire(a):
    """True once held; false when timeoutMs ran out (kazoo raises LockTimeout) or, with blocking false, when taken."""
    try:
        return get(a).acquire(blocking=a.get("blocking", True), timeout=seconds(a))
    except LockTimeout:
        return False


@command("lock.release")
def _lock_release(a):
    return get(a).release()


@command("lock.isAcquired")
def _lock_is_acquired(a):
    return get(a).is_acquired


@command("lock.node")
def _lock_node(a):
    return get(a).node


@command("lock.contenders")
def _lock_contenders(a):
    return get(a).contenders()


@command("lock.cancel")
def _lock_cancel(a):
    get(a).cancel()


@command("semaphore.create")
def _semaphore_create(a):
    put(a, zk.Semaphore(a["path"], a.get("identifier"), max_leases=a.get("maxLeases", 1)))


@command("semaphore.acquire")
def _semaphore_acquire(a):
    try:
        return get(a).acquire(blocking=a.get("blocking", True), timeout=seconds(a))
    except LockTimeout:
        return False


@command("semaphore.release")
def _semaphore_release(a):
    return get(a).release()


@command("semaphore.leaseHolders")
def _semaphore_lease_holders(a):
    return get(a).lease_holders()


# ---- election: leader from election.run until election.stepDown ----

class Election:
    def __init__(self, path, identifier):
        self.election = zk.Election(path, identifier)
        self.changed = threading.Condition()
        self.terms = 0
        self.leading = False
        self.step_down = False
        self.thread = None

    def lead(self):
        with self.changed:
            self.terms += 1
            self.leading = True
            self.step_down = False
            self.changed.notify_all()
            try:
                while not self.step_down:
                    self.changed.wait()
            finally:
                self.leading = False
                self.changed.notify_all()

    def run(self):
        if self.thread is not None and self.thread.is_alive():
            raise RuntimeError("already running")
        self.thread = threading.Thread(target=self.election.run, args=(self.lead,), daemon=True)
        self.thread.start()

    def await_term(self, term, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: self.terms >= term, timeout)

    def stop_leading(self):
        with self.changed:
            if not self.leading:
                return False
            self.step_down = True
            self.changed.notify_all()
            self.changed.wait_for(lambda: not self.leading)
        # election.run returns (releasing the lock node) once lead() has returned.
        self.thread.join()
        return True


@command("election.create")
def _election_create(a):
    put(a, Election(a["path"], a.get("identifier")))


@command("election.run")
def _election_run(a):
    get(a).run()


@command("election.awaitLeader")
def _election_await(a):
    return get(a).await_term(a.get("term", 1), seconds(a, default=10.0))


@command("election.isLeader")
def _election_is_leader(a):
    return get(a).leading


@command("election.stepDown")
def _election_step_down(a):
    return get(a).stop_leading()


@command("election.cancel")
def _election_cancel(a):
    get(a).election.cancel()


@command("election.contenders")
def _election_contenders(a):
    return get(a).election.contenders()


# ---- barriers ----

@command("barrier.create")
def _barrier_create(a):
    put(a, zk.Barrier(a["path"]))


@command("barrier.set")
def _barrier_set(a):
    get(a).create()


@command("barrier.remove")
def _barrier_remove(a):
    return get(a).remove()


@command("barrier.wait")
def _barrier_wait(a):
    return get(a).wait(seconds(a))


# kazoo's enter/leave take no timeout: they wait without limit (bounded by the caller's own timeout).
@command("doubleBarrier.create")
def _double_barrier_create(a):
    put(a, zk.DoubleBarrier(a["path"], a["n"], a.get("identifier")))


@command("doubleBarrier.enter")
def _double_barrier_enter(a):
    barrier = get(a)
    barrier.enter()
    return barrier.participating


@command("doubleBarrier.leave")
def _double_barrier_leave(a):
    get(a).leave()


# ---- counter, queues ----

@command("counter.create")
def _counter_create(a):
    put(a, zk.Counter(a["path"], default=a.get("default", 0), support_curator=a.get("supportCurator", False)))


@command("counter.add")
def _counter_add(a):
    counter = get(a)
    counter += a["delta"]
    return {"preValue": counter.pre_value, "postValue": counter.post_value}


@command("counter.value")
def _counter_value(a):
    return get(a).value


@command("queue.create")
def _queue_create(a):
    put(a, zk.Queue(a["path"]))


@command("lockingQueue.create")
def _locking_queue_create(a):
    put(a, zk.LockingQueue(a["path"]))


@command("queue.put")
def _queue_put(a):
    get(a).put(unb64(a), priority=a.get("priority", 100))


@command("queue.putAll")
def _queue_put_all(a):
    get(a).put_all([base64.b64decode(item) for item in a["items"]], priority=a.get("priority", 100))


@command("queue.get")
def _queue_get(a):
    queue = get(a)
    if isinstance(queue, LockingQueue):  # waits for an entry (without timeoutMs: without limit)
        return b64(queue.get(seconds(a)))
    return b64(queue.get())  # a Queue never waits


@command("queue.len")
def _queue_len(a):
    return len(get(a))


@command("queue.consume")
def _queue_consume(a):
    return get(a).consume()


@command("queue.release")
def _queue_release(a):
    return get(a).release()


@command("queue.holdsLock")
def _queue_holds_lock(a):
    return get(a).holds_lock()


# ---- party, partitioner, lease, tree cache ----

@command("party.create")
def _party_create(a):
    kind = zk.ShallowParty if a.get("shallow", False) else zk.Party
    put(a, kind(a["path"], a.get("identifier")))


@command("party.join")
def _party_join(a):
    get(a).join()


@command("party.leave")
def _party_leave(a):
    return get(a).leave()


@command("party.members")
def _party_members(a):
    return list(get(a))


@command("party.len")
def _party_len(a):
    return len(get(a))


class Partitioner:
    """A SetPartitioner (it joins its party when made) with a way to wait for a state."""

    def __init__(self, a):
        self.changed = threading.Event()
        self.partitioner = zk.SetPartitioner(
            a["path"], set=a["items"], identifier=a.get("identifier"),
            time_boundary=seconds(a, "timeBoundaryMs", 30.0), max_reaction_time=seconds(a, "maxReactionTimeMs", 1.0),
            state_change_event=self.changed)

    def await_state(self, state, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self.changed.clear()  # cleared before looking: a change after the look sets it again
            if self.partitioner.state == state:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.changed.wait(left)

    def close(self):
        if not self.partitioner.failed:
            self.partitioner.finish()


@command("partitioner.start")
def _partitioner_start(a):
    put(a, Partitioner(a))


@command("partitioner.state")
def _partitioner_state(a):
    return get(a).partitioner.state


@command("partitioner.awaitState")
def _partitioner_await_state(a):
    return get(a).await_state(a["state"], seconds(a, default=30.0))


@command("partitioner.waitForAcquire")
def _partitioner_wait_for_acquire(a):
    p = get(a).partitioner
    p.wait_for_acquire(seconds(a, default=30.0))
    return p.state


@command("partitioner.items")
def _partitioner_items(a):
    return sorted(get(a).partitioner)


@command("partitioner.releaseSet")
def _partitioner_release_set(a):
    get(a).partitioner.release_set()


@command("partitioner.finish")
def _partitioner_finish(a):
    get(a).partitioner.finish()


@command("lease.obtain")
def _lease_obtain(a):
    duration = datetime.timedelta(milliseconds=a["durationMs"])
    if a.get("count") is not None:
        return bool(MultiNonBlockingLease(zk, a["count"], a["path"], duration, identifier=a.get("identifier")))
    return bool(NonBlockingLease(zk, a["path"], duration, identifier=a.get("identifier")))


EVENT_NAMES = {getattr(TreeEvent, n): n for n in (
    "NODE_ADDED", "NODE_UPDATED", "NODE_REMOVED", "CONNECTION_SUSPENDED", "CONNECTION_RECONNECTED",
    "CONNECTION_LOST", "INITIALIZED")}


class Cache:
    """A started TreeCache and the events it has delivered so far."""

    def __init__(self, path):
        self.cache = TreeCache(zk, path)
        self.events = []
        self.changed = threading.Condition()
        self.cache.listen(self.on_event)

    def on_event(self, event):
        data = event.event_data
        entry = {"type": EVENT_NAMES[event.event_type]}
        if data is not None:
            entry.update(path=data.path, data=b64(data.data))
        with self.changed:
            self.events.append(entry)
            self.changed.notify_all()

    def await_event(self, type_, count, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: sum(e["type"] == type_ for e in self.events) >= count, timeout)

    def close(self):
        self.cache.close()


@command("treeCache.start")
def _tree_cache_start(a):
    """Starts the cache and waits for INITIALIZED (false if it did not come within timeoutMs)."""
    cache = Cache(a["path"])
    put(a, cache)
    cache.cache.start()
    return cache.await_event("INITIALIZED", 1, seconds(a, default=10.0))


@command("treeCache.get")
def _tree_cache_get(a):
    data = get(a).cache.get_data(a["path"])
    return None if data is None else node(data.data, data.stat)


@command("treeCache.children")
def _tree_cache_children(a):
    children = get(a).cache.get_children(a["path"])
    return None if children is None else sorted(children)


@command("treeCache.events")
def _tree_cache_events(a):
    cache = get(a)
    with cache.changed:
        return list(cache.events)


@command("treeCache.awaitEvent")
def _tree_cache_await_event(a):
    return get(a).await_event(a["type"], a.get("count", 1), seconds(a, default=10.0))


# ---- the loop ----

def run(id_, fn, args):
    try:
        reply(id_, True, fn(args))
    except BaseException as err:  # noqa: B902 — every failure goes back to the test
        reply(id_, False, describe(err))


def quit_now():
    # Closing the session removes its ephemerals at once; calls still blocked are abandoned.
    closer = threading.Thread(target=lambda: (zk.stop(), zk.close()), daemon=True)
    closer.start()
    closer.join(5)
    sys.stdout.flush()
    os._exit(0)


def on_state(state):
    with STATES_CHANGED:
        STATES.append(str(state))
        STATES_CHANGED.notify_all()


def main():
    global zk
    hosts = sys.argv[1]
    timeout = int(sys.argv[2]) / 1000.0 if len(sys.argv) > 2 else 10.0
    zk = KazooClient(hosts=hosts, timeout=timeout)
    zk.add_listener(on_state)
    try:
        zk.start(timeout=15)
    except Exception as err:
        reply(0, False, describe(err))
        os._exit(1)
    reply(0, True, _session({}))
    for line in sys.stdin:
        if not line.strip():
            continue
        id_ = -1
        try:
            request = json.loads(line)
            id_ = request.get("id", -1)
            cmd = request.get("cmd")
            if cmd == "quit":
                reply(id_, True, None)
                quit_now()
            fn = COMMANDS.get(cmd)
            if fn is None:
                raise ValueError("unknown command %r" % cmd)
            threading.Thread(target=run, args=(id_, fn, request.get("args") or {}), daemon=True).start()
        except Exception as err:
            reply(id_, False, describe(err))
    quit_now()


if __name__ == "__main__":
    main()
