"""One recipe workload of bench/recipes/run.ts on kazoo 2.8, in a Python process of its own:

    /usr/bin/python3 kazoo_bench.py <connectString> <workload> '<json params>'

Prints one JSON line {"result": {...}} (or {"error": "..."}); tree-cache first prints {"ready": true}
once its TreeCache is initialized, and the orchestrator then makes the changes it times. Cross-process
times are time.monotonic_ns() (CLOCK_MONOTONIC on Linux), as strings. Memory is the process's RSS growth
after gc.collect() (tracemalloc would slow the cache's start-up several times over).
"""
import gc
import json
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.recipe.cache import TreeCache, TreeEvent

CONNECT = sys.argv[1]
WORKLOAD = sys.argv[2]
P = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
OUT = threading.Lock()


def emit(line):
    with OUT:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def now():
    return time.monotonic_ns()


def ms(t0, t1=None):
    return ((now() if t1 is None else t1) - t0) / 1e6


def client():
    zk = KazooClient(hosts=CONNECT, timeout=30.0)
    zk.start(timeout=15)
    return zk


def watches(zk):
    wchs = zk.command(b"wchs")
    mntr = zk.command(b"mntr")
    total = -1
    for line in wchs.splitlines():
        if line.startswith("Total watches:"):
            total = int(line.split(":")[1])
    count = -1
    for line in mntr.splitlines():
        if line.startswith("zk_watch_count"):
            count = int(line.split()[1])
    return total, count


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return -1


def lock_cycle():
    zk = client()
    lock = zk.Lock(P["path"])
    for _ in range(P["warmup"]):
        lock.acquire()
        lock.release()
    n = P["cycles"]

    def timed():
        t0 = now()
        for _ in range(n):
            lock.acquire()
            lock.release()
        return ms(t0)

    elapsed = timed()
    # Steady state: the same cycles again after `steadyWarmup` more (as every library does).
    for _ in range(P["steadyWarmup"]):
        lock.acquire()
        lock.release()
    steady = timed()
    zk.stop()
    zk.close()
    return {"opsPerSec": n * 1000 / elapsed, "ms": elapsed, "steadyOpsPerSec": n * 1000 / steady}


def lock_handoff():
    zk = client()
    path = P["path"]
    lock = zk.Lock(path)
    acquired, released = [], []
    for _ in range(P["cycles"]):
        lock.acquire()
        acquired.append(str(now()))
        deadline = time.monotonic() + 1.0
        other = False
        while time.monotonic() < deadline:
            if len(zk.get_children(path)) >= 2:
                other = True
                break
            time.sleep(0.001)
        if other:
            time.sleep(0.002)
        t = now()
        lock.release()
        if other:
            released.append(str(t))
    zk.stop()
    zk.close()
    return {"acquired": acquired, "released": released}


def lock_contenders():
    n = P["contenders"]
    path = P["path"]
    clients = [None] * n

    def connect(i):
        clients[i] = client()

    starters = [threading.Thread(target=connect, args=(i,)) for i in range(n)]
    for t in starters:
        t.start()
    for t in starters:
        t.join()
    before = watches(clients[0])
    first = clients[0].Lock(path)
    first.acquire()
    state = {"done": 0, "t": 0}
    cond = threading.Condition()

    def contend(zk):
        lock = zk.Lock(path)
        lock.acquire()
        lock.release()
        with cond:
            state["done"] += 1
            state["t"] = max(state["t"], now())
            cond.notify_all()

    for zk in clients[1:]:
        threading.Thread(target=contend, args=(zk,), daemon=True).start()
    while len(clients[0].get_children(path)) < n:
        time.sleep(0.005)
    during = watches(clients[0])
    for _ in range(40):
        time.sleep(0.05)
        w = watches(clients[0])
        if w[0] == during[0] and w[0] - before[0] >= n - 1:
            break
        during = w
    t0 = now()
    first.release()
    with cond:
        while state["done"] < n - 1:
            cond.wait()
    result = {"drainMs": ms(t0, state["t"]), "waitWatches": during[0] - before[0], "waitWatchCount": during[1] - before[1]}
    for zk in clients:
        zk.stop()
        zk.close()
    return result


