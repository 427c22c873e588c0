// Curator's TreeCache (with maxDepth and a TreeCacheSelector) and curator-x-discovery's ServiceProvider with an
// InstanceFilter, for rxzk's TreeCache and ServiceDiscovery interop specs. Loaded by CuratorPeer.defineExtensions.
//
//   treeCache.create     {handle, path, maxDepth?, noTraverse?: [path], reject?: [path]} -> null (started)
//                        noTraverse: traverseChildren(path) false for those paths; reject: acceptChild(path) false
//   treeCache.awaitInitialized {handle, timeoutMs?} -> boolean
//   treeCache.nodes      {handle} -> { path: data as UTF-8 } of every node the cache holds (walked from its root)
//   treeCache.events     {handle} -> ["NODE_ADDED /a", "INITIALIZED", ...] every event so far
//   treeCache.awaitEvent {handle, type, path, timeoutMs?} -> boolean: an event of that type on that path came
//   discovery.provider   {handle, discovery, name, payloadKey?, payloadValue?} -> null (started); with payloadKey,
//                        an InstanceFilter keeping instances whose (map) payload has payloadKey = payloadValue
//   discovery.providerAll  {handle} -> instances (getAllInstances: the filters applied)
//   discovery.providerNext {handle} -> an instance (getInstance) or null
//   discovery.noteError  {handle, id} -> boolean: noted on the instance of that id (found in getAllInstances)
// Close any of them with "close".

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.framework.recipes.cache.TreeCacheSelector;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.InstanceFilter;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;

public final class CuratorCachePeer {
  private CuratorCachePeer() {}

  static final class Tree implements Closeable {
    TreeCache cache;
    String root;
    final List<String> events = new ArrayList<>();
    final Object lock = new Object();
    @Override public void close() { cache.close(); }
  }

  static final class Provider implements Closeable {
    ServiceProvider<Object> provider;
    @Override public void close() throws java.io.IOException { provider.close(); }
  }

  static Set<String> paths(JsonNode a, String field) {
    Set<String> set = new HashSet<>();
    for (JsonNode p : a.path(field)) set.add(p.asText());
    return set;
  }

  static void define() {
    CuratorPeer.on("treeCache.create", a -> {
      Tree t = new Tree();
      t.root = CuratorPeer.text(a, "path");
      Set<String> noTraverse = paths(a, "noTraverse");
      Set<String> reject = paths(a, "reject");
      TreeCache.Builder b = TreeCache.newBuilder(CuratorPeer.client, t.root).setSelector(new TreeCacheSelector() {
        @Override public boolean traverseChildren(String fullPath) { return !noTraverse.contains(fullPath); }
        @Override public boolean acceptChild(String fullPath) { return !reject.contains(fullPath); }
      });
      if (a.hasNonNull("maxDepth")) b.setMaxDepth(a.get("maxDepth").asInt());
      t.cache = b.build();
      t.cache.getListenable().addListener((c, e) -> {
        synchronized (t.lock) {
          ChildData d = e.getData();
          t.events.add(e.getType().name() + (d == null ? "" : " " + d.getPath()));
          t.lock.notifyAll();
        }
      });
      CuratorPeer.put(a, t);
      t.cache.start();
      return null;
    });
    CuratorPeer.on("treeCache.awaitInitialized", a -> awaitEvent(CuratorPeer.get(a, Tree.class), "INITIALIZED", CuratorPeer.timeout(a)));
    CuratorPeer.on("treeCache.awaitEvent", a ->
        awaitEvent(CuratorPeer.get(a, Tree.class), CuratorPeer.text(a, "type") + " " + CuratorPeer.text(a, "path"), CuratorPeer.timeout(a)));
    CuratorPeer.on("treeCache.events", a -> {
      Tree t = CuratorPeer.get(a, Tree.class);
      synchronized (t.lock) { return new ArrayList<>(t.events); }
    });
    CuratorPeer.on("treeCache.nodes", a -> {
      Tree t = CuratorPeer.get(a, Tree.class);
      Map<String, String> out = new TreeMap<>();
      walk(t.cache, t.root, out);
      return out;
    });

    CuratorPeer.on("discovery.provider", a -> {
      CuratorPeer.Discovery d = (CuratorPeer.Discovery) CuratorPeer.HANDLES.get(CuratorPeer.text(a, "discovery"));
      if (d == null) throw new IllegalArgumentException("no discovery named '" + a.path("discovery").asText() + "'");
      var builder = d.sd.serviceProviderBuilder().serviceName(CuratorPeer.text(a, "name"));
      if (a.hasNonNull("payloadKey")) {
        String key = a.get("payloadKey").asText();
        String value = a.path("payloadValue").asText();
        InstanceFilter<Object> filter = i -> i.getPayload() instanceof Map && value.equals(String.valueOf(((Map<?, ?>) i.getPayload()).get(key)));
        builder.additionalFilter(filter);
      }
      Provider p = new Provider();
      p.provider = builder.build();
      CuratorPeer.put(a, p);
      p.provider.start();
      return null;
    });
    CuratorPeer.on("discovery.providerAll", a -> {
      List<Object> list = new ArrayList<>();
      for (ServiceInstance<Object> i : CuratorPeer.get(a, Provider.class).provider.getAllInstances()) list.add(CuratorPeer.instance(i));
      list.sort(Comparator.comparing(o -> String.valueOf(((Map<?, ?>) o).get("id")) + "/" + ((Map<?, ?>) o).get("address")));
      return list;
    });
    CuratorPeer.on("discovery.providerNext", a -> {
      ServiceInstance<Object> i = CuratorPeer.get(a, Provider.class).provider.getInstance();
      return i == null ? null : CuratorPeer.instance(i);
    });
    CuratorPeer.on("discovery.noteError", a -> {
      ServiceProvider<Object> p = CuratorPeer.get(a, Provider.class).provider;
      for (ServiceInstance<Object> i : p.getAllInstances()) {
        if (i.getId().equals(CuratorPeer.text(a, "id"))) { p.noteError(i); return true; }
      }
      return false;
    });
  }

  static boolean awaitEvent(Tree t, String event, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (t.lock) {
      while (!t.events.contains(event)) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) return false;
        t.lock.wait(left);
      }
    }
    return true;
  }

  static void walk(TreeCache cache, String path, Map<String, String> out) {
    ChildData d = cache.getCurrentData(path);
    if (d == null) return;
    out.put(path, d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8));
    Map<String, ChildData> children = cache.getCurrentChildren(path);
    if (children == null) return;
    for (String name : children.keySet()) walk(cache, ZKPaths.makePath(path, name), out);
  }
}
