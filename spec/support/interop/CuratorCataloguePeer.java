// The Curator peer's commands for the rest of Curator's catalogue (issue 20 item 4): InterProcessMultiLock,
// GroupMember, PersistentTtlNode, SharedValue, DistributedAtomicLong / DistributedAtomicValue with PromotedToLock,
// and plain reads of a node. Loaded by CuratorPeer.defineExtensions; the protocol is peers.ts's. Binary values are
// base64 in results; `data` / `value` / `seed` arguments are UTF-8 text, `…B64` ones base64.
//
//   multiLock.create {handle, paths}            multiLock.acquire {handle, timeoutMs} -> boolean (on the handle's thread)
//   multiLock.release {handle}                  multiLock.isAcquired {handle} -> boolean
//   groupMember.create {handle, path, id, data?} (started)   groupMember.members {handle} -> {id: text}
//   groupMember.setData {handle, data}          close {handle} (GroupMember is Closeable: its node is deleted)
//   ttlNode.create {handle, path, ttlMs, data?} (started; waits for the container) -> boolean   close {handle}: stops touching
//   node.get {path} -> {data (base64), version, mtime, numChildren} | null      node.children {path} -> string[] | null
//   sharedValue.create {handle, path, seed} (started)        sharedValue.get {handle} -> {value (base64), version}
//   sharedValue.trySet {handle, value, version} -> boolean   sharedValue.set {handle, value}
//   sharedValue.awaitValue {handle, value, timeoutMs} -> boolean (Curator's cached value reaches `value`)
//   sharedValue.incrementMany {handle, n} -> tries: n increments of a decimal value by trySetValue, each until it wins
//   atomic.create {handle, path, tries?, lockPath?, lockTimeoutMs?}   DistributedAtomicLong; tries = optimistic tries
//   atomic.get / atomic.increment / atomic.decrement / atomic.trySet {value} / atomic.compareAndSet {expected, value}
//       -> {succeeded, preValue, postValue, promotedTries} (longs as strings)
//   atomic.incrementMany {handle, n} -> {calls, failed, promotedTries}: n increments, each repeated until it succeeds
//   atomicValue.create {handle, path, tries?, lockPath?, lockTimeoutMs?}   DistributedAtomicValue (bytes)
//   atomicValue.get / atomicValue.trySet {value} / atomicValue.compareAndSet {expected, value} / atomicValue.forceSet {value}
//       -> {succeeded, preValue, postValue} (base64 or null)

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicValue;
import org.apache.curator.framework.recipes.atomic.PromotedToLock;
import org.apache.curator.framework.recipes.locks.InterProcessMultiLock;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.framework.recipes.nodes.PersistentTtlNode;
import org.apache.curator.framework.recipes.shared.SharedValue;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

public final class CuratorCataloguePeer {
  static void define() {
    CuratorPeer.on("multiLock.create", a -> {
      List<String> paths = new ArrayList<>();
      for (JsonNode p : a.path("paths")) paths.add(p.asText());
      return CuratorPeer.put(a, new InterProcessMultiLock(CuratorPeer.client, paths));
    });
    // InterProcessMutex (and so the multi-lock) belongs to the thread that acquired it: both on the handle's thread.
    CuratorPeer.bound("multiLock.acquire", a -> CuratorPeer.get(a, InterProcessMultiLock.class).acquire(CuratorPeer.timeout(a), TimeUnit.MILLISECONDS));
    CuratorPeer.bound("multiLock.release", a -> { CuratorPeer.get(a, InterProcessMultiLock.class).release(); return null; });
    CuratorPeer.on("multiLock.isAcquired", a -> CuratorPeer.get(a, InterProcessMultiLock.class).isAcquiredInThisProcess());

    CuratorPeer.on("groupMember.create", a -> {
      byte[] data = CuratorPeer.bytes(a, "data");
      GroupMember member = data == null
          ? new GroupMember(CuratorPeer.client, CuratorPeer.text(a, "path"), CuratorPeer.text(a, "id"))
          : new GroupMember(CuratorPeer.client, CuratorPeer.text(a, "path"), CuratorPeer.text(a, "id"), data);
      CuratorPeer.put(a, member);
      member.start();
      return null;
    });
    CuratorPeer.on("groupMember.members", a -> {
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<String, byte[]> e : CuratorPeer.get(a, GroupMember.class).getCurrentMembers().entrySet()) {
        out.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
      }
      return out;
    });
    CuratorPeer.on("groupMember.setData", a -> { CuratorPeer.get(a, GroupMember.class).setThisData(CuratorPeer.bytes(a, "data")); return null; });

