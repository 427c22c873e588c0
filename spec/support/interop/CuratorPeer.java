// A long-running Apache Curator 5.4 process that rxzk's interop tests drive over stdin/stdout,
// so that Curator's own recipes contend with rxzk's on the same znodes. Built and started by
// peers.ts (startCuratorPeer); the protocol and the commands are documented there.
//
//   java -cp <curator, zookeeper, jackson jars>:<dir of this class> CuratorPeer <connectString> [sessionTimeoutMs]
//
// One JSON request per stdin line: {"id":N,"cmd":"mutex.acquire","args":{"handle":"m1","timeoutMs":5000}}.
// One JSON reply per request on stdout: {"id":N,"ok":true,"value":...} or {"id":N,"ok":false,"error":"Class: message"}.
// Before any request is read the peer prints {"id":0,...}: connected (with the session), or why not.
// Replies come in completion order: a blocking call (an acquire, an await) runs on a thread of its
// own, so other requests are answered while it waits. End of stdin (the test process went away)
// closes the client, as "quit" does.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.leader.*;
import org.apache.curator.framework.recipes.locks.*;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.x.discovery.*;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;

public final class CuratorPeer {
  interface Command { Object run(JsonNode args) throws Exception; }

  static final ObjectMapper JSON = new ObjectMapper();
  static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);
  static final Map<String, Command> COMMANDS = new HashMap<>();
  /** Commands that must run on their handle's own thread: Curator's locks belong to the thread that acquired them. */
  static final Set<String> THREAD_BOUND = new HashSet<>();
  static final Map<String, Object> HANDLES = new ConcurrentHashMap<>();
  static final Map<String, ExecutorService> HANDLE_THREADS = new ConcurrentHashMap<>();
  static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("peer-call"));
  /** Every connection state Curator reported, in order (CONNECTED first). */
  static final List<String> STATES = new ArrayList<>();
  static CuratorFramework client;

  public static void main(String[] argv) throws Exception {
    int sessionTimeout = argv.length > 1 ? Integer.parseInt(argv[1]) : 10_000;
    client = CuratorFrameworkFactory.builder().connectString(argv[0]).sessionTimeoutMs(sessionTimeout)
        .connectionTimeoutMs(15_000).retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000)).build();
    client.getConnectionStateListenable().addListener((c, state) -> {
      synchronized (STATES) { STATES.add(state.name()); STATES.notifyAll(); }
    });
    client.start();
    if (!client.blockUntilConnected(15, TimeUnit.SECONDS)) {
      reply(0, false, "TimeoutException: not connected to " + argv[0] + " within 15 s");
      Runtime.getRuntime().halt(1);
    }
    reply(0, true, session());
    define();
    defineExtensions();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (!line.isBlank()) dispatch(line);
    }
    quit();
  }

  static void dispatch(String line) {
    long id = -1;
    try {
      JsonNode request = JSON.readTree(line);
      id = request.path("id").asLong(-1);
      String cmd = request.path("cmd").asText();
      JsonNode args = request.path("args");
      Command command = COMMANDS.get(cmd);
      if (command == null) throw new IllegalArgumentException("unknown command '" + cmd + "'");
      if (cmd.equals("quit")) { reply(id, true, null); quit(); }
      Executor executor = THREAD_BOUND.contains(cmd) ? threadOf(text(args, "handle")) : POOL;
      long replyId = id;
      executor.execute(() -> {
        try {
          reply(replyId, true, command.run(args));
        } catch (Throwable t) {
          reply(replyId, false, describe(t));
        }
      });
    } catch (Throwable t) {
      reply(id, false, describe(t));
    }
  }

  static void define() {
    on("ping", a -> "pong");
    on("quit", a -> null);  // handled in dispatch
    on("session", a -> session());
    on("states", a -> { synchronized (STATES) { return new ArrayList<>(STATES); } });
    // Waits until Curator has reported `state` at least `count` times (default 1) since the start.
    on("awaitState", a -> {
      String state = text(a, "state");
      int count = a.path("count").asInt(1);
      long deadline = System.currentTimeMillis() + timeout(a);
      synchronized (STATES) {
        while (Collections.frequency(STATES, state) < count) {
          long left = deadline - System.currentTimeMillis();
          if (left <= 0) return false;
          STATES.wait(left);
        }
      }
      return true;
    });
    on("close", a -> {
      String handle = text(a, "handle");
      Object o = HANDLES.remove(handle);
      if (o instanceof Closeable) ((Closeable) o).close();
      ExecutorService thread = HANDLE_THREADS.remove(handle);
      if (thread != null) thread.shutdownNow();
      return o != null;
    });

    // InterProcessMutex: `data` (optional, UTF-8) replaces the node data Curator would write (the client's default data).
    on("mutex.create", a -> {
      byte[] data = bytes(a, "data");
      return put(a, data == null ? new InterProcessMutex(client, text(a, "path")) : new InterProcessMutex(client, text(a, "path")) {
        @Override protected byte[] getLockNodeBytes() { return data; }
      });
    });
    bound("mutex.acquire", a -> get(a, InterProcessMutex.class).acquire(timeout(a), TimeUnit.MILLISECONDS));
    bound("mutex.release", a -> { get(a, InterProcessMutex.class).release(); return null; });
    on("mutex.isAcquired", a -> get(a, InterProcessMutex.class).isAcquiredInThisProcess());
    on("mutex.participants", a -> get(a, InterProcessMutex.class).getParticipantNodes());

    // InterProcessReadWriteLock: both sides of one handle share its thread (so write -> read downgrade works).
    on("rwlock.create", a -> put(a, new InterProcessReadWriteLock(client, text(a, "path"), bytes(a, "data"))));
    bound("rwlock.acquireRead", a -> rw(a).readLock().acquire(timeout(a), TimeUnit.MILLISECONDS));
    bound("rwlock.acquireWrite", a -> rw(a).writeLock().acquire(timeout(a), TimeUnit.MILLISECONDS));
    bound("rwlock.releaseRead", a -> { rw(a).readLock().release(); return null; });
    bound("rwlock.releaseWrite", a -> { rw(a).writeLock().release(); return null; });
    on("rwlock.participants", a -> {
      List<String> nodes = new ArrayList<>(rw(a).readLock().getParticipantNodes());
      nodes.addAll(rw(a).writeLock().getParticipantNodes());
      return nodes;
    });

    // InterProcessSemaphoreV2: each acquire keeps its Lease; release returns the oldest one held.
    on("semaphore.create", a -> {
      Sem sem = new Sem(new InterProcessSemaphoreV2(client, text(a, "path"), a.path("maxLeases").asInt(1)));
      if (bytes(a, "data") != null) sem.semaphore.setNodeData(bytes(a, "data"));
      return put(a, sem);
    });
    on("semaphore.acquire", a -> {
      Sem sem = get(a, Sem.class);
      Lease lease = sem.semaphore.acquire(timeout(a), TimeUnit.MILLISECONDS);
      if (lease != null) sem.leases.add(lease);
      return lease != null;
    });
    on("semaphore.release", a -> {
      Lease lease = get(a, Sem.class).leases.poll();
      if (lease == null) return false;
      lease.close();
      return true;
    });
    on("semaphore.leases", a -> get(a, Sem.class).leases.size());
    on("semaphore.participants", a -> get(a, Sem.class).semaphore.getParticipantNodes());

    on("latch.create", a -> put(a, new LeaderLatch(client, text(a, "path"), a.path("id").asText(""))));
    on("latch.start", a -> { get(a, LeaderLatch.class).start(); return null; });
    on("latch.hasLeadership", a -> get(a, LeaderLatch.class).hasLeadership());
    on("latch.await", a -> get(a, LeaderLatch.class).await(timeout(a), TimeUnit.MILLISECONDS));
    on("latch.ourPath", a -> get(a, LeaderLatch.class).getOurPath());
    on("latch.participants", a -> participants(get(a, LeaderLatch.class).getParticipants()));
    on("latch.leader", a -> participant(get(a, LeaderLatch.class).getLeader()));
    on("latch.close", a -> { closeHandle(a); return null; });

    // LeaderSelector whose takeLeadership holds leadership until selector.stepDown.
    on("selector.create", a -> {
      Selector s = new Selector();
      s.selector = new LeaderSelector(client, text(a, "path"), s);
      if (a.has("id")) s.selector.setId(a.get("id").asText());
      if (a.path("autoRequeue").asBoolean(false)) s.selector.autoRequeue();
      return put(a, s);
    });
    on("selector.start", a -> { get(a, Selector.class).selector.start(); return null; });
    on("selector.isLeader", a -> get(a, Selector.class).selector.hasLeadership());
    on("selector.awaitLeader", a -> get(a, Selector.class).awaitTerm(a.path("term").asInt(1), timeout(a)));
    on("selector.terms", a -> get(a, Selector.class).terms());
    on("selector.stepDown", a -> get(a, Selector.class).stepDown());
    on("selector.requeue", a -> get(a, Selector.class).selector.requeue());
    on("selector.participants", a -> participants(get(a, Selector.class).selector.getParticipants()));
    on("selector.close", a -> { closeHandle(a); return null; });

    on("doubleBarrier.create", a -> put(a, new DistributedDoubleBarrier(client, text(a, "path"), a.path("n").asInt())));
    on("doubleBarrier.enter", a -> get(a, DistributedDoubleBarrier.class).enter(timeout(a), TimeUnit.MILLISECONDS));
    on("doubleBarrier.leave", a -> get(a, DistributedDoubleBarrier.class).leave(timeout(a), TimeUnit.MILLISECONDS));

    on("barrier.create", a -> put(a, new DistributedBarrier(client, text(a, "path"))));
    on("barrier.set", a -> { get(a, DistributedBarrier.class).setBarrier(); return null; });
    on("barrier.remove", a -> { get(a, DistributedBarrier.class).removeBarrier(); return null; });
    on("barrier.wait", a -> get(a, DistributedBarrier.class).waitOnBarrier(timeout(a), TimeUnit.MILLISECONDS));

    // SharedCount is started by create (it only reads once started).
    on("sharedCount.create", a -> {
      SharedCount count = new SharedCount(client, text(a, "path"), a.path("seed").asInt(0));
      count.start();
      return put(a, count);
    });
    on("sharedCount.get", a -> versioned(get(a, SharedCount.class).getVersionedValue()));
    on("sharedCount.trySet", a -> get(a, SharedCount.class).trySetCount(versionedValue(a.path("version").asInt(), get(a, SharedCount.class)), a.path("value").asInt()));
    on("sharedCount.set", a -> { get(a, SharedCount.class).setCount(a.path("value").asInt()); return null; });

    on("atomicLong.create", a -> put(a, new DistributedAtomicLong(client, text(a, "path"), new RetryNTimes(20, 10))));
    on("atomicLong.get", a -> atomic(get(a, DistributedAtomicLong.class).get()));
    on("atomicLong.increment", a -> atomic(get(a, DistributedAtomicLong.class).increment()));
    on("atomicLong.add", a -> atomic(get(a, DistributedAtomicLong.class).add(a.path("delta").asLong())));
    on("atomicLong.compareAndSet", a -> atomic(get(a, DistributedAtomicLong.class).compareAndSet(a.path("expected").asLong(), a.path("value").asLong())));

    // curator-x-discovery with payloadClass Object (a JSON object payload becomes a LinkedHashMap), started by create.
    // compatible (default true, as JsonInstanceSerializer(Class) has it) writes no "enabled" field.
    on("discovery.create", a -> {
      Discovery d = new Discovery();
      var serializer = new JsonInstanceSerializer<>(Object.class, a.path("compatible").asBoolean(true));
      d.sd = ServiceDiscoveryBuilder.builder(Object.class).client(client).basePath(text(a, "basePath"))
          .serializer(serializer).watchInstances(a.path("watch").asBoolean(false)).build();
      d.sd.start();
      return put(a, d);
    });
    on("discovery.register", a -> {
      ServiceInstanceBuilder<Object> b = ServiceInstance.builder();
      b.name(text(a, "name"));
      if (a.hasNonNull("id")) b.id(a.get("id").asText());
      if (a.hasNonNull("address")) b.address(a.get("address").asText());
      if (a.hasNonNull("port")) b.port(a.get("port").asInt());
      if (a.hasNonNull("sslPort")) b.sslPort(a.get("sslPort").asInt());
      if (a.hasNonNull("payload")) b.payload(JSON.treeToValue(a.get("payload"), Object.class));
      if (a.hasNonNull("serviceType")) b.serviceType(ServiceType.valueOf(a.get("serviceType").asText()));
      if (a.hasNonNull("uriSpec")) b.uriSpec(new UriSpec(a.get("uriSpec").asText()));
      if (a.hasNonNull("enabled")) b.enabled(a.get("enabled").asBoolean());
      if (a.hasNonNull("registrationTimeUTC")) b.registrationTimeUTC(a.get("registrationTimeUTC").asLong());
      ServiceInstance<Object> instance = b.build();
      get(a, Discovery.class).sd.registerService(instance);
      return instance(instance);
    });
    on("discovery.unregister", a -> {
      ServiceDiscovery<Object> sd = get(a, Discovery.class).sd;
      ServiceInstance<Object> instance = sd.queryForInstance(text(a, "name"), text(a, "id"));
      if (instance != null) sd.unregisterService(instance);
      return instance != null;
    });
    on("discovery.query", a -> {
      List<Object> list = new ArrayList<>();
      for (ServiceInstance<Object> i : get(a, Discovery.class).sd.queryForInstances(text(a, "name"))) list.add(instance(i));
      return list;
    });
    on("discovery.names", a -> get(a, Discovery.class).sd.queryForNames());
    on("discovery.close", a -> { closeHandle(a); return null; });
  }

  static final class Sem {
    final InterProcessSemaphoreV2 semaphore;
    final Queue<Lease> leases = new ConcurrentLinkedQueue<>();
    Sem(InterProcessSemaphoreV2 semaphore) { this.semaphore = semaphore; }
  }

  /** Leadership lasts from takeLeadership until stepDown (or until Curator cancels it: SUSPENDED, LOST, close). */
  static final class Selector extends LeaderSelectorListenerAdapter implements Closeable {
    LeaderSelector selector;
    private int terms;          // how many times takeLeadership was entered
    private boolean leading;
    private boolean stepDown;

    @Override public void takeLeadership(CuratorFramework c) throws Exception {
      synchronized (this) {
        terms++;
        leading = true;
        stepDown = false;
        notifyAll();
        try {
          while (!stepDown) wait();
        } finally {
          leading = false;
          notifyAll();
        }
      }
    }
    synchronized int terms() { return terms; }
    synchronized boolean awaitTerm(int term, long timeoutMs) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (terms < term) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) return false;
        wait(left);
      }
      return true;
    }
    /** Ends the current term; true when there was one. Returns once takeLeadership has returned. */
    synchronized boolean stepDown() throws InterruptedException {
      if (!leading) return false;
      stepDown = true;
      notifyAll();
      while (leading) wait();
      return true;
    }
    @Override public void close() { selector.close(); }
  }

  static final class Discovery implements Closeable {
    ServiceDiscovery<Object> sd;
    @Override public void close() throws java.io.IOException { sd.close(); }
  }

  // ---- helpers ----

  /**
   * The commands of the other `Curator*Peer.java` files beside this one (one per recipe family, so that
   * each family's commands live in a file of its own): each is a class with `static void define()` that
   * registers its commands with {@link #on} and {@link #bound}. peers.ts compiles them all together.
   */
  static void defineExtensions() throws Exception {
    String[] names = System.getProperty("rxzk.peer.extensions", "").split(",");
    for (String name : names) {
      if (name.isBlank()) continue;
      Class.forName(name).getDeclaredMethod("define").invoke(null);
    }
  }

  static void on(String cmd, Command c) { COMMANDS.put(cmd, c); }
  static void bound(String cmd, Command c) { COMMANDS.put(cmd, c); THREAD_BOUND.add(cmd); }

  static ExecutorService threadOf(String handle) {
    return HANDLE_THREADS.computeIfAbsent(handle, h -> Executors.newSingleThreadExecutor(daemon("handle-" + h)));
  }

  static ThreadFactory daemon(String name) {
    return r -> { Thread t = new Thread(r, name); t.setDaemon(true); return t; };
  }

  static Object put(JsonNode a, Object o) {
    String handle = text(a, "handle");
    if (HANDLES.putIfAbsent(handle, o) != null) throw new IllegalArgumentException("handle '" + handle + "' is in use");
    return null;
  }

  static <T> T get(JsonNode a, Class<T> type) {
    String handle = text(a, "handle");
    Object o = HANDLES.get(handle);
    if (!type.isInstance(o)) throw new IllegalArgumentException("no " + type.getSimpleName() + " named '" + handle + "'");
    return type.cast(o);
  }

  static InterProcessReadWriteLock rw(JsonNode a) { return get(a, InterProcessReadWriteLock.class); }

  static void closeHandle(JsonNode a) throws Exception { COMMANDS.get("close").run(a); }

  static String text(JsonNode a, String field) {
    if (!a.hasNonNull(field)) throw new IllegalArgumentException("missing argument '" + field + "'");
    return a.get(field).asText();
  }

  static byte[] bytes(JsonNode a, String field) {
    return a.hasNonNull(field) ? a.get(field).asText().getBytes(StandardCharsets.UTF_8) : null;
  }

  static long timeout(JsonNode a) { return a.path("timeoutMs").asLong(10_000); }

  static Map<String, Object> session() throws Exception {
    var zk = client.getZookeeperClient().getZooKeeper();
    return Map.of("sessionId", Long.toUnsignedString(zk.getSessionId()),
        "password", Base64.getEncoder().encodeToString(zk.getSessionPasswd()),
        "timeout", zk.getSessionTimeout());
  }

  static List<Object> participants(Collection<Participant> ps) {
    List<Object> list = new ArrayList<>();
    for (Participant p : ps) list.add(participant(p));
    return list;
  }

  static Object participant(Participant p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.getId());
    m.put("isLeader", p.isLeader());
    return m;
  }

  static Object versioned(VersionedValue<Integer> v) { return Map.of("value", v.getValue(), "version", v.getVersion()); }

  /** VersionedValue has no public constructor; trySetCount compares the given version with the one it has read. */
  @SuppressWarnings("unchecked")
  static VersionedValue<Integer> versionedValue(int version, SharedCount count) throws Exception {
    Constructor<?> c = VersionedValue.class.getDeclaredConstructor(int.class, Object.class);
    c.setAccessible(true);
    return (VersionedValue<Integer>) c.newInstance(version, count.getCount());
  }

  static Object atomic(AtomicValue<Long> v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("succeeded", v.succeeded());
    // As strings: a Java long need not fit in a JavaScript number.
    m.put("preValue", String.valueOf(v.preValue()));
    m.put("postValue", String.valueOf(v.postValue()));
    return m;
  }

  /** An instance as Curator read it, with the URI its uriSpec builds. */
  static Object instance(ServiceInstance<Object> i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", i.getName());
    m.put("id", i.getId());
    m.put("address", i.getAddress());
    m.put("port", i.getPort());
    m.put("sslPort", i.getSslPort());
    m.put("payload", i.getPayload());
    m.put("payloadClass", i.getPayload() == null ? null : i.getPayload().getClass().getName());
    m.put("registrationTimeUTC", i.getRegistrationTimeUTC());
    m.put("serviceType", i.getServiceType() == null ? null : i.getServiceType().name());
    m.put("enabled", i.isEnabled());
    m.put("uri", i.getUriSpec() == null ? null : i.buildUriSpec());
    return m;
  }

  static String describe(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  static void reply(long id, boolean ok, Object value) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("ok", ok);
    if (ok) r.set("value", JSON.valueToTree(value));
    else r.put("error", String.valueOf(value));
    String line = r.toString();
    synchronized (OUT) {
      OUT.println(line);
      OUT.flush();
    }
  }

  /** Closes the session (its ephemerals go at once) and exits, without waiting for calls still blocked. */
  static void quit() {
    try {
      CompletableFuture.runAsync(client::close).get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Exiting anyway: the server expires the session.
    }
    OUT.flush();
    Runtime.getRuntime().halt(0);
  }
}
