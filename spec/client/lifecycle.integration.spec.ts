// start() and close() against a real ZooKeeper 3.8: what a session leaves behind, and what a closed client does.
import * as net from 'node:net';
import {
  ClientClosedError,
  ClientNotStartedError,
  ConnectError,
  TimeoutError,
  type ConnectionState,
  type ZooKeeperClient,
} from '../../src';
import { one, done, clientPool, rejectionOf, until } from '../support/fixtures';
import { Recorder } from '../support/recorder';
import { TcpProxy } from '../support/tcp-proxy';
import { startZooKeeper, waitFor, type StartedZooKeeper } from '../../src/testing';
import { liveAfterRelease, trackResources } from '../support/resource-tracker';

let zkServer: StartedZooKeeper;
const { client, connect, closeAll } = clientPool(() => zkServer.connectString);




let counter = 0;

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every one-shot operation of the client, each as a promise of its outcome. */
function everyOperation(zk: ZooKeeperClient, base: string): (readonly [string, () => Promise<unknown>])[] {
  return [
    ['create', () => one(zk.create(`${base}/a`))],
    ['create makePath', () => one(zk.create(`${base}/b/c`, '', { makePath: true }))],
    ['create protected', () => one(zk.create(`${base}/d`, '', { protected: true }))],
    ['create container', () => one(zk.create(`${base}/c`, '', { container: true }))],
    ['create ttl', () => one(zk.create(`${base}/t`, '', { ttl: 1000 }))],
    ['createWithStat', () => one(zk.createWithStat(`${base}/a`))],
    ['ensurePath', () => done(zk.ensurePath(`${base}/e/f`))],
    ['get', () => one(zk.get(base))],
    ['get with watch', () => one(zk.get(base, { watch: () => undefined }))],
    ['exists', () => one(zk.exists(base))],
    ['getChildren', () => one(zk.getChildren(base))],
    ['getChildrenWithStat', () => one(zk.getChildrenWithStat(base))],
    ['set', () => one(zk.set(base, 'x'))],
    ['delete', () => done(zk.delete(base))],
    ['delete recursive', () => done(zk.delete(base, { recursive: true }))],
    ['getAcl', () => one(zk.getAcl(base))],
    ['setAcl', () => one(zk.setAcl(base, [{ perms: 31, scheme: 'world', id: 'anyone' }]))],
    ['sync', () => one(zk.sync(base))],
    ['transaction', () => one(zk.transaction().create(`${base}/a`).commit())],
    ['multiRead', () => one(zk.multiRead([{ type: 'get', path: base }]))],
    ['addAuth', () => done(zk.addAuth('digest', 'u:p'))],
    ['whoAmI', () => one(zk.whoAmI())],
    ['getEphemerals', () => one(zk.getEphemerals())],
    ['getAllChildrenNumber', () => one(zk.getAllChildrenNumber(base))],
    ['getConfig', () => one(zk.getConfig())],
    ['reconfig', () => one(zk.reconfig({ leaving: '1' }))],
    ['removeWatches', () => done(zk.removeWatches(base, 'ANY'))],
    ['serverVersion', () => one(zk.serverVersion())],
    ['command', () => one(zk.command('ruok'))],
  ];
}

/** The operations that did not fail at once (within 2 s) with an `expected` error, and what they did instead. */
async function wrongOutcomes(attempts: readonly (readonly [string, () => Promise<unknown>])[], expected: new (...args: never[]) => Error): Promise<string[]> {
  const wrong: string[] = [];
  for (const [name, attempt] of attempts) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      attempt().then(
        (value) => `succeeded with ${String(value)}`,
        (e: unknown) => (e instanceof expected ? null : `failed with ${String(e)}`),
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('did not settle within 2 s'), 2000))),
    ]);
    clearTimeout(timer);
    if (outcome !== null) wrong.push(`${name} ${outcome}`);
  }
  return wrong;
}


beforeAll(async () => {
  zkServer = await startZooKeeper();
});

afterAll(async () => {
  await zkServer?.stop();
});

afterEach(async () => {
  await closeAll();
});

