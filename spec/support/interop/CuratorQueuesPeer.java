// Curator's queues (org.apache.curator.framework.recipes.queue) for the interop peer: DistributedQueue,
// DistributedPriorityQueue, DistributedDelayQueue, DistributedIdQueue and SimpleDistributedQueue, on the znodes
// rxzk's curator-queues share. Loaded by CuratorPeer.defineExtensions (see peers.ts); items are UTF-8 text.
//
//   cqueue.create       {handle, path, kind: queue|priority|delay|id, lockPath?, consume? (default true), failOnce?}
//                       a started queue (puts in the foreground: put returns once the node is made); with consume,
//                       a consumer that records each item (and the time it got it); failOnce: the first time that
//                       item comes, the consumer throws (ErrorMode.REQUEUE: with a lock path, its node is requeued)
//   cqueue.put          {handle, data, priority? | delayUntil? | id?}
//   cqueue.putMulti     {handle, items, priority? | delayUntil?}
//   cqueue.consumed     {handle} -> [{data, at}]
//   cqueue.awaitConsumed {handle, count, timeoutMs} -> [{data, at}] once count items came (or what came by then)
//   cqueue.remove       {handle, id} -> items removed (DistributedIdQueue.remove)
//   simpleQueue.create  {handle, path}; simpleQueue.offer {handle, data}; simpleQueue.poll {handle, timeoutMs?};
//   simpleQueue.take    {handle}; simpleQueue.peek {handle}   (text, or null)

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.queue.*;
import org.apache.curator.framework.state.ConnectionState;

final class CuratorQueuesPeer {
  private CuratorQueuesPeer() {}

  static final QueueSerializer<byte[]> BYTES = new QueueSerializer<byte[]>() {
    @Override public byte[] serialize(byte[] item) { return item; }
    @Override public byte[] deserialize(byte[] bytes) { return bytes; }
  };

  /** A Curator queue of any kind, with what its consumer received. */
  static final class Q implements Closeable {
    String kind;
    QueueBase<byte[]> queue;
    final List<Map<String, Object>> consumed = new ArrayList<>();
    final Set<String> failedOnce = new HashSet<>();

    @Override public void close() throws IOException { queue.close(); }

    synchronized void record(String item) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("data", item);
      m.put("at", System.currentTimeMillis());
      consumed.add(m);
      notifyAll();
    }

    synchronized List<Map<String, Object>> await(int count, long timeoutMs) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (consumed.size() < count) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) break;
        wait(left);
      }
      return new ArrayList<>(consumed);
    }
  }

  static void define() {
    CuratorPeer.on("cqueue.create", a -> {
      Q q = new Q();
      q.kind = a.path("kind").asText("queue");
      String failOnce = a.hasNonNull("failOnce") ? a.get("failOnce").asText() : null;
      QueueConsumer<byte[]> consumer = !a.path("consume").asBoolean(true) ? null : new QueueConsumer<byte[]>() {
        @Override public void consumeMessage(byte[] message) throws Exception {
          String item = new String(message, StandardCharsets.UTF_8);
          synchronized (q) {
            if (item.equals(failOnce) && q.failedOnce.add(item)) throw new Exception("failing " + item + " once");
          }
          q.record(item);
        }
        @Override public void stateChanged(CuratorFramework client, ConnectionState newState) {}
      };
      QueueBuilder<byte[]> b = QueueBuilder.builder(CuratorPeer.client, consumer, BYTES, CuratorPeer.text(a, "path")).putInBackground(false);
      if (a.hasNonNull("lockPath")) b.lockPath(a.get("lockPath").asText());
      switch (q.kind) {
        case "queue": q.queue = b.buildQueue(); break;
        case "priority": q.queue = b.buildPriorityQueue(0); break;
        case "delay": q.queue = b.buildDelayQueue(); break;
        case "id": q.queue = b.buildIdQueue(); break;
        default: throw new IllegalArgumentException("unknown kind " + q.kind);
      }
      q.queue.start();
      return CuratorPeer.put(a, q);
    });
    CuratorPeer.on("cqueue.put", a -> {
      Q q = CuratorPeer.get(a, Q.class);
      byte[] data = CuratorPeer.bytes(a, "data");
      switch (q.kind) {
        case "queue": ((DistributedQueue<byte[]>) q.queue).put(data); break;
        case "priority": ((DistributedPriorityQueue<byte[]>) q.queue).put(data, a.path("priority").asInt()); break;
        case "delay": ((DistributedDelayQueue<byte[]>) q.queue).put(data, a.path("delayUntil").asLong()); break;
        case "id": ((DistributedIdQueue<byte[]>) q.queue).put(data, CuratorPeer.text(a, "id")); break;
        default: throw new IllegalStateException(q.kind);
      }
      return null;
    });
    CuratorPeer.on("cqueue.putMulti", a -> {
      Q q = CuratorPeer.get(a, Q.class);
      Iterator<JsonNode> items = a.path("items").elements();
      MultiItem<byte[]> multi = () -> items.hasNext() ? items.next().asText().getBytes(StandardCharsets.UTF_8) : null;
      switch (q.kind) {
        case "queue": ((DistributedQueue<byte[]>) q.queue).putMulti(multi); break;
        case "priority": ((DistributedPriorityQueue<byte[]>) q.queue).putMulti(multi, a.path("priority").asInt()); break;
        case "delay": ((DistributedDelayQueue<byte[]>) q.queue).putMulti(multi, a.path("delayUntil").asLong()); break;
        default: throw new IllegalArgumentException("no putMulti on a " + q.kind + " queue");
      }
      return null;
    });
    CuratorPeer.on("cqueue.consumed", a -> {
      Q q = CuratorPeer.get(a, Q.class);
      synchronized (q) { return new ArrayList<>(q.consumed); }
    });
    CuratorPeer.on("cqueue.awaitConsumed", a -> CuratorPeer.get(a, Q.class).await(a.path("count").asInt(1), CuratorPeer.timeout(a)));
    CuratorPeer.on("cqueue.remove", a -> ((DistributedIdQueue<byte[]>) CuratorPeer.get(a, Q.class).queue).remove(CuratorPeer.text(a, "id")));

    CuratorPeer.on("simpleQueue.create", a -> CuratorPeer.put(a, new SimpleDistributedQueue(CuratorPeer.client, CuratorPeer.text(a, "path"))));
    CuratorPeer.on("simpleQueue.offer", a -> CuratorPeer.get(a, SimpleDistributedQueue.class).offer(CuratorPeer.bytes(a, "data")));
    CuratorPeer.on("simpleQueue.poll", a -> {
      SimpleDistributedQueue q = CuratorPeer.get(a, SimpleDistributedQueue.class);
      return text(a.hasNonNull("timeoutMs") ? q.poll(a.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS) : q.poll());
    });
    CuratorPeer.on("simpleQueue.take", a -> text(CuratorPeer.get(a, SimpleDistributedQueue.class).take()));
    CuratorPeer.on("simpleQueue.peek", a -> text(CuratorPeer.get(a, SimpleDistributedQueue.class).peek()));
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