    CuratorPeer.on("ttlNode.create", a -> {
      byte[] data = CuratorPeer.bytes(a, "data");
      PersistentTtlNode node = new PersistentTtlNode(CuratorPeer.client, CuratorPeer.text(a, "path"), a.path("ttlMs").asLong(), data == null ? new byte[0] : data);
      CuratorPeer.put(a, node);
      node.start();
      return node.waitForInitialCreate(CuratorPeer.timeout(a), TimeUnit.MILLISECONDS);
    });

    CuratorPeer.on("node.get", a -> {
      try {
        Stat stat = new Stat();
        byte[] data = CuratorPeer.client.getData().storingStatIn(stat).forPath(CuratorPeer.text(a, "path"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", b64(data));
        m.put("version", stat.getVersion());
        m.put("mtime", stat.getMtime());
        m.put("numChildren", stat.getNumChildren());
        return m;
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });
    CuratorPeer.on("node.children", a -> {
      try {
        return CuratorPeer.client.getChildren().forPath(CuratorPeer.text(a, "path"));
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });

    CuratorPeer.on("sharedValue.create", a -> {
      SharedValue value = new SharedValue(CuratorPeer.client, CuratorPeer.text(a, "path"), CuratorPeer.bytes(a, "seed"));
      CuratorPeer.put(a, value);
      value.start();
      return null;
    });
    CuratorPeer.on("sharedValue.get", a -> versioned(CuratorPeer.get(a, SharedValue.class).getVersionedValue()));
    CuratorPeer.on("sharedValue.trySet", a -> {
      SharedValue value = CuratorPeer.get(a, SharedValue.class);
      // trySetValue compares the version AND the bytes with its cached value: the bytes given are the cached ones.
      return value.trySetValue(versionedValue(a.path("version").asInt(), value.getValue()), CuratorPeer.bytes(a, "value"));
    });
    CuratorPeer.on("sharedValue.set", a -> { CuratorPeer.get(a, SharedValue.class).setValue(CuratorPeer.bytes(a, "value")); return null; });
    // n increments of a decimal text value, each a trySetValue at the version Curator's SharedValue holds, repeated until it wins.
    CuratorPeer.bound("sharedValue.incrementMany", a -> {
      SharedValue value = CuratorPeer.get(a, SharedValue.class);
      int n = a.path("n").asInt();
      long tries = 0;
      for (int i = 0; i < n; i++) {
        for (;;) {
          tries++;
          VersionedValue<byte[]> v = value.getVersionedValue();
          long next = Long.parseLong(new String(v.getValue(), StandardCharsets.UTF_8)) + 1;
          if (value.trySetValue(v, Long.toString(next).getBytes(StandardCharsets.UTF_8))) break;
        }
      }
      return tries;
    });
    CuratorPeer.on("sharedValue.awaitValue", a -> {
      SharedValue value = CuratorPeer.get(a, SharedValue.class);
      byte[] want = CuratorPeer.bytes(a, "value");
      long deadline = System.currentTimeMillis() + CuratorPeer.timeout(a);
      while (!Arrays.equals(value.getValue(), want)) {
        if (System.currentTimeMillis() > deadline) return false;
        Thread.sleep(5);
      }
      return true;
    });

    CuratorPeer.on("atomic.create", a -> CuratorPeer.put(a, new DistributedAtomicLong(CuratorPeer.client, CuratorPeer.text(a, "path"), retry(a), promoted(a))));
    CuratorPeer.bound("atomic.get", a -> atomic(CuratorPeer.get(a, DistributedAtomicLong.class).get()));
    CuratorPeer.bound("atomic.increment", a -> atomic(CuratorPeer.get(a, DistributedAtomicLong.class).increment()));
    CuratorPeer.bound("atomic.decrement", a -> atomic(CuratorPeer.get(a, DistributedAtomicLong.class).decrement()));
    CuratorPeer.bound("atomic.trySet", a -> atomic(CuratorPeer.get(a, DistributedAtomicLong.class).trySet(Long.parseLong(CuratorPeer.text(a, "value")))));
    CuratorPeer.bound("atomic.compareAndSet", a -> atomic(CuratorPeer.get(a, DistributedAtomicLong.class)
        .compareAndSet(Long.parseLong(CuratorPeer.text(a, "expected")), Long.parseLong(CuratorPeer.text(a, "value")))));
    CuratorPeer.bound("atomic.incrementMany", a -> {
      DistributedAtomicLong counter = CuratorPeer.get(a, DistributedAtomicLong.class);
      int n = a.path("n").asInt();
      long calls = 0, failed = 0, promoted = 0;
      for (int i = 0; i < n; i++) {
        for (;;) {
          AtomicValue<Long> v = counter.increment();
          calls++;
          promoted += v.getStats().getPromotedLockTries();
          if (v.succeeded()) break;
          failed++;  // nothing was changed: a user must try again
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("calls", calls);
      m.put("failed", failed);
      m.put("promotedTries", promoted);
      return m;
    });

    CuratorPeer.on("atomicValue.create", a -> CuratorPeer.put(a, new DistributedAtomicValue(CuratorPeer.client, CuratorPeer.text(a, "path"), retry(a), promoted(a))));
    CuratorPeer.bound("atomicValue.get", a -> bytesResult(CuratorPeer.get(a, DistributedAtomicValue.class).get()));
    CuratorPeer.bound("atomicValue.trySet", a -> bytesResult(CuratorPeer.get(a, DistributedAtomicValue.class).trySet(CuratorPeer.bytes(a, "value"))));
    CuratorPeer.bound("atomicValue.compareAndSet", a -> bytesResult(CuratorPeer.get(a, DistributedAtomicValue.class)
        .compareAndSet(CuratorPeer.bytes(a, "expected"), CuratorPeer.bytes(a, "value"))));
    CuratorPeer.bound("atomicValue.forceSet", a -> { CuratorPeer.get(a, DistributedAtomicValue.class).forceSet(CuratorPeer.bytes(a, "value")); return null; });
  }

  /** `tries` optimistic tries (default 3): RetryNTimes(n) allows n retries after the first. */
  static RetryNTimes retry(JsonNode a) {
    return new RetryNTimes(Math.max(0, a.path("tries").asInt(3) - 1), 0);
  }

  /** PromotedToLock at lockPath (if given): under the lock, tries until applied (as rxzk's), within lockTimeoutMs. */
  static PromotedToLock promoted(JsonNode a) {
    if (!a.hasNonNull("lockPath")) return null;
    return PromotedToLock.builder().lockPath(a.get("lockPath").asText()).retryPolicy(new RetryNTimes(1_000_000, 0))
        .timeout(a.path("lockTimeoutMs").asLong(30_000), TimeUnit.MILLISECONDS).build();
  }

  static String b64(byte[] data) { return data == null ? null : Base64.getEncoder().encodeToString(data); }

  static Object versioned(VersionedValue<byte[]> v) { return Map.of("value", b64(v.getValue()), "version", v.getVersion()); }

  /** VersionedValue has no public constructor (see CuratorPeer.versionedValue). */
  @SuppressWarnings("unchecked")
  static VersionedValue<byte[]> versionedValue(int version, byte[] value) throws Exception {
    Constructor<?> c = VersionedValue.class.getDeclaredConstructor(int.class, Object.class);
    c.setAccessible(true);
    return (VersionedValue<byte[]>) c.newInstance(version, value);
  }

  static Object atomic(AtomicValue<Long> v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("succeeded", v.succeeded());
    m.put("preValue", String.valueOf(v.preValue()));
    m.put("postValue", String.valueOf(v.postValue()));
    m.put("promotedTries", v.getStats().getPromotedLockTries());
    return m;
  }

  static Object bytesResult(AtomicValue<byte[]> v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("succeeded", v.succeeded());
    m.put("preValue", b64(v.preValue()));
    m.put("postValue", b64(v.postValue()));
    return m;
  }
}
