import { config, firstValueFrom, lastValueFrom, map, take, toArray, type Observable, type Subscription } from 'rxjs';
import { createClient, makeDigestAcl, NoAuthError, Perms, type ConnectionState, type WatchedEvent, type ZooKeeperClient } from '../../../src';
import { until } from '../../support/fixtures';
import { startZooKeeper, type StartedZooKeeper } from '../../../src/testing';
import { TcpProxy } from '../../support/tcp-proxy';
import { Recorder } from '../../support/recorder';

/**
 * A fence: once the watching client's sync and a read after it are answered, the server has handled every
 * request that client sent before (addWatch, removeWatches, a follower's re-read) and sent it every
 * notification they caused.
 */
const fence = async (client: ZooKeeperClient, path = '/') => {
  await firstValueFrom(client.sync(path));
  await firstValueFrom(client.exists(path));
};
const text = (v: { data: Buffer } | null) => (v === null ? null : v.data.toString());

/** The server's watch count for a path, from `wchp` (data and exist watches). */
async function serverWatchesOn(zk: ZooKeeperClient, path: string): Promise<number> {
  const report = await firstValueFrom(zk.command('wchp'));
  const lines = report.split('\n');
  const i = lines.indexOf(path);
  if (i < 0) return 0;
  let n = 0;
  for (let j = i + 1; j < lines.length && lines[j].startsWith('\t'); j++) n++;
  return n;
}

async function watchCount(zk: ZooKeeperClient): Promise<number> {
  const mntr = await firstValueFrom(zk.command('mntr'));
  return Number(/zk_watch_count\s+(\d+)/.exec(mntr)?.[1]);
}

