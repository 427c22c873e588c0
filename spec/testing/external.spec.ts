import { InvalidArgumentError } from '../../src/index';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { connectRaw } from './raw-session';

describe('startZooKeeper() with ZOOKEEPER_CONNECT', () => {
  let real: StartedZooKeeper;
  const saved = process.env.ZOOKEEPER_CONNECT;

  beforeAll(async () => {
    delete process.env.ZOOKEEPER_CONNECT;
    real = await startZooKeeper();
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.ZOOKEEPER_CONNECT;
    else process.env.ZOOKEEPER_CONNECT = saved;
  });

  afterAll(async () => {
    await real?.stop();
  });

  it('uses the named ensemble without controlling it', async () => {
    process.env.ZOOKEEPER_CONNECT = `${real.connectString}/some/chroot`;
    const zkServer = await startZooKeeper({ servers: 3 });
    expect(zkServer.source).toBe('external');
    expect(zkServer.connectString).toBe(real.connectString);
    expect(zkServer.superUser).toBeUndefined();
    const [member] = zkServer.members;
    expect(member.running).toBe(true);
    expect(member.pid).toBeUndefined();
    expect(await member.mode()).toBe('standalone');
    expect(await zkServer.leader()).toBe(member);
    for (const op of [() => member.stop(), () => member.start(), () => member.kill(), () => member.pause(), () => member.resume()]) {
      await expect(op()).rejects.toThrow(/ZOOKEEPER_CONNECT/);
    }
    // stop() leaves the ensemble alone.
    await zkServer.stop();
    expect(await real.members[0].mode()).toBe('standalone');
  });

  it('expires sessions on the named ensemble', async () => {
    process.env.ZOOKEEPER_CONNECT = real.connectString;
    const zkServer = await startZooKeeper();
    const original = await connectRaw(real.connectString, { timeOut: 20000 });
    const { sessionId, passwd } = original.response;
    await zkServer.expireSession({ session: { id: sessionId, password: passwd } });
    await original.closed;
    const again = await connectRaw(real.connectString, { sessionId, password: passwd });
    expect(again.response.timeOut).toBeLessThanOrEqual(0);
    again.socket.destroy();
  });

  it('falls through to a local installation for what an existing ensemble cannot provide', async () => {
    process.env.ZOOKEEPER_CONNECT = real.connectString;
    const zkServer = await startZooKeeper({ sasl: true });
    try {
      expect(zkServer.source).toBe('local');
      expect(zkServer.connectString).not.toBe(real.connectString);
    } finally {
      await zkServer.stop();
    }
  });
});

describe('startZooKeeper() with no usable source', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('names all three options', async () => {
    delete process.env.ZOOKEEPER_CONNECT;
    process.env.ZOOKEEPER_HOME = '/nonexistent/zookeeper';
    const err: unknown = await startZooKeeper().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toMatch(/ZOOKEEPER_CONNECT/);
    expect(message).toMatch(/ZOOKEEPER_HOME=\/nonexistent\/zookeeper/);
    expect(message).toMatch(/install-zookeeper\.sh/);
    expect(message).toMatch(/Docker/);
  });

  it('rejects a bad ensemble size', async () => {
    await expect(startZooKeeper({ servers: 0 })).rejects.toThrow(InvalidArgumentError);
  });
});
