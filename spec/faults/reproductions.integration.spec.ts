// The two bugs of issue 17 that the fault suite found, each made to happen every time, against the built package
// (dist/, what users install). A proxy in front of one client holds or swallows what the bug needs; the
// server and the other client are real.
//  1. Counter.add confirms an add that was never applied: client A's setData is held in its proxy while
//     client B adds at the same version, then A's connection is reset (the held request is never delivered).
//  2. A contender whose create is in flight when its session expires: the create lands, its reply is
//     swallowed, the session is expired on the server, then the client reconnects.
import { filter, firstValueFrom, lastValueFrom, tap, type Subscription } from 'rxjs';
import { loadBuilt } from '../../faults/built';
import type { ZooKeeperClient } from '../../src';
import type { Holding } from '../../src/recipes';
import { startZooKeeper, TcpProxy, waitFor, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt } from '../package/built-package';

let server: StartedZooKeeper;
let rxzk: ReturnType<typeof loadBuilt>;
const clients: ZooKeeperClient[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  await ensureBuilt();
  rxzk = loadBuilt();
  server = await startZooKeeper();
}, 240_000);

afterAll(async () => {
  for (const zk of clients.splice(0)) await zk.close();
  for (const p of proxies.splice(0)) await p.stop();
  await server?.stop();
});

async function connect(hosts: string): Promise<ZooKeeperClient> {
  const zk = rxzk.core.createClient({ hosts, sessionTimeout: 10_000 });
  clients.push(zk);
  await zk.start();
  return zk;
}

/** A client behind a proxy of its own, and the proxy. */
async function proxied(): Promise<{ zk: ZooKeeperClient; proxy: TcpProxy }> {
  const proxy = await TcpProxy.start(server.connectString);
  proxies.push(proxy);
  return { zk: await connect(proxy.address), proxy };
}

/**
 * `zk` as a recipe sees it, except that `then` runs synchronously when its first `get` emits: the moment a
 * read has completed and before the recipe acts on it. (Instrumentation only: every call goes to `zk`.)
 */
function afterFirstRead(zk: ZooKeeperClient, then: () => void): ZooKeeperClient {
  let first = true;
  return new Proxy(zk, {
    get(target, prop) {
      if (prop === 'get') {
        return (...args: Parameters<ZooKeeperClient['get']>) =>
          target.get(...args).pipe(
            tap(() => {
              if (first) then();
              first = false;
            }),
          );
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const connected = (zk: ZooKeeperClient) => firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED')));

describe('issue 17, deterministically, on the built package', () => {
  it('Counter.add never confirms an add that was not applied (a set held, another client winning at its version)', async () => {
    const path = '/repro/counter';
    const { zk: a, proxy } = await proxied();
    const b = await connect(server.connectString);
    const counterB = new rxzk.recipes.Counter(b, path);
    await counterB.add(1); // value 1

    // A reads 1; the moment its read's value is emitted, its proxy holds what A sends next (the set of 2 at that
    // version): synchronously, while A's add goes on only in a later microtask.
    let held!: () => void;
    const readDone = new Promise<void>((resolve) => (held = resolve));
    const counterA = new rxzk.recipes.Counter(
      afterFirstRead(a, () => {
        proxy.partition('to-server');
        held();
      }),
      path,
    );
    const addA = counterA.add(1).then(
      (change) => ({ after: Number(change.after) }),
      (err: unknown) => ({ error: err instanceof Error ? err.name : String(err) }),
    );
    await readDone;
    expect(await counterB.add(1)).toEqual({ before: 1, after: 2 }); // B wins at the version A read
    proxy.cut(); // A's held set is never delivered
    proxy.accept();
    const outcome = await addA;

    const value = await counterB.value();
    // A confirmed add counted once: A's after is its own (not B's 2), and the value holds both adds. A rejected
    // add (its outcome unknown) leaves the value at B's.
    if ('after' in outcome) expect({ a: outcome.after, value }).toEqual({ a: 3, value: 3 });
    else expect(value).toBe(2);
  });

  /** A client whose contender node is created while the proxy swallows the reply; resolves once the node is there. */
  async function createInFlight(parent: string, join: (zk: ZooKeeperClient) => void): Promise<{ zk: ZooKeeperClient; proxy: TcpProxy }> {
    const observer = await connect(server.connectString);
    await lastValueFrom(observer.ensurePath(parent), { defaultValue: undefined });
    const { zk, proxy } = await proxied();
    proxy.swallowReplies();
    join(zk);
    // The create has landed (its reply is lost on the way): the contender's node is there.
    await waitFor(async () => (await firstValueFrom(observer.getChildren(parent))).length > 0, { timeout: 10_000, description: 'the contender node' });
    return { zk, proxy };
  }

  it('Lock.acquire goes on on the new session when its session expires with the create in flight', async () => {
    const parent = '/repro/lock';
    let acquired: Promise<Holding | string> | undefined;
    const { zk, proxy } = await createInFlight(parent, (c) => {
      acquired = new rxzk.recipes.Lock(c, parent).acquire({ timeout: 10_000 }).catch((err: unknown) => (err instanceof Error ? err.name : String(err)));
    });
    await server.expireSession(zk);
    proxy.accept();

    const result = await acquired;
    expect(typeof result === 'string' ? result : result?.state).toBe('HELD');
    if (typeof result !== 'string') await result?.release();
  });

  it('a LeaderLatch whose session expires with its create in flight rejoins by itself and leads', async () => {
    const parent = '/repro/latch';
    const seen: (string | null)[] = [];
    let subscription: Subscription | undefined;
    const { zk, proxy } = await createInFlight(parent, (c) => {
      subscription = new rxzk.recipes.LeaderLatch(c, parent, { identifier: 'only' }).holding$().subscribe({
        next: (h) => seen.push(h === null ? null : h.state),
        error: (err: unknown) => seen.push(`error ${err instanceof Error ? err.name : String(err)}`),
      });
    });
    await server.expireSession(zk);
    proxy.accept();
    await connected(zk);

    // The only participant leads once it is back in the election; an error ends the wait at once.
    await waitFor(() => seen.some((s) => s === 'HELD' || (s ?? '').startsWith('error')), { timeout: 20_000, description: 'leadership or an error' });
    subscription?.unsubscribe();
    expect(seen.filter((s) => s !== null)).toEqual(['HELD']);
  });
});