describe('watchData$, watchChildren$, exists$ and watch$ against a real ZooKeeper', () => {
  let zkServer: StartedZooKeeper;
  let zk: ZooKeeperClient;
  let writer: ZooKeeperClient;
  const extra: ZooKeeperClient[] = [];
  let recorders: Recorder<unknown>[] = [];

  function record<T>(source: Observable<T>): Recorder<T> {
    const r = new Recorder(source);
    recorders.push(r as Recorder<unknown>);
    return r;
  }

  beforeAll(async () => {
    zkServer = await startZooKeeper();
    writer = createClient({ hosts: zkServer.connectString });
    await writer.start();
  });

  beforeEach(async () => {
    zk = createClient({ hosts: zkServer.connectString, retry: { delay: 50, maxDelay: 300 } });
    await zk.start();
  });

  afterEach(async () => {
    for (const r of recorders) r.subscription.unsubscribe();
    recorders = [];
    await zk.close();
    await Promise.all(extra.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await writer.close();
    await zkServer.stop();
  });

  it('sees create, change, delete and recreate, in order, through each of the three observables', async () => {
    const path = '/lifecycle';
    const data = record(zk.watchData$(path).pipe(map(text)));
    const children = record(zk.watchChildren$(path));
    const exists = record(zk.exists$(path).pipe(map((s) => (s === null ? null : s.version))));
    await data.until((v) => v.length === 1);
    await children.until((v) => v.length === 1);
    await exists.until((v) => v.length === 1);

    await firstValueFrom(writer.create(path, 'born'));
    await data.until((v) => v.at(-1) === 'born');
    // Each step waits for every follower to see the last one: ZooKeeper promises the latest value, not every value.
    await children.until((v) => JSON.stringify(v.at(-1)) === '[]');
    await exists.until((v) => v.at(-1) === 0);
    await firstValueFrom(writer.create(`${path}/kid`, ''));
    await children.until((v) => JSON.stringify(v.at(-1)) === '["kid"]');
    await firstValueFrom(writer.set(path, 'changed'));
    await data.until((v) => v.at(-1) === 'changed');
    await exists.until((v) => v.at(-1) === 1);
    await lastValueFrom(writer.delete(path, { recursive: true }), { defaultValue: undefined });
    await data.until((v) => v.at(-1) === null && v.length > 1);
    await exists.until((v) => v.at(-1) === null && v.length > 1);
    // The latest value, not every value: the deletion is only certain to be seen if waited for before the re-create.
    await children.until((v) => v.at(-1) === null && v.length > 1);
    await firstValueFrom(writer.create(path, 'again'));
    await data.until((v) => v.at(-1) === 'again');

    expect(data.values).toEqual([null, 'born', 'changed', null, 'again']);
    expect(exists.values).toEqual([null, 0, 1, null, 0]);
    await children.until((v) => v.at(-1) !== null && (v.at(-1) as string[]).length === 0 && v.length > 3);
    // The recursive delete removes the child first: a watcher may see the emptied list before the node goes, or not.
    const seen = children.values;
    const withoutIntermediate = seen.length === 6 && JSON.stringify(seen[3]) === '[]' ? [...seen.slice(0, 3), ...seen.slice(4)] : seen;
    expect(withoutIntermediate).toEqual([null, [], ['kid'], null, []]);
  });

  it('ends 100 quick changes on the final value, emitted last, never the same value twice in a row', async () => {
    const path = '/quick';
    await firstValueFrom(writer.create(path, 'start'));
    const data = record(zk.watchData$(path).pipe(map(text)));
    await data.until((v) => v.length === 1);
    const writes = Array.from({ length: 100 }, (_, i) => firstValueFrom(writer.set(path, `v${i + 1}`)));
    await Promise.all(writes);
    await data.until((v) => v.at(-1) === 'v100');
    await fence(zk, path);
    expect(data.values.at(-1)).toBe('v100');
    const order = data.values.slice(1).map((v) => Number((v as string).slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (let i = 1; i < data.values.length; i++) expect(data.values[i]).not.toBe(data.values[i - 1]);
  });

  it('misses no change made while its connection was cut: one-shot watch, the three observables and watch$', async () => {
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const cut = createClient({ hosts: proxy.address, sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 300 } });
      extra.push(cut);
      await cut.start();
      const path = '/cut';
      await firstValueFrom(writer.create(path, 'before'));
      const oneShot: WatchedEvent[] = [];
      await firstValueFrom(cut.get(path, { watch: (e) => oneShot.push(e) }));
      const data = record(cut.watchData$(path).pipe(map(text)));
      const children = record(cut.watchChildren$(path));
      const exists = record(cut.exists$(path).pipe(map((s) => s?.version ?? null)));
      const events = record(cut.watch$(path));
      await data.until((v) => v.length === 1);
      await children.until((v) => v.length === 1);
      await exists.until((v) => v.length === 1);
      await fence(cut, path); // addWatch answered

      proxy.refuse();
      await until(cut, 'SUSPENDED');
      await firstValueFrom(writer.set(path, 'while away'));
      await firstValueFrom(writer.create(`${path}/child`, ''));
      proxy.accept();
      await until(cut, 'CONNECTED');

      await data.until((v) => v.at(-1) === 'while away');
      await children.until((v) => JSON.stringify(v.at(-1)) === '["child"]');
      await exists.until((v) => v.at(-1) === 1);
      await events.until((v) => v.some((e) => e.type === 'NodeDataChanged'));
      expect(oneShot).toEqual([{ type: 'NodeDataChanged', path, state: 'SyncConnected' }]);
      expect(data.values).toEqual(['before', 'while away']);
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  it('follows a node across a real session expiry, emitting a change made after it', async () => {
    const path = '/expiry';
    await firstValueFrom(writer.create(path, 'old session'));
    const data = record(zk.watchData$(path).pipe(map(text)));
    const events = record(zk.watch$(path));
    const oneShot: WatchedEvent[] = [];
    await firstValueFrom(zk.exists(path, { watch: (e) => oneShot.push(e) }));
    await data.until((v) => v.length === 1);
    await fence(zk, path);
    const oldSession = zk.session!.id;
    const states: ConnectionState[] = [];
    const recording = zk.state$.subscribe((s) => states.push(s));
    await zkServer.expireSession(zk);
    // The client may be through EXPIRED and on a new session before expireSession resolves: wait on the record.
    await data.until(() => states.includes('EXPIRED') && zk.state === 'CONNECTED');
    recording.unsubscribe();
    expect(zk.session!.id).not.toBe(oldSession);
    // The one-shot watch died with the session, and its callback was told so.
    expect(oneShot).toEqual([{ type: 'None', path: '', state: 'Expired' }]);
    // The re-read and the re-added watch$ were queued at the expiry: answered before a fence made now.
    await fence(zk, path);
    await firstValueFrom(writer.set(path, 'new session'));
    await data.until((v) => v.at(-1) === 'new session');
    await events.until((v) => v.some((e) => e.type === 'NodeDataChanged'));
    expect(data.values).toEqual(['old session', 'new session']);
  }, 30_000);

  it('shares one server watch among 1,000 subscribers and leaves none when they have all gone', async () => {
    const path = '/shared';
    await firstValueFrom(writer.create(path, 'x'));
    const before = await watchCount(writer);
    const subscriptions: Subscription[] = [];
    const firsts: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const source = zk.watchData$(path);
      firsts.push(firstValueFrom(source));
      subscriptions.push(source.subscribe());
    }
    await Promise.all(firsts);
    expect(await serverWatchesOn(writer, path)).toBe(1);
    expect(await watchCount(writer)).toBe(before + 1);
    for (const s of subscriptions) s.unsubscribe();
    await fence(zk, path);
    expect(await serverWatchesOn(writer, path)).toBe(0);
    expect(await watchCount(writer)).toBe(before);
  });

  it('removes a persistent watch from the server when its last subscriber leaves', async () => {
    const path = '/persistent-release';
    const before = await watchCount(writer);
    const a = record(zk.watch$(path, { recursive: true }));
    const b = record(zk.watch$(path, { recursive: true }));
    await fence(zk);
    expect(await watchCount(writer)).toBeGreaterThan(before);
    a.subscription.unsubscribe();
    await fence(zk);
    expect(await watchCount(writer)).toBeGreaterThan(before);
    b.subscription.unsubscribe();
    await fence(zk);
    expect(await watchCount(writer)).toBe(before);
  });

  it('sees events three levels down through a recursive watch$, and only its own node through a plain one', async () => {
    const root = '/tree';
    await firstValueFrom(writer.create(root, ''));
    const recursive = record(zk.watch$(root, { recursive: true }));
    const plain = record(zk.watch$(root));
    await fence(zk, root);
    await firstValueFrom(writer.create(`${root}/a/b/c`, 'deep', { makePath: true }));
    await firstValueFrom(writer.set(`${root}/a/b/c`, 'deeper'));
    await lastValueFrom(writer.delete(`${root}/a`, { recursive: true }), { defaultValue: undefined });
    await recursive.until((v) => v.some((e) => e.type === 'NodeDeleted' && e.path === `${root}/a`));
    expect(recursive.values.filter((e) => e.path === `${root}/a/b/c`).map((e) => e.type)).toEqual([
      'NodeCreated',
      'NodeDataChanged',
      'NodeDeleted',
    ]);
    expect(recursive.values.some((e) => e.type === 'NodeChildrenChanged')).toBe(false);
    await plain.until((v) => v.filter((e) => e.type === 'NodeChildrenChanged').length >= 2);
    expect(plain.values.every((e) => e.path === root)).toBe(true);
  });

  it('emits nothing after unsubscribe', async () => {
    const path = '/after-unsubscribe';
    await firstValueFrom(writer.create(path, '1'));
    const data = record(zk.watchData$(path).pipe(map(text)));
    const events = record(zk.watch$(path));
    await data.until((v) => v.length === 1);
    await fence(zk, path);
    data.subscription.unsubscribe();
    events.subscription.unsubscribe();
    await firstValueFrom(writer.set(path, '2'));
    // Had anything still watched, its notification would have reached zk before the fence's replies.
    await fence(writer, path);
    await fence(zk, path);
    expect(data.values).toEqual(['1']);
    expect(events.values).toEqual([]);
  });

  it('keeps the other subscribers and the session working when one subscriber throws', async () => {
    const path = '/thrower';
    await firstValueFrom(writer.create(path, 'a'));
    const reported: unknown[] = [];
    let wasReported!: () => void;
    const onReport = new Promise<void>((resolve) => (wasReported = resolve));
    const previous = config.onUnhandledError;
    config.onUnhandledError = (err) => {
      reported.push(err);
      wasReported();
    };
    try {
      const good = record(zk.watchData$(path).pipe(map(text)));
      const bad = zk.watchData$(path).subscribe((v) => {
        if (text(v) === 'b') throw new Error('subscriber bug');
      });
      await good.until((v) => v.length === 1);
      await firstValueFrom(writer.set(path, 'b'));
      // Wait for 'b' to be seen: two quick changes may be read once, as their last value.
      await good.until((v) => v.at(-1) === 'b');
      await firstValueFrom(writer.set(path, 'c'));
      await good.until((v) => v.at(-1) === 'c');
      bad.unsubscribe();
      expect(good.values).toEqual(['a', 'b', 'c']);
      await onReport;
      expect(reported.map((e) => (e as Error).message)).toEqual(['subscriber bug']);
      expect(zk.state).toBe('CONNECTED');
      expect(text(await firstValueFrom(zk.get(path)))).toBe('c');
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('completes when the client closes, and errors only on what no retry mends (NoAuth)', async () => {
    const path = '/closing';
    await firstValueFrom(writer.create(path, 'x'));
    await firstValueFrom(writer.create('/guarded-watch', 'secret', { acl: [makeDigestAcl('ann', 'pw', Perms.ALL)] }));
    const denied = record(zk.watchData$('/guarded-watch'));
    await denied.until(() => denied.error !== undefined);
    expect(denied.error).toBeInstanceOf(NoAuthError);
    const data = record(zk.watchData$(path));
    const events = record(zk.watch$(path));
    await data.until((v) => v.length === 1);
    await zk.close();
    expect(data.completed).toBe(true);
    expect(events.completed).toBe(true);
  });

  it('gives a late subscriber the current value first, from the shared follower', async () => {
    const path = '/late';
    await firstValueFrom(writer.create(path, 'one'));
    const early = record(zk.watchData$(path).pipe(map(text)));
    await early.until((v) => v.length === 1);
    await firstValueFrom(writer.set(path, 'two'));
    await early.until((v) => v.at(-1) === 'two');
    const late = await firstValueFrom(zk.watchData$(path).pipe(map(text), take(1), toArray()));
    expect(late).toEqual(['two']);
  });
});
