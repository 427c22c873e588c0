#!/usr/bin/python3
"""The kazoo side of `npm run bench`: run by /usr/bin/python3 (Debian's
python3-kazoo), driven by bench/clients/kazoo.ts over stdin/stdout, one JSON
object per line each way.

Each request names a workload and its parameters; the answer is
{"ok": true, "metrics": {...}} or {"ok": false, "error": "..."}. CPU is this
process's own (time.process_time: every thread of it); memory is what
tracemalloc sees Python allocate; times are time.perf_counter_ns or, where
they are compared with the writer process, time.monotonic_ns (CLOCK_MONOTONIC,
the clock Node's process.hrtime reads).
"""
import gc
import json
import logging
import os
import sys
import threading
import time
import tracemalloc

logging.basicConfig(level=logging.CRITICAL)

try:
    import kazoo
    from kazoo.client import KazooClient
    from kazoo.recipe.watchers import DataWatch
    IMPORT_ERROR = None
    VERSION = getattr(getattr(kazoo, "version", None), "__version__", "?")
except Exception as e:  # reported to the parent instead of numbers
    IMPORT_ERROR = "%s: %s" % (type(e).__name__, e)
    VERSION = None


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def connect(hosts):
    zk = KazooClient(hosts=hosts, timeout=10.0)
    zk.start(timeout=15)
    return zk


def close(zk):
    zk.stop()
    zk.close()


def percentile(values, p):
    s = sorted(values)
    rank = -(-p * len(s) // 100)  # ceil
    return s[min(len(s) - 1, max(0, int(rank) - 1))]


def get_pipelined(zk, req):
    paths, n, size = req["paths"], req["count"], req["size"]
    cpu0 = time.process_time()
    t0 = time.perf_counter_ns()
    results = [zk.get_async(paths[i % len(paths)]) for i in range(n)]
    total = 0
    for r in results:
        total += len(r.get()[0])
    t1 = time.perf_counter_ns()
    cpu = time.process_time() - cpu0
    if total != n * size:
        raise RuntimeError("read %d bytes, expected %d" % (total, n * size))
    return {"opsPerSec": n / ((t1 - t0) / 1e9), "cpuUsPerOp": cpu * 1e6 / n}


def get_sequential(zk, req):
    paths, n = req["paths"], req["count"]
    lat = []
    for i in range(n):
        t0 = time.perf_counter_ns()
        zk.get(paths[i % len(paths)])
        lat.append((time.perf_counter_ns() - t0) / 1e3)
    return {"p50Us": percentile(lat, 50), "p99Us": percentile(lat, 99)}


def create_pipelined(zk, req):
    parent, n = req["parent"], req["count"]
    data = b"c" * req["size"]
    paths = ["%s/n%d" % (parent, i) for i in range(n)]
    cpu0 = time.process_time()
    t0 = time.perf_counter_ns()
    results = [zk.create_async(p, data) for p in paths]
    for r in results:
        r.get()
    t1 = time.perf_counter_ns()
    cpu = time.process_time() - cpu0
    return {"opsPerSec": n / ((t1 - t0) / 1e9), "cpuUsPerOp": cpu * 1e6 / n}


def big_values(zk, req):
    path, size, pairs = req["path"], req["size"], req["pairs"]
    values = [b"A" * size, b"B" * size]
    t0 = time.perf_counter_ns()
    for i in range(pairs):
        zk.set(path, values[i % 2])
        data, _ = zk.get(path)
        if len(data) != size or data[:1] != values[i % 2][:1]:
            raise RuntimeError("read back %d bytes, expected the %d just set" % (len(data), size))
    seconds = (time.perf_counter_ns() - t0) / 1e9
    return {"mbPerSec": 2 * pairs * size / 1e6 / seconds}


def fanout(zk, req):
    """Follows every path with a DataWatch, says 'armed', then waits for every
    follower to see `value` (written by the parent's writer process)."""
    paths = req["paths"]
    expected = bytes.fromhex(req["value"])
    n = len(paths)
    lock = threading.Lock()
    state = {"changed": 0, "t_last": 0, "stop": False}
    seen = [False] * n
    all_seen = threading.Event()

    def follower(i):
        def on_data(data, stat):
            if state["stop"]:
                return False
            if data == expected and not seen[i]:
                with lock:
                    seen[i] = True
                    state["changed"] += 1
                    if state["changed"] == n:
                        state["t_last"] = time.monotonic_ns()
                        all_seen.set()
            return None
        return on_data

    watches = [DataWatch(zk, p, follower(i)) for i, p in enumerate(paths)]
    out({"ok": True, "armed": True})
    try:
        if not all_seen.wait(60):
            raise RuntimeError("only %d of %d followers saw the new value within 60 s" % (state["changed"], n))
        return {"tLastNs": str(state["t_last"])}
    finally:
        state["stop"] = True
        del watches


def memory(zk, req):
    paths = req["paths"]
    n = len(paths)
    seen = [False] * n
    holder = [None] * n
    lock = threading.Lock()
    count = {"seen": 0}
    done = threading.Event()
    callbacks = []
    for i in range(n):
        def on_data(data, stat, i=i):
            if not seen[i]:
                with lock:
                    seen[i] = True
                    count["seen"] += 1
                    if count["seen"] == n:
                        done.set()
        callbacks.append(on_data)
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter_ns()
        for i in range(n):
            holder[i] = DataWatch(zk, paths[i], callbacks[i])
        if not done.wait(120):
            raise RuntimeError("only %d of %d watches delivered their first value" % (count["seen"], n))
        setup_ms = (time.perf_counter_ns() - t0) / 1e6
        time.sleep(0.05)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    per = (after - before) / n
    return {"heapBytesPerWatch": per, "totalBytesPerWatch": per, "setupMs": setup_ms}


def open_fds():
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 0


def connect_close(req):
    hosts, n = req["hosts"], req["clients"]
    base_threads = threading.active_count()
    base_fds = open_fds()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        zk = connect(hosts)
        close(zk)
    total_ms = (time.perf_counter_ns() - t0) / 1e6
    deadline = time.monotonic() + 3
    threads_left = threading.active_count() - base_threads
    fds_left = open_fds() - base_fds
    while (threads_left > 0 or fds_left > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
        threads_left = threading.active_count() - base_threads
        fds_left = open_fds() - base_fds
    return {"totalMs": total_ms, "handlesLeft": max(0, threads_left), "fdsLeft": max(0, fds_left)}


WORKLOADS = {
    "a": get_pipelined,
    "b": get_sequential,
    "c": create_pipelined,
    "d": big_values,
    "e": fanout,
    "f": memory,
}


def handle(req):
    if req["cmd"] == "hello":
        if IMPORT_ERROR is not None:
            return {"ok": False, "error": IMPORT_ERROR}
        return {"ok": True, "version": VERSION, "python": sys.version.split()[0]}
    if req["cmd"] != "run":
        raise RuntimeError("unknown command %r" % req["cmd"])
    workload = req["workload"]
    if workload == "g":
        return {"ok": True, "metrics": connect_close(req)}
    zk = connect(req["hosts"])
    try:
        return {"ok": True, "metrics": WORKLOADS[workload](zk, req)}
    finally:
        close(zk)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if req.get("cmd") == "exit":
                out({"ok": True})
                return
            out(handle(req))
        except Exception as e:
            out({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})


if __name__ == "__main__":
    main()
