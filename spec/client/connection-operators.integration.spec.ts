// The connection-state operators (zk.connected$, whileConnected, takeUntilSessionLost, isConnected) against a real
// server, through a real TCP cut (the harness's proxy: the session survives) and a real server-side expiry. The
// marble specs (connection-operators.spec.ts) pin their timing; these show what a user sees on a real connection.
import { Observable, Subject, firstValueFrom } from 'rxjs';
import { isConnected, takeUntilSessionLost, whileConnected, type ConnectionState, type ZooKeeperClient } from '../../src';
import { createClient } from '../../src';
import { zooKeeperHarness } from '../../src/testing';
import { one, until } from '../support/fixtures';
import { Recorder } from '../support/recorder';

const harness = zooKeeperHarness();
beforeAll(() => harness.setup(), 120_000);
afterAll(() => harness.teardown(), 60_000);

/**
 * A source that logs, with the client's state at that moment, each time it is subscribed and unsubscribed:
 * what a user's inner pipeline would notice. `values` lets the test push values into the current subscription.
 */
function loggingSource(zk: ZooKeeperClient): { source: Observable<string>; log: string[]; values: Subject<string> } {
  const log: string[] = [];
  const values = new Subject<string>();
  const source = new Observable<string>((subscriber) => {
    log.push(`subscribe@${zk.state}`);
    const inner = values.subscribe(subscriber);
    return () => {
      log.push(`unsubscribe@${zk.state}`);
      inner.unsubscribe();
    };
  });
  return { source, log, values };
}

describe('zk.connected$', () => {
  it('replays true, goes false while the connection is cut and true again on the same session; false after close, never completing', async () => {
    const zk = await harness.client();
    const connected = new Recorder(zk.connected$);
    expect(connected.values).toEqual([true]);
    const session = zk.session!.id;
    await harness.loseConnection(zk, { for: 300 });
    await connected.until((vs) => vs.length === 3);
    expect(connected.values).toEqual([true, false, true]);
    expect(zk.session!.id).toBe(session);
    await zk.close();
    await connected.until((vs) => vs[vs.length - 1] === false);
    expect(connected.values).toEqual([true, false, true, false]);
    expect(connected.completed).toBe(false);
    // A late subscriber is told at once where the closed client stands.
    expect(await firstValueFrom(zk.connected$)).toBe(false);
    connected.subscription.unsubscribe();
  });

  it('goes false on a real expiry and true once the new session is up', async () => {
    const zk = await harness.client();
    const connected = new Recorder(zk.connected$);
    await harness.expireSession(zk);
    // distinct: SUSPENDED, EXPIRED and CONNECTING in a row are one false (the harness keeps the client from reconnecting
    // to its closing session, as after a real timeout).
    await connected.until((vs) => vs.length === 3);
    expect(connected.values).toEqual([true, false, true]);
    connected.subscription.unsubscribe();
  });
});

describe('isConnected', () => {
  it('tells, for every state a real cut and a real expiry go through, whether requests can be served', async () => {
    const zk = await harness.client();
    const states = new Recorder<ConnectionState>(zk.state$);
    await harness.loseConnection(zk);
    await harness.expireSession(zk);
    const seen = [...new Set(states.values)];
    expect(seen).toEqual(expect.arrayContaining(['CONNECTED', 'SUSPENDED', 'EXPIRED']));
    expect(Object.fromEntries(seen.map((s) => [s, isConnected(s)]))).toEqual({
      ...Object.fromEntries(seen.filter((s) => s !== 'CONNECTED').map((s) => [s, false])),
      CONNECTED: true,
    });
    states.subscription.unsubscribe();
  });
});