describe('close()', () => {
  it("deletes the session's ephemerals at once, as seen from another client", async () => {
    const base = `/t-close-ephemerals-${++counter}`;
    const observer = await connect();
    await one(observer.create(base));
    const zk = await connect();
    const paths = [
      await one(zk.create(`${base}/e`, '', { ephemeral: true })),
      await one(zk.create(`${base}/s-`, '', { ephemeral: true, sequential: true })),
    ];
    await one(zk.create(`${base}/p`));
    expect((await one(observer.getChildren(base))).length).toBe(3);
    const sessionId = zk.session!.id;
    await zk.close();
    // No waiting: close() returns once the server has closed the session.
    for (const path of paths) expect(await one(observer.exists(path))).toBeNull();
    expect(await one(observer.getChildren(base))).toEqual(['p']);
    const cons = await one(observer.command('cons'));
    expect(cons).not.toContain(`sid=0x${sessionId.toString(16)}`);
  });

  it('moves to CLOSED, clears the session, and is idempotent (sequential and concurrent calls)', async () => {
    const zk = await connect();
    const states: ConnectionState[] = [];
    const subscription = zk.state$.subscribe((s) => states.push(s));
    const sessionId = zk.session!.id;
    await Promise.all([zk.close(), zk.close()]);
    await zk.close();
    subscription.unsubscribe();
    expect(zk.state).toBe('CLOSED');
    expect(zk.session).toBeNull();
    expect(zk.server).toBeNull();
    expect(states).toEqual(['CONNECTED', 'CLOSED']);
    // The session is gone on the server: nothing lists it.
    const observer = await connect();
    expect(await one(observer.command('cons'))).not.toContain(`sid=0x${sessionId.toString(16)}`);
  });

  it('answers requests sent before close() before closing', async () => {
    const base = `/t-close-pending-${++counter}`;
    const zk = await connect();
    await one(zk.create(base, 'data'));
    const gets = Array.from({ length: 500 }, () => one(zk.get(base)));
    const create = one(zk.create(`${base}/last`, 'x'));
    await zk.close();
    const replies = await Promise.all(gets);
    expect(replies.every((r) => r.data.toString() === 'data')).toBe(true);
    expect(await create).toBe(`${base}/last`);
    const observer = await connect();
    expect(await one(observer.exists(`${base}/last`))).not.toBeNull();
  });

  it('fails every operation made after it with ClientClosedError, sending nothing', async () => {
    const base = `/t-closed-ops-${++counter}`;
    const zk = await connect();
    await one(zk.create(base));
    const coldBeforeClose = zk.get(base);
    await zk.close();
    const attempts = [...everyOperation(zk, base), ['get subscribed after close', () => one(coldBeforeClose)] as const];
    expect(await wrongOutcomes(attempts, ClientClosedError)).toEqual([]);
    expect(zk.state).toBe('CLOSED');
    const observer = await connect();
    expect(await one(observer.getChildren(base))).toEqual([]);
  });

  it('fails requests queued before the connection with ClientClosedError, and makes start() reject', async () => {
    const zk = client({ hosts: `127.0.0.1:${await deadPort()}`, connectTimeout: 10_000 });
    const started = zk.start();
    const queued = one(zk.get('/'));
    await zk.close();
    await expect(queued).rejects.toBeInstanceOf(ClientClosedError);
    await expect(started).rejects.toBeInstanceOf(ClientClosedError);
    expect(zk.state).toBe('CLOSED');
  });

  it('leaves no socket or timer behind', async () => {
    const resources = trackResources();
    try {
      const zk = await connect();
      await one(zk.create(`/t-close-handles-${++counter}`, '', { ephemeral: true }));
      await one(zk.command('ruok'));
      // The tracking sees the client's socket and keepalive timer while it runs.
      expect(resources.live().some((r) => r.startsWith('TCP'))).toBe(true);
      expect(resources.live().some((r) => r.startsWith('Timeout'))).toBe(true);
      await zk.close();
      expect(await liveAfterRelease(resources)).toEqual([]);
    } finally {
      resources.stop();
    }
  });
});

