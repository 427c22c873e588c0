import * as net from 'node:net';
import { Observable, firstValueFrom, defer, throwError, of, concat, NEVER } from 'rxjs';
import {
  BadVersionError,
  ConnectionLossError,
  createClient,
  InvalidArgumentError,
  TimeoutError,
  OperationTimeoutError,
  RetryFailedError,
  SessionExpiredError,
  withRetry,
} from '../../src';

/** A source that fails with the given errors in turn, then emits 'done'; it records when each attempt was made. */
function flaky(errors: Error[]): { source: Observable<string>; attempts: number[] } {
  const attempts: number[] = [];
  let i = 0;
  const source = defer(() => {
    attempts.push(Date.now());
    const err = errors[i++];
    return err ? throwError(() => err) : of('done');
  });
  return { source, attempts };
}

describe('withRetry', () => {
  it('re-subscribes on connection loss and operation timeout until the source succeeds', async () => {
    const { source, attempts } = flaky([new ConnectionLossError(), new OperationTimeoutError(), new ConnectionLossError()]);
    expect(await firstValueFrom(source.pipe(withRetry({ maxTries: 5, delay: 1, maxJitter: 0 })))).toBe('done');
    expect(attempts).toHaveLength(4);
  });

  it('counts maxTries as retries after the first attempt, then fails with RetryFailedError carrying the last error', async () => {
    const last = new ConnectionLossError('/x');
    const { source, attempts } = flaky([new ConnectionLossError(), new ConnectionLossError(), last, new ConnectionLossError()]);
    const error = await firstValueFrom(source.pipe(withRetry({ maxTries: 2, delay: 1, maxJitter: 0 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryFailedError);
    expect((error as RetryFailedError).cause).toBe(last);
    expect((error as RetryFailedError).attempts).toBe(3);
    expect(attempts).toHaveLength(3);
  });

  it('waits delay, then delay times backoff, capped at maxDelay (no jitter)', async () => {
    const { source, attempts } = flaky(Array.from({ length: 4 }, () => new ConnectionLossError()));
    await firstValueFrom(source.pipe(withRetry({ maxTries: -1, delay: 40, backoff: 2, maxDelay: 100, maxJitter: 0 })));
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    // 40, 80, then 160 capped to 100, and 100 again. Timers may fire late, never early.
    expect(gaps[0]).toBeGreaterThanOrEqual(39);
    expect(gaps[1]).toBeGreaterThanOrEqual(79);
    expect(gaps[2]).toBeGreaterThanOrEqual(99);
    expect(gaps[3]).toBeGreaterThanOrEqual(99);
    expect(Math.max(...gaps)).toBeLessThan(100 + 400);
  });

  it('keeps each wait within the jitter bounds', async () => {
    const random = jest.spyOn(Math, 'random');
    try {
      random.mockReturnValue(0); // the lowest factor: 1 - maxJitter
      const { source, attempts } = flaky([new ConnectionLossError()]);
      await firstValueFrom(source.pipe(withRetry({ maxTries: 1, delay: 100, maxJitter: 0.5 })));
      const gap = attempts[1] - attempts[0];
      expect(gap).toBeGreaterThanOrEqual(49);
      expect(gap).toBeLessThan(95);
    } finally {
      random.mockRestore();
    }
  });

  it('gives up when the next wait would end past the deadline', async () => {
    const { source, attempts } = flaky(Array.from({ length: 100 }, () => new ConnectionLossError()));
    const started = Date.now();
    const error = await firstValueFrom(source.pipe(withRetry({ maxTries: -1, delay: 30, backoff: 1, maxJitter: 0, deadline: 200 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryFailedError);
    expect(Date.now() - started).toBeLessThan(200 + 400);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThanOrEqual(8);
  });

  it('retries a session expiry only with retryOnExpired, and never other errors', async () => {
    const expired = flaky([new SessionExpiredError()]);
    expect(await firstValueFrom(expired.source.pipe(withRetry({ delay: 1, retryOnExpired: true })))).toBe('done');
    const notRetried = flaky([new SessionExpiredError()]);
    await expect(firstValueFrom(notRetried.source.pipe(withRetry({ delay: 1, retryOnExpired: false })))).rejects.toBeInstanceOf(SessionExpiredError);
    expect(notRetried.attempts).toHaveLength(1);
    const badVersion = flaky([new BadVersionError('/a')]);
    await expect(firstValueFrom(badVersion.source.pipe(withRetry({ maxTries: 5, delay: 1 })))).rejects.toBeInstanceOf(BadVersionError);
    expect(badVersion.attempts).toHaveLength(1);
  });

  it('stops retrying when unsubscribed', async () => {
    const { source, attempts } = flaky(Array.from({ length: 100 }, () => new ConnectionLossError()));
    const subscription = source.pipe(withRetry({ maxTries: -1, delay: 20, backoff: 1, maxJitter: 0 })).subscribe({ error: () => undefined });
    await new Promise((r) => setTimeout(r, 70));
    subscription.unsubscribe();
    const seen = attempts.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts.length).toBe(seen);
  });

  it('cuts a try still in progress at the deadline: RetryFailedError with a deadline TimeoutError, the try unsubscribed', async () => {
    let tornDown = 0;
    const hanging = new Observable<string>(() => () => void tornDown++);
    const error = await firstValueFrom(hanging.pipe(withRetry({ deadline: 150 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryFailedError);
    expect((error as RetryFailedError).cause).toBeInstanceOf(TimeoutError);
    expect((error as RetryFailedError).cause).toMatchObject({ kind: 'deadline', timeout: 150 });
    expect(tornDown).toBe(1);
  });

  it('names the last failure as the cause when the deadline cuts a retry in progress', async () => {
    const lost = new ConnectionLossError('/x');
    let tries = 0;
    const source = defer(() => (++tries === 1 ? throwError(() => lost) : concat(NEVER)));
    const error = await firstValueFrom(source.pipe(withRetry({ maxTries: -1, delay: 1, deadline: 150 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryFailedError);
    expect((error as RetryFailedError).cause).toBe(lost);
    expect((error as RetryFailedError).attempts).toBe(2);
  });

  it('bounds a request queued while no server is up', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const zk = createClient({ hosts: `127.0.0.1:${port}`, connectTimeout: 60_000 });
    const started = zk.start().catch((e: unknown) => e);
    try {
      const error = await firstValueFrom(zk.create('/queued').pipe(withRetry({ maxTries: -1, deadline: 300 }))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryFailedError);
      expect((error as RetryFailedError).cause).toMatchObject({ kind: 'deadline' });
      expect(zk.state).toBe('CONNECTING');
    } finally {
      await zk.close();
      await started;
    }
  });

  it.each([
    [{ delay: -5 }],
    [{ delay: 'x' }],
    [{ delay: Number.NaN }],
    [{ maxTries: 1.5 }],
    [{ maxTries: -2 }],
    [{ backoff: 0.5 }],
    [{ maxJitter: 2 }],
    [{ maxDelay: 2 ** 31 }],
    [{ deadline: 0 }],
    [{ retryOnExpired: 'yes' }],
    ['fast'],
  ])('refuses the policy %j with InvalidArgumentError when the operator is made', (policy) => {
    expect(() => withRetry(policy as never)).toThrow(InvalidArgumentError);
  });
});
