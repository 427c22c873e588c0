// One recipe workload of bench/recipes/run.ts on Apache Curator 5.4, in a JVM of its own:
//
//   java -cp <curator class path>:<dir of this class> CuratorBench <connectString> <workload> '<json params>'
//
// Prints one JSON line {"result":{...}} (or {"error":"..."}); tree-cache first prints {"ready":true} once
// its CuratorCache is initialized, and the orchestrator then makes the changes it times. Cross-process
// times are System.nanoTime() (CLOCK_MONOTONIC on Linux), as strings. Compiled by run.ts into a temp dir.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.regex.*;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.client.FourLetterWordMain;

public final class CuratorBench {
  static final ObjectMapper JSON = new ObjectMapper();
  static String connect;
  static JsonNode params;

  public static void main(String[] argv) {
    connect = argv[0];
    try {
      params = JSON.readTree(argv.length > 2 ? argv[2] : "{}");
      Map<String, Object> result;
      switch (argv[1]) {
        case "lock-cycle": result = lockCycle(); break;
        case "lock-handoff": result = lockHandoff(); break;
        case "lock-contenders": result = lockContenders(); break;
        case "tree-cache": result = treeCache(); break;
        case "counter": result = counter(); break;
        case "atomic-increment": result = atomicIncrement(); break;
        case "queue": result = queue(false); break;
        case "locking-queue": result = queue(true); break;
        default: throw new IllegalArgumentException("unknown workload " + argv[1]);
      }
      emit(Map.of("result", result));
      System.out.flush();
      Runtime.getRuntime().halt(0);
    } catch (Throwable e) {
      emit(Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
  }

  static synchronized void emit(Object line) {
    try {
      System.out.println(JSON.writeValueAsString(line));
      System.out.flush();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static CuratorFramework client() throws Exception {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(30_000)
        .connectionTimeoutMs(15_000).retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000)).build();
    c.start();
    if (!c.blockUntilConnected(15, TimeUnit.SECONDS)) throw new TimeoutException("not connected to " + connect);
    return c;
  }

  static double ms(long from, long to) { return (to - from) / 1e6; }

  /** [wchs Total watches, mntr zk_watch_count]. */
  static long[] watches() throws Exception {
    String[] hp = connect.split(",")[0].split(":");
    String host = hp[0];
    int port = Integer.parseInt(hp[1]);
    String wchs = FourLetterWordMain.send4LetterWord(host, port, "wchs");
    String mntr = FourLetterWordMain.send4LetterWord(host, port, "mntr");
    Matcher a = Pattern.compile("Total watches:\\s*(\\d+)").matcher(wchs);
    Matcher b = Pattern.compile("zk_watch_count\\s+(\\d+)").matcher(mntr);
    return new long[] { a.find() ? Long.parseLong(a.group(1)) : -1, b.find() ? Long.parseLong(b.group(1)) : -1 };
  }

  static Map<String, Object> lockCycle() throws Exception {
    CuratorFramework c = client();
    InterProcessMutex m = new InterProcessMutex(c, params.get("path").asText());
    int warm = params.get("warmup").asInt();
    for (int i = 0; i < warm; i++) { m.acquire(); m.release(); }
    int n = params.get("cycles").asInt();
    double elapsed = timedCycles(m, n);
    // Steady state: the same cycles again after `steadyWarmup` more (as every library does).
    int steadyWarm = params.get("steadyWarmup").asInt();
    for (int i = 0; i < steadyWarm; i++) { m.acquire(); m.release(); }
    double steady = timedCycles(m, n);
    c.close();
    return Map.of("opsPerSec", n * 1000 / elapsed, "ms", elapsed, "steadyOpsPerSec", n * 1000 / steady);
  }

  static double timedCycles(InterProcessMutex m, int n) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) { m.acquire(); m.release(); }
    return ms(t0, System.nanoTime());
  }

  static Map<String, Object> lockHandoff() throws Exception {
    CuratorFramework c = client();
    String path = params.get("path").asText();
    InterProcessMutex m = new InterProcessMutex(c, path);
    List<String> acquired = new ArrayList<>();
    List<String> released = new ArrayList<>();
    int n = params.get("cycles").asInt();
    for (int i = 0; i < n; i++) {
      m.acquire();
      acquired.add(Long.toString(System.nanoTime()));
      long deadline = System.currentTimeMillis() + 1000;
      boolean other = false;
      while (System.currentTimeMillis() < deadline) {
        if (c.getChildren().forPath(path).size() >= 2) { other = true; break; }
        Thread.sleep(1);
      }
      if (other) Thread.sleep(2);
      long t = System.nanoTime();
      m.release();
      if (other) released.add(Long.toString(t));
    }
    c.close();
    return Map.of("acquired", acquired, "released", released);
  }