def tree_cache():
    zk = client()
    before = watches(zk)
    gc.collect()
    rss0 = rss_bytes()
    tag = P["tag"].encode()
    changes = P["changes"]
    seen = set()
    initialized = threading.Event()
    all_seen = threading.Event()
    t_last = [0]
    cache = TreeCache(zk, P["root"])

    def listener(event):
        if event.event_type == TreeEvent.INITIALIZED:
            initialized.set()
        elif event.event_type == TreeEvent.NODE_UPDATED:
            d = event.event_data
            if d.data.startswith(tag) and d.path not in seen:
                seen.add(d.path)
                if len(seen) == changes:
                    t_last[0] = now()
                    all_seen.set()

    cache.listen(listener)
    t0 = now()
    cache.start()
    initialized.wait()
    init_ms = ms(t0)
    after = watches(zk)
    gc.collect()
    rss_delta = rss_bytes() - rss0

    def count(path):
        kids = cache.get_children(path) or []
        return 1 + sum(count(path.rstrip("/") + "/" + k) for k in kids)

    size = count(P["root"])
    emit({"ready": True})
    all_seen.wait()
    cache.close()
    zk.stop()
    zk.close()
    return {"initMs": init_ms, "watches": after[0] - before[0], "watchCount": after[1] - before[1],
            "memoryMB": rss_delta / 2 ** 20, "nodes": size, "tLast": str(t_last[0])}


def counter():
    n, incs = P["clients"], P["increments"]
    clients = [client() for _ in range(n)]
    counters = [zk.Counter(P["path"]) for zk in clients]
    counters[0].value  # creates the node, as the others' first add would
    start = threading.Event()
    failed = []

    def work(c):
        try:
            start.wait()
            for _ in range(incs):
                c += 1
        except Exception as e:  # noqa: BLE001
            failed.append(e)

    threads = [threading.Thread(target=work, args=(c,)) for c in counters]
    for t in threads:
        t.start()
    t0 = now()
    start.set()
    for t in threads:
        t.join()
    elapsed = ms(t0)
    if failed:
        raise failed[0]
    value = str(counters[0].value)
    for zk in clients:
        zk.stop()
        zk.close()
    return {"opsPerSec": n * incs * 1000 / elapsed, "ms": elapsed, "value": value}


def atomic_increment():
    # kazoo's Counter has no lock promotion: its compare-and-set retried (KazooRetry) is the whole of it.
    return counter()


def queue():
    zk = client()
    n = P["entries"]
    q = zk.Queue(P["path"])
    item = b"q" * 32
    for _ in range(P["warmup"]):  # unmeasured, as every library's
        q.put(item)
    while q.get() is not None:
        pass
    t0 = now()
    for _ in range(n):
        q.put(item)
    put_ms = ms(t0)
    t0 = now()
    taken = 0
    while q.get() is not None:
        taken += 1
    get_ms = ms(t0)
    zk.stop()
    zk.close()
    return {"putPerSec": n * 1000 / put_ms, "getPerSec": n * 1000 / get_ms, "taken": taken}


def locking_queue():
    zk = client()
    n = P["entries"]
    q = zk.LockingQueue(P["path"])
    item = b"q" * 32

    def drain():
        taken = 0
        while True:
            # timeout 0: its first check, made in this thread, locks the first free entry if there is one
            if q.get(0) is None:
                return taken
            q.consume()
            taken += 1

    for _ in range(P["warmup"]):  # unmeasured, as every library's
        q.put(item)
    drain()
    t0 = now()
    for _ in range(n):
        q.put(item)
    put_ms = ms(t0)
    t0 = now()
    taken = drain()
    get_ms = ms(t0)
    zk.stop()
    zk.close()
    return {"putPerSec": n * 1000 / put_ms, "getPerSec": n * 1000 / get_ms, "taken": taken}


WORKLOADS = {"lock-cycle": lock_cycle, "lock-handoff": lock_handoff, "lock-contenders": lock_contenders,
             "tree-cache": tree_cache, "counter": counter, "atomic-increment": atomic_increment, "queue": queue,
             "locking-queue": locking_queue}

if __name__ == "__main__":
    import logging
    logging.basicConfig(level=logging.CRITICAL)
    try:
        emit({"result": WORKLOADS[WORKLOAD]()})
    except Exception as e:  # noqa: BLE001
        emit({"error": "%s: %s" % (type(e).__name__, e)})
        sys.stdout.flush()
        import os
        os._exit(1)
    sys.stdout.flush()
    import os
    os._exit(0)
