// A queue on a client that was never started, is closed, or whose credentials were refused answers at once with the
// client's own error, as every request of that client does — it does not wait for a start that may never come. The
// check is the shared listing's (listing.ts), so every waiter on it fails alike: Queue.get/take/take$,
// LockingQueue.take/take$. No ZooKeeper: 127.0.0.1:1 refuses every connection; the credentials case is scripted.
import type { Observable } from 'rxjs';
import { AuthFailedError, ClientClosedError, ClientNotStartedError, createClient, type ZooKeeperClient } from '../../../src';
import { DistributedQueue, LockTimeoutError, LockingQueue, Queue } from '../../../src/recipes';
import { SpecialXid } from '../../jute/codec';
import { FakeZooKeeper } from '../../support/fake-zookeeper';

/** Far longer than a refusal takes, far shorter than the takes' own timeout below: "at once". */
const PROMPT_MS = 2_000;
/** The takes' timeout: a take that waits for a start instead of failing ends with LockTimeoutError, not the client's error. */
const TAKE_TIMEOUT_MS = 10_000;

/** How a wait ended, and after how long (a wait still pending after {@link PROMPT_MS} is 'pending'). */
type Outcome = { kind: 'error'; error: unknown; ms: number } | { kind: 'value' | 'complete'; ms: number } | { kind: 'pending' };

function settle(promise: Promise<unknown>): Promise<Outcome> {
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'pending' }), PROMPT_MS)));
  const done = promise.then(
    (): Outcome => ({ kind: 'value', ms: Date.now() - t0 }),
    (error: unknown): Outcome => ({ kind: 'error', error, ms: Date.now() - t0 }),
  );
  return Promise.race([done, pending]).finally(() => clearTimeout(timer));
}

/** The first notification of a stream (its subscription ended after it, or after {@link PROMPT_MS}). */
function first(stream: Observable<unknown>): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      resolve({ kind: 'pending' });
    }, PROMPT_MS);
    const end = (outcome: Outcome): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const subscription = stream.subscribe({
      next: () => end({ kind: 'value', ms: Date.now() - t0 }),
      error: (error: unknown) => end({ kind: 'error', error, ms: Date.now() - t0 }),
      complete: () => end({ kind: 'complete', ms: Date.now() - t0 }),
    });
  });
}

/** Every waiter on a queue's listing, each asked once on `zk`. */
function waiters(zk: ZooKeeperClient): [string, () => Promise<Outcome>][] {
  return [
    ['Queue.get()', () => settle(new Queue(zk, '/q').get())],
    ['Queue.take()', () => settle(new Queue(zk, '/q').take({ timeout: TAKE_TIMEOUT_MS }))],
    ['Queue.take$()', () => first(new Queue(zk, '/q').take$())],
    ['LockingQueue.take()', () => settle(new LockingQueue(zk, '/lq').take({ timeout: TAKE_TIMEOUT_MS }))],
    ['LockingQueue.take$()', () => first(new LockingQueue(zk, '/lq').take$())],
  ];
}

/** Each waiter failed with an error of `type`, and within {@link PROMPT_MS}. */
async function expectRefused(zk: ZooKeeperClient, type: typeof ClientNotStartedError | typeof ClientClosedError): Promise<void> {
  const seen: Record<string, string> = {};
  for (const [name, wait] of waiters(zk)) {
    const outcome = await wait();
    seen[name] = outcome.kind === 'error' && outcome.error instanceof type && outcome.ms < PROMPT_MS ? 'refused' : show(outcome);
  }
  expect(seen).toEqual(Object.fromEntries(waiters(zk).map(([name]) => [name, 'refused'])));
}

function show(outcome: Outcome): string {
  if (outcome.kind !== 'error') return outcome.kind;
  const error = outcome.error;
  return `error ${error instanceof Error ? error.constructor.name : String(error)} after ${outcome.ms} ms`;
}

describe('queues on a client that is not running', () => {
  const zk = createClient({ hosts: '127.0.0.1:1' });

  it('every waiter on a listing (Queue.get/take/take$, LockingQueue.take/take$) rejects at once with ClientNotStartedError before start()', async () => {
    await expectRefused(zk, ClientNotStartedError);
  });

  it('Queue.put() and the other puts reject with ClientNotStartedError before start()', async () => {
    await expect(new Queue(zk, '/q').put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(new LockingQueue(zk, '/lq').put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(new DistributedQueue(zk, '/dq').put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
  });

  it('every waiter on a listing rejects at once with ClientClosedError once the client is closed', async () => {
    const closed = createClient({ hosts: '127.0.0.1:1' });
    closed.start().catch(() => undefined);
    await closed.close();
    await expectRefused(closed, ClientClosedError);
  });

  it('a close under waiting consumers ends them as before: take$() completes, take() rejects with ClientClosedError', async () => {
    const closing = createClient({ hosts: '127.0.0.1:1' });
    closing.start().catch(() => undefined);
    // Started, never connected: every waiter waits (its probe of the client queued, not refused).
    const waits = [
      first(new Queue(closing, '/q').take$()),
      first(new LockingQueue(closing, '/lq').take$()),
      settle(new Queue(closing, '/q').take({ timeout: TAKE_TIMEOUT_MS })),
      settle(new LockingQueue(closing, '/lq').take({ timeout: TAKE_TIMEOUT_MS })),
    ];
    await closing.close();
    const [queueStream, lockingStream, queueTake, lockingTake] = await Promise.all(waits);
    expect([queueStream.kind, lockingStream.kind]).toEqual(['complete', 'complete']);
    expect([queueTake, lockingTake].map((o) => (o.kind === 'error' && o.error instanceof ClientClosedError ? 'closed' : show(o)))).toEqual(['closed', 'closed']);
  });

  it('waiting consumers fail at once with AuthFailedError when the server refuses the credentials (scripted server)', async () => {
    const fake = await FakeZooKeeper.start();
    const refused = createClient({ hosts: fake.address, auth: [{ scheme: 'digest', credential: 'u:p' }], retry: { delay: 10, maxDelay: 50 } });
    try {
      await refused.start();
      const conn = await fake.connection(1);
      // Connected, the auth packet unanswered: the listings' requests wait behind it, unanswered too.
      const waits = [settle(new LockingQueue(refused, '/lq').take({ timeout: TAKE_TIMEOUT_MS })), first(new Queue(refused, '/q').take$())];
      await conn.waitForRequests(1);
      conn.reply(SpecialXid.auth, -115);
      const outcomes = await Promise.all(waits);
      expect(outcomes.map((o) => (o.kind === 'error' && o.error instanceof AuthFailedError ? 'auth-failed' : show(o)))).toEqual(['auth-failed', 'auth-failed']);
      expect(refused.state).toBe('AUTH_FAILED');
    } finally {
      await refused.close();
      await fake.stop();
    }
  });

  it('a listing refused before start() is not kept: the same queue object waits normally once the client is started', async () => {
    const later = createClient({ hosts: '127.0.0.1:1' });
    const queue = new LockingQueue(later, '/lq');
    await expect(queue.take({ timeout: TAKE_TIMEOUT_MS })).rejects.toBeInstanceOf(ClientNotStartedError);
    later.start().catch(() => undefined);
    try {
      // Started (connecting to a port that refuses): the take waits for a connection, until its own timeout.
      await expect(queue.take({ timeout: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
    } finally {
      await later.close();
    }
  });
});