describe('requestTimeout', () => {
  it('fails a request the server does not answer in time with a request TimeoutError; later replies stay matched', async () => {
    const base = `/t-request-timeout-${++counter}`;
    const zk = await connect({ requestTimeout: 500, sessionTimeout: 20_000 });
    await one(zk.create(base, 'before'));
    await zkServer.members[0].pause();
    let late: Promise<unknown>;
    try {
      const startedAt = Date.now();
      const error: unknown = await one(zk.get(base)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ kind: 'request', timeout: 500 });
      // 500 ms plus the machine's scheduling: loose, it only tells the timeout from the 20 s session timeout.
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      // Sent while the server is frozen, answered once it resumes.
      late = one(zk.set(base, 'after'));
    } finally {
      await zkServer.members[0].resume();
    }
    // The timed-out get's reply comes first and must not be taken for the set's.
    expect(await late).toMatchObject({ version: 1, dataLength: 5 });
    expect((await one(zk.get(base))).data.toString()).toBe('after');
    expect(zk.state).toBe('CONNECTED');
  });
});

describe('start()', () => {
  it('rejects with a connect TimeoutError within connectTimeout when nothing listens, leaving no open handle', async () => {
    const port = await deadPort();
    const resources = trackResources();
    const zk = client({ hosts: `127.0.0.1:${port}`, connectTimeout: 1_500 });
    const startedAt = Date.now();
    const error: unknown = await zk.start().catch((e: unknown) => e);
    const took = Date.now() - startedAt;
    const left = await liveAfterRelease(resources);
    resources.stop();
    expect(left).toEqual([]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ kind: 'connect', timeout: 1_500 });
    expect((error as TimeoutError).cause).toBeInstanceOf(ConnectError);
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(2_500);
    expect(zk.state).toBe('CLOSED');
    await expect(one(zk.get('/'))).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('rejects with a connect TimeoutError when the server accepts but never answers, and closes the socket', async () => {
    const sockets: net.Socket[] = [];
    let closedByClient = 0;
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      // Read (and ignore) the ConnectRequest, so the client's end of the connection is seen.
      socket.resume();
      socket.on('close', () => closedByClient++);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const resources = trackResources();
    try {
      const { port } = silent.address() as net.AddressInfo;
      const zk = client({ hosts: `127.0.0.1:${port}`, connectTimeout: 1_500, sessionTimeout: 4_000 });
      const startedAt = Date.now();
      const error: unknown = await zk.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ kind: 'connect' });
      expect(Date.now() - startedAt).toBeLessThan(2_500);
      expect(sockets.length).toBeGreaterThan(0);
      expect(await liveAfterRelease(resources)).toEqual([]);
      // The server side sees each close once the client's end is gone.
      await waitFor(() => closedByClient === sockets.length, { timeout: 5_000 });
      expect(closedByClient).toBe(sockets.length);
    } finally {
      resources.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('resolves once connected, with a session and the server address', async () => {
    const zk = client();
    expect(zk.state).toBe('CONNECTING');
    expect(zk.session).toBeNull();
    await zk.start();
    expect(zk.state).toBe('CONNECTED');
    expect(zk.session).toMatchObject({ readOnly: false });
    expect(zk.session!.id).not.toBe(0n);
    expect(zk.session!.password).toHaveLength(16);
    expect(zk.server).toBe(zkServer.connectString);
    // The server's minimum and maximum bound the negotiated timeout (the harness sets 1 s .. 60 s).
    expect(zk.session!.timeout).toBe(10_000);
  });

  it('fails every operation subscribed before the first start() at once with ClientNotStartedError, sending nothing', async () => {
    const base = `/t-not-started-${++counter}`;
    const observer = await connect();
    await one(observer.create(base));
    const zk = client();
    expect(await wrongOutcomes(everyOperation(zk, base), ClientNotStartedError)).toEqual([]);
    // Nothing was kept to be sent once it starts.
    await zk.start();
    await one(zk.sync(base));
    expect(await one(observer.getChildren(base))).toEqual([]);
    expect(await one(observer.exists(base))).toMatchObject({ version: 0 });
  });

  it('lets the long-lived observables be subscribed before start(): they begin once it connects', async () => {
    const base = `/t-early-watch-${++counter}`;
    const observer = await connect();
    await one(observer.create(base, 'v0'));
    const zk = client();
    const states = new Recorder(zk.state$);
    const data = new Recorder(zk.watchData$(base));
    const children = new Recorder(zk.watchChildren$(base));
    const exists = new Recorder(zk.exists$(`${base}/later`));
    const events = new Recorder(zk.watch$(base, { recursive: true }));
    try {
      expect(data.values).toEqual([]);
      await zk.start();
      expect((await data.last((v) => v !== null))?.data.toString()).toBe('v0');
      expect(await children.last((v) => v !== null)).toEqual([]);
      expect(await exists.last((v) => v === null)).toBeNull();
      await one(observer.create(`${base}/later`));
      await exists.last((v) => v !== null);
      expect(await children.last((v) => v?.length === 1)).toEqual(['later']);
      await events.until((es) => es.some((e) => e.type === 'NodeCreated' && e.path === `${base}/later`));
      expect(states.values).toEqual(['CONNECTING', 'CONNECTED']);
    } finally {
      for (const r of [states, data, children, exists, events]) r.subscription.unsubscribe();
    }
  });

  it('connects with the extreme values createClient() accepts: the largest session timeout, a negative session id', async () => {
    const zk = client({ sessionTimeout: 2 ** 31 - 1, sessionId: BigInt.asIntN(64, 0x80000123abcd0000n), sessionPassword: Buffer.alloc(16) });
    const states = new Recorder(zk.state$);
    try {
      await zk.start();
      // The server bounds the timeout (the harness allows 1 s to 60 s) and refuses the unknown session: a new one is made.
      expect(zk.session!.timeout).toBe(60_000);
      expect(states.values).toContain('EXPIRED');
      expect(zk.state).toBe('CONNECTED');
    } finally {
      states.subscription.unsubscribe();
    }
  });

  it('after close() starts afresh: a new session, and only the configured credentials', async () => {
    const zk = await connect({ auth: [{ scheme: 'digest', credential: 'configured:pw' }] });
    await done(zk.addAuth('digest', 'added:pw'));
    const first = zk.session!.id;
    await zk.close();
    await zk.start();
    expect(zk.state).toBe('CONNECTED');
    expect(zk.session!.id).not.toBe(first);
    const ids = await one(zk.whoAmI());
    expect(ids).toContainEqual({ scheme: 'digest', id: 'configured' });
    expect(ids).not.toContainEqual({ scheme: 'digest', id: 'added' });
  });

  it('after close() forgets the last zxid: a wiped server behind the same address accepts it', async () => {
    const fresh = await startZooKeeper();
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const zk = client({ hosts: proxy.address, connectTimeout: 5_000 });
      await zk.start();
      // Move the zxid well past a fresh server's.
      const base = `/t-zxid-${++counter}`;
      await one(zk.create(base));
      for (let i = 0; i < 20; i++) await one(zk.set(base, String(i)));
      await zk.close();
      proxy.retarget(fresh.connectString);
      await zk.start();
      expect(zk.state).toBe('CONNECTED');
      expect(await one(zk.exists(base))).toBeNull();
    } finally {
      await proxy.stop();
      await fresh.stop();
    }
  });

  it('waits for a close() in progress instead of losing to it', async () => {
    const zk = await connect();
    const first = zk.session!.id;
    const closing = zk.close();
    const starting = zk.start();
    await closing;
    await starting;
    expect(zk.state).toBe('CONNECTED');
    expect(zk.session!.id).not.toBe(first);
    expect(await one(zk.exists('/'))).not.toBeNull();
  });

  it('on a running client that times out rejects only that promise: the client keeps reconnecting, its session and queued requests intact', async () => {
    const base = `/t-restart-timeout-${++counter}`;
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const zk = client({ hosts: proxy.address, connectTimeout: 1_000, sessionTimeout: 20_000 });
      await zk.start();
      const session = zk.session!.id;
      const watched = new Recorder(zk.watchData$(base));
      try {
        await watched.until((vs) => vs.length === 1);
        proxy.refuse();
        await until(zk, 'SUSPENDED');
        const queued = one(zk.create(base, 'queued'));
        const error = await rejectionOf(zk.start());
        expect(error).toBeInstanceOf(TimeoutError);
        expect(zk.state).not.toBe('CLOSED');
        expect(watched.completed).toBe(false);
        proxy.accept();
        await until(zk, 'CONNECTED');
        expect(zk.session!.id).toBe(session);
        expect(await queued).toBe(base);
        expect((await watched.last((v) => v !== null))?.data.toString()).toBe('queued');
      } finally {
        watched.subscription.unsubscribe();
      }
    } finally {
      await proxy.stop();
    }
  });
});