  static Map<String, Object> lockContenders() throws Exception {
    int n = params.get("contenders").asInt();
    String path = params.get("path").asText();
    List<CuratorFramework> clients = new ArrayList<>();
    ExecutorService connecting = Executors.newFixedThreadPool(16);
    List<Future<CuratorFramework>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) fs.add(connecting.submit(CuratorBench::client));
    for (Future<CuratorFramework> f : fs) clients.add(f.get());
    connecting.shutdown();
    long[] before = watches();
    InterProcessMutex first = new InterProcessMutex(clients.get(0), path);
    first.acquire();
    CountDownLatch done = new CountDownLatch(n - 1);
    AtomicLong tDone = new AtomicLong();
    for (int i = 1; i < n; i++) {
      InterProcessMutex m = new InterProcessMutex(clients.get(i), path);
      Thread t = new Thread(() -> {
        try {
          m.acquire();
          m.release();
          tDone.accumulateAndGet(System.nanoTime(), Math::max);
          done.countDown();
        } catch (Exception e) {
          e.printStackTrace();
        }
      });
      t.setDaemon(true);
      t.start();
    }
    CuratorFramework c = clients.get(0);
    while (c.getChildren().forPath(path).size() < n) Thread.sleep(5);
    long[] during = watches();
    for (int i = 0; i < 40; i++) {
      Thread.sleep(50);
      long[] w = watches();
      if (w[0] == during[0] && w[0] - before[0] >= n - 1) break;
      during = w;
    }
    long t0 = System.nanoTime();
    first.release();
    done.await();
    Map<String, Object> r = Map.of("drainMs", ms(t0, tDone.get()), "waitWatches", during[0] - before[0], "waitWatchCount", during[1] - before[1]);
    for (CuratorFramework x : clients) x.close();
    return r;
  }

  static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(50); }
    return rt.totalMemory() - rt.freeMemory();
  }

  static Map<String, Object> treeCache() throws Exception {
    CuratorFramework c = client();
    long[] before = watches();
    long heap0 = usedHeap();
    String tag = params.get("tag").asText();
    int changes = params.get("changes").asInt();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch initialized = new CountDownLatch(1);
    CountDownLatch allSeen = new CountDownLatch(1);
    AtomicLong tLast = new AtomicLong();
    CuratorCache cache = CuratorCache.build(c, params.get("root").asText());
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forChanges((oldNode, node) -> {
          if (new String(node.getData(), StandardCharsets.UTF_8).startsWith(tag) && seen.add(node.getPath()) && seen.size() == changes) {
            tLast.set(System.nanoTime());
            allSeen.countDown();
          }
        })
        .forInitialized(initialized::countDown)
        .build());
    long t0 = System.nanoTime();
    cache.start();
    initialized.await();
    double initMs = ms(t0, System.nanoTime());
    long[] after = watches();
    long heapDelta = usedHeap() - heap0;
    long size = cache.size();
    emit(Map.of("ready", true));
    allSeen.await();
    Map<String, Object> r = new HashMap<>();
    r.put("initMs", initMs);
    r.put("watches", after[0] - before[0]);
    r.put("watchCount", after[1] - before[1]);
    r.put("memoryMB", heapDelta / 1048576.0);
    r.put("nodes", size);
    r.put("tLast", Long.toString(tLast.get()));
    cache.close();
    c.close();
    return r;
  }

  static Map<String, Object> counter() throws Exception {
    int n = params.get("clients").asInt();
    int incs = params.get("increments").asInt();
    String path = params.get("path").asText();
    List<CuratorFramework> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) clients.add(client());
    // Optimistic only, retried without a pause until it wins (Curator's own retry policy decides the pauses).
    List<DistributedAtomicLong> counters = new ArrayList<>();
    for (CuratorFramework c : clients) counters.add(new DistributedAtomicLong(c, path, new RetryNTimes(Integer.MAX_VALUE, 0)));
    return contendedIncrements(clients, counters, incs);
  }

  /**
   * Increments under contention with PromotedToLock: DistributedAtomicLong with 3 optimistic tries (RetryNTimes(2)),
   * then an InterProcessMutex at lockPath under which it tries until it wins; a call that still fails is made again.
   */
  static Map<String, Object> atomicIncrement() throws Exception {
    int n = params.get("clients").asInt();
    int incs = params.get("increments").asInt();
    String path = params.get("path").asText();
    org.apache.curator.framework.recipes.atomic.PromotedToLock promoted = org.apache.curator.framework.recipes.atomic.PromotedToLock.builder()
        .lockPath(params.get("lockPath").asText()).retryPolicy(new RetryNTimes(Integer.MAX_VALUE, 0)).build();
    List<CuratorFramework> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) clients.add(client());
    List<DistributedAtomicLong> counters = new ArrayList<>();
    for (CuratorFramework c : clients) counters.add(new DistributedAtomicLong(c, path, new RetryNTimes(2, 0), promoted));
    return contendedIncrements(clients, counters, incs);
  }

  /**
   * Each counter (one per client) incremented `incs` times at once from a thread of its own, a failed try made again
   * until it succeeds; the clients closed after. The counter and atomic-increment workloads differ only in how their
   * DistributedAtomicLongs are made.
   */
  static Map<String, Object> contendedIncrements(List<CuratorFramework> clients, List<DistributedAtomicLong> counters, int incs) throws Exception {
    counters.get(0).initialize(0L);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Exception> failed = new AtomicReference<>();
    for (DistributedAtomicLong d : counters) {
      Thread t = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < incs; i++) {
            while (!d.increment().succeeded()) { }
          }
        } catch (Exception e) { failed.set(e); }
      });
      t.start();
      threads.add(t);
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread t : threads) t.join();
    double elapsed = ms(t0, System.nanoTime());
    if (failed.get() != null) throw failed.get();
    String value = Long.toString(counters.get(0).get().postValue());
    for (CuratorFramework c : clients) c.close();
    return Map.of("opsPerSec", counters.size() * incs * 1000 / elapsed, "ms", elapsed, "value", value);
  }

  /**
   * Curator's own queue, DistributedQueue (with a lockPath: its at-least-once mode, the item locked while consumed):
   * `warmup` puts and their consumption unmeasured; then `entries` puts one at a time (putInBackground(false): each
   * put returns once created), from a producer-only queue; then a consumer queue is started and timed until its
   * consumer has been given every item (Curator's defaults: its children cache, the items of each listing in turn).
   */
  static Map<String, Object> queue(boolean locking) throws Exception {
    CuratorFramework c = client();
    String path = params.get("path").asText();
    String lockPath = path + "-locks";
    int n = params.get("entries").asInt();
    QueueSerializer<byte[]> bytes = new QueueSerializer<byte[]>() {
      public byte[] serialize(byte[] item) { return item; }
      public byte[] deserialize(byte[] data) { return data; }
    };
    QueueBuilder<byte[]> producing = QueueBuilder.builder(c, null, bytes, path).putInBackground(false);
    if (locking) producing = producing.lockPath(lockPath);
    DistributedQueue<byte[]> producer = producing.buildQueue();
    producer.start();
    byte[] item = new byte[32];
    Arrays.fill(item, (byte) 'q');
    // Unmeasured: `warmup` puts, consumed, first (every library does the same).
    int warm = params.get("warmup").asInt();
    for (int i = 0; i < warm; i++) producer.put(item);
    consume(c, bytes, path, locking ? lockPath : null, warm);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) producer.put(item);
    double putMs = ms(t0, System.nanoTime());
    producer.close();
    long[] consumed = consume(c, bytes, path, locking ? lockPath : null, n);
    c.close();
    return Map.of("putPerSec", n * 1000 / putMs, "getPerSec", n * 1e9 / consumed[1], "taken", consumed[0]);
  }

  /** Starts a consumer queue and waits until it has been given `n` items: {items, ns from its start}. */
  static long[] consume(CuratorFramework c, QueueSerializer<byte[]> bytes, String path, String lockPath, int n) throws Exception {
    CountDownLatch consumed = new CountDownLatch(n);
    AtomicInteger taken = new AtomicInteger();
    QueueConsumer<byte[]> consumer = new QueueConsumer<byte[]>() {
      public void consumeMessage(byte[] message) { taken.incrementAndGet(); consumed.countDown(); }
      public void stateChanged(CuratorFramework client, ConnectionState state) { }
    };
    QueueBuilder<byte[]> consuming = QueueBuilder.builder(c, consumer, bytes, path);
    if (lockPath != null) consuming = consuming.lockPath(lockPath);
    DistributedQueue<byte[]> queue = consuming.buildQueue();
    long t0 = System.nanoTime();
    queue.start();
    if (!consumed.await(120, TimeUnit.SECONDS)) throw new TimeoutException(consumed.getCount() + " items not consumed");
    long elapsed = System.nanoTime() - t0;
    queue.close();
    return new long[] { taken.get(), elapsed };
  }
}