describe('whileConnected(zk)', () => {
  it('unsubscribes the inner pipeline when the connection drops and resubscribes it once it is back', async () => {
    const zk = await harness.client();
    const { source, log, values } = loggingSource(zk);
    const out = new Recorder(source.pipe(whileConnected(zk)));
    expect(log).toEqual(['subscribe@CONNECTED']);
    values.next('before');
    await harness.loseConnection(zk, { for: 300 });
    expect(log).toEqual(['subscribe@CONNECTED', 'unsubscribe@SUSPENDED', 'subscribe@CONNECTED']);
    values.next('after');
    expect(out.values).toEqual(['before', 'after']);
    expect(out.completed).toBe(false);
    out.subscription.unsubscribe();
    expect(log[log.length - 1]).toBe('unsubscribe@CONNECTED');
  });

  it('a watchData$ inside it catches up after the cut with what another client wrote meanwhile', async () => {
    const zk = await harness.client();
    await one(zk.create('/cfg', 'v1'));
    const data = new Recorder(zk.watchData$('/cfg').pipe(whileConnected(zk)));
    await data.until((vs) => vs.length === 1);
    // The writer shares the chroot through the admin view of the same server (no proxy: it is not cut).
    const chroot = await chrootOf(zk);
    const writer = createClient({ hosts: harness.server.connectString, chroot });
    await writer.start();
    try {
      const suspended = until(zk, 'SUSPENDED');
      const cut = harness.loseConnection(zk, { for: 1_000 });
      await suspended;
      await one(writer.set('/cfg', 'v2'));
      await cut;
      await data.until((vs) => vs.length === 2);
      expect(data.values.map((v) => v?.data.toString())).toEqual(['v1', 'v2']);
    } finally {
      data.subscription.unsubscribe();
      await writer.close();
    }
  });

  it('through a real expiry: unsubscribed while the session is lost, resubscribed on the new session', async () => {
    const zk = await harness.client();
    const { source, log } = loggingSource(zk);
    const out = new Recorder(source.pipe(whileConnected(zk)));
    const first = zk.session!.id;
    await harness.expireSession(zk);
    expect(log).toEqual(['subscribe@CONNECTED', expect.stringMatching(/^unsubscribe@(SUSPENDED|EXPIRED)$/), 'subscribe@CONNECTED']);
    expect(zk.session!.id).not.toBe(first);
    out.subscription.unsubscribe();
  });

  it('completes, having unsubscribed the inner pipeline, when the client closes', async () => {
    const zk = await harness.client();
    const { source, log } = loggingSource(zk);
    const out = new Recorder(source.pipe(whileConnected(zk)));
    await zk.close();
    await out.until(() => out.completed);
    expect(log).toEqual(['subscribe@CONNECTED', expect.stringMatching(/^unsubscribe@/)]);
  });

  it('mirrors the source completing and erroring', async () => {
    const zk = await harness.client();
    const completes = new Subject<number>();
    const done = new Recorder(completes.pipe(whileConnected(zk)));
    completes.next(1);
    completes.complete();
    expect(done.values).toEqual([1]);
    expect(done.completed).toBe(true);

    const boom = new Error('boom');
    const errs = new Recorder(new Observable<never>((s) => s.error(boom)).pipe(whileConnected(zk)));
    expect(errs.error).toBe(boom);
  });

  it('subscribed before start(), begins once the client connects', async () => {
    const zk = createClient({ hosts: harness.server.connectString });
    const { source, log } = loggingSource(zk);
    const out = new Recorder(source.pipe(whileConnected(zk)));
    expect(log).toEqual([]);
    try {
      await zk.start();
      expect(log).toEqual(['subscribe@CONNECTED']);
    } finally {
      out.subscription.unsubscribe();
      await zk.close();
    }
  });
});

describe('takeUntilSessionLost(zk)', () => {
  it('keeps mirroring through a dropped connection (the session survives)', async () => {
    const zk = await harness.client();
    const values = new Subject<string>();
    const out = new Recorder(values.pipe(takeUntilSessionLost(zk)));
    values.next('a');
    await harness.loseConnection(zk, { for: 300 });
    values.next('b');
    expect(out.values).toEqual(['a', 'b']);
    expect(out.completed).toBe(false);
    out.subscription.unsubscribe();
  });

  it('completes when its session expires, and unsubscribes the source then', async () => {
    const zk = await harness.client();
    const { source, log } = loggingSource(zk);
    let stateAtCompletion: ConnectionState | null = null;
    const out = new Recorder(source.pipe(takeUntilSessionLost(zk)));
    out.subscription.add(() => (stateAtCompletion ??= zk.state));
    const session = zk.session!.id;
    await harness.expireSession(zk);
    await out.until(() => out.completed);
    expect(stateAtCompletion).not.toBe('CONNECTED');
    expect(log).toEqual(['subscribe@CONNECTED', expect.stringMatching(/^unsubscribe@(SUSPENDED|EXPIRED|CONNECTING)$/)]);
    expect(zk.session!.id).not.toBe(session);
    // The new session is not the one the pipeline started in: a new subscription follows the new one.
    const again = new Recorder(source.pipe(takeUntilSessionLost(zk)));
    expect(again.completed).toBe(false);
    again.subscription.unsubscribe();
  });

  it('completes when the client closes', async () => {
    const zk = await harness.client();
    const out = new Recorder(new Subject<number>().pipe(takeUntilSessionLost(zk)));
    await zk.close();
    await out.until(() => out.completed);
    expect(out.completed).toBe(true);
  });

  it('subscribed before start(), follows the first session and completes when it expires', async () => {
    const zk = createClient({ hosts: harness.server.connectString });
    const out = new Recorder(new Subject<number>().pipe(takeUntilSessionLost(zk)));
    try {
      await zk.start();
      expect(out.completed).toBe(false);
      const expired = until(zk, 'EXPIRED');
      await harness.server.expireSession(zk);
      await expired;
      await out.until(() => out.completed);
    } finally {
      out.subscription.unsubscribe();
      await zk.close();
    }
  });
});

/** The chroot a harness client lives in, read back from the server (the client itself sees '/' there). */
async function chrootOf(zk: ZooKeeperClient): Promise<string> {
  const marker = `/.chroot-${process.pid}`;
  await one(zk.create(marker, '', { ephemeral: true }));
  const admin = createClient({ hosts: harness.server.connectString });
  await admin.start();
  try {
    const roots = await one(admin.getChildren('/rxzk-harness'));
    for (const r of roots) {
      if ((await one(admin.exists(`/rxzk-harness/${r}${marker}`))) !== null) return `/rxzk-harness/${r}`;
    }
    throw new Error('chroot not found');
  } finally {
    await admin.close();
  }
}
