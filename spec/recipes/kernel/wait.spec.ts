// The recipes' one bounded wait (issue 19: kernel/wait.ts), without a server: fake timers stand in for the clock, a
// promise the spec settles (or never does) for the body's steps. One meaning of `timeout` for every recipe: > 0 ends
// the wait at that bound whatever the body is doing (issue 17's late takes), 0 is one try (no timer), and an aborted
// signal ends it with its reason.
import { Subject } from 'rxjs';
import type { ZooKeeperClient } from '../../../src';
import { LockTimeoutError } from '../../../src/recipes';
import { CLEANUP_BOUND_MS, abortable, boundedCleanup, deadlineOf, raced, timeLeft, within, type Bounds } from '../../../src/recipes/kernel/wait';

/** A promise and its settlers. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** What a promise has done so far: pending, or its value or error. */
function outcome<T>(promise: Promise<T>): { readonly state: 'pending' | 'resolved' | 'rejected'; readonly value?: T; readonly error?: unknown } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(seen, { state: 'resolved', value }),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
});

describe('within', () => {
  it('ends at its timeout with LockTimeoutError while the body is still waiting, and aborts the body\'s signal', async () => {
    let bounds!: Bounds;
    const result = outcome(
      within({ timeout: 2_000 }, (b) => {
        bounds = b;
        return new Promise<never>(() => undefined);
      }),
    );
    expect(bounds.once).toBe(false);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(result.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(result.state).toBe('rejected');
    expect(result.error).toBeInstanceOf(LockTimeoutError);
    expect((result.error as LockTimeoutError).timeout).toBe(2_000);
    expect(bounds.signal.aborted).toBe(true);
    expect(bounds.signal.reason).toBe(result.error);
  });

  it('timeout: 0 is one try: no timer, `once` set, and the body decides however long its first look takes', async () => {
    const look = deferred<string>();
    let bounds!: Bounds;
    const result = outcome(
      within({ timeout: 0 }, (b) => {
        bounds = b;
        return look.promise;
      }),
    );
    expect(bounds.once).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(result.state).toBe('pending');
    look.resolve('found');
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ state: 'resolved', value: 'found' });
  });

  it('without a timeout it waits as long as the body does', async () => {
    const look = deferred<number>();
    const result = outcome(within({}, () => look.promise));
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(result.state).toBe('pending');
    look.resolve(7);
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ state: 'resolved', value: 7 });
  });

  it('an already aborted signal rejects with its reason before the body runs', async () => {
    const reason = new Error('shutting down');
    const body = jest.fn(() => Promise.resolve(1));
    await expect(within({ timeout: 1_000, signal: AbortSignal.abort(reason) }, body)).rejects.toBe(reason);
    expect(body).not.toHaveBeenCalled();
  });

  it('a signal aborted meanwhile ends it with its reason; the timer goes', async () => {
    const controller = new AbortController();
    const result = outcome(within({ timeout: 10_000, signal: controller.signal }, () => new Promise<never>(() => undefined)));
    await jest.advanceTimersByTimeAsync(100);
    const reason = new Error('user gave up');
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ state: 'rejected', error: reason });
    expect(jest.getTimerCount()).toBe(0);
  });

  it("the recipe's own stop (the subscriber left, the client closed) ends it with its reason", async () => {
    const stop = new AbortController();
    const result = outcome(within({}, () => new Promise<never>(() => undefined), { stop: stop.signal }));
    const reason = new Error('the client closed');
    stop.abort(reason);
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ state: 'rejected', error: reason });
  });

  it("settled by the body: its value or error, the timer gone, the caller's signal let go, the body's signal aborted", async () => {
    const controller = new AbortController();
    let bounds!: Bounds;
    await expect(
      within({ timeout: 5_000, signal: controller.signal }, (b) => {
        bounds = b;
        return Promise.resolve('held');
      }),
    ).resolves.toBe('held');
    expect(jest.getTimerCount()).toBe(0);
    expect(bounds.signal.aborted).toBe(true);
    // The caller's signal no longer reaches the finished wait.
    controller.abort(new Error('later'));
    expect(bounds.signal.reason).not.toBe(controller.signal.reason);

    const failure = new Error('NoAuth');
    await expect(within({ timeout: 5_000 }, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a value the body produces after the wait ended goes to `late` (to be released), never to the caller', async () => {
    const look = deferred<string>();
    const late = jest.fn();
    const result = outcome(within({ timeout: 100 }, () => look.promise, { late }));
    await jest.advanceTimersByTimeAsync(100);
    expect(result.state).toBe('rejected');
    look.resolve('a holding');
    await jest.advanceTimersByTimeAsync(0);
    expect(late).toHaveBeenCalledWith('a holding');
  });

  it('timedOut chooses what the timeout rejects with (a barrier answers false)', async () => {
    const TIMED_OUT = Symbol('timed out');
    const result = outcome(within({ timeout: 50 }, () => new Promise<never>(() => undefined), { timedOut: () => TIMED_OUT }));
    await jest.advanceTimersByTimeAsync(50);
    expect(result).toMatchObject({ state: 'rejected', error: TIMED_OUT });
  });

  it('a body that throws synchronously rejects the wait', async () => {
    const failure = new Error('bad');
    await expect(
      within({ timeout: 50 }, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('raced', () => {
  it("gives the step's value, or the signal's reason once it aborts (the step's later rejection handled)", async () => {
    const controller = new AbortController();
    await expect(raced(Promise.resolve(1), controller.signal)).resolves.toBe(1);
    const step = deferred<number>();
    const result = outcome(raced(step.promise, controller.signal));
    const reason = new Error('timed out');
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ state: 'rejected', error: reason });
    step.reject(new Error('unseen'));
    await jest.advanceTimersByTimeAsync(0);
    // Already aborted: rejects at once, and the step's rejection is handled too.
    const late = deferred<number>();
    await expect(raced(late.promise, controller.signal)).rejects.toBe(reason);
    late.reject(new Error('unseen too'));
    await jest.advanceTimersByTimeAsync(0);
  });
});

describe('abortable', () => {
  it('mirrors the source until the signal aborts, then errors with its reason and unsubscribes the source', () => {
    const source = new Subject<number>();
    const controller = new AbortController();
    const values: number[] = [];
    let error: unknown;
    source.pipe(abortable(controller.signal)).subscribe({ next: (v) => values.push(v), error: (e: unknown) => (error = e) });
    source.next(1);
    const reason = new Error('stop');
    controller.abort(reason);
    source.next(2);
    expect(values).toEqual([1]);
    expect(error).toBe(reason);
    expect(source.observed).toBe(false);
  });
});

describe('deadlineOf and timeLeft', () => {
  it('give a wait made of several waits what is left of one bound (0 once passed: one more try)', async () => {
    expect(timeLeft(deadlineOf({}))).toBeUndefined();
    const deadline = deadlineOf({ timeout: 1_000 });
    expect(timeLeft(deadline)).toBe(1_000);
    await jest.advanceTimersByTimeAsync(400);
    expect(timeLeft(deadline)).toBe(600);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(timeLeft(deadline)).toBe(0);
  });
});

describe('boundedCleanup', () => {
  const client = (state: string) => ({ state }) as unknown as ZooKeeperClient;

  it('connected: waits for the clean-up, but no longer than CLEANUP_BOUND_MS', async () => {
    const cleanup = deferred<void>();
    const quick = outcome(boundedCleanup(client('CONNECTED'), cleanup.promise));
    await jest.advanceTimersByTimeAsync(10);
    expect(quick.state).toBe('pending');
    cleanup.resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect(quick.state).toBe('resolved');

    const stuck = outcome(boundedCleanup(client('CONNECTED'), new Promise<void>(() => undefined)));
    await jest.advanceTimersByTimeAsync(CLEANUP_BOUND_MS - 1);
    expect(stuck.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(stuck.state).toBe('resolved');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('disconnected: at once (the clean-up goes on when the client is back); a failed clean-up is not the caller\'s error', async () => {
    const cleanup = deferred<void>();
    await expect(boundedCleanup(client('SUSPENDED'), cleanup.promise)).resolves.toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
    cleanup.reject(new Error('gone'));
    await expect(boundedCleanup(client('CONNECTED'), Promise.reject(new Error('NoAuth')))).resolves.toBeUndefined();
  });
});
