// whileLeader and whileHeld without a server: marble tests of when they subscribe to their source and let go of it,
// on a fake latch (a leadership$ stream) and a fake lock (a hold$ stream); the release they await, with promises.
import { BehaviorSubject, NEVER, Observable, Subject, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ClientClosedError } from '../../../src';
import { LockLostError, whileHeld, whileLeader, type Holding, type HoldingState, type HoldSource } from '../../../src/recipes';

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const LEADING = { t: true, f: false };

/** A holding whose release() resolves at once and is counted. */
function fakeHolding(): Holding & { releases: number } {
  const states = new BehaviorSubject<HoldingState>('HELD');
  const controller = new AbortController();
  const holding = {
    node: '/fake/_c_0-lock-0000000000',
    fencingToken: 1n,
    state$: states.asObservable(),
    get state() {
      return states.value;
    },
    signal: controller.signal,
    releases: 0,
    release() {
      holding.releases++;
      states.next('RELEASED');
      return Promise.resolve();
    },
  };
  return holding;
}

describe('whileLeader (marbles)', () => {
  it('subscribes while leading, unsubscribes when leadership goes, subscribes again at the next term', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const leadership = hot('f-t----f---t---', LEADING);
      const source = hot('-1-2-3-4-5-6-7-8');
      expectObservable(source.pipe(whileLeader({ leadership$: () => leadership }))).toBe('---2-3-----6-7-8');
      expectSubscriptions(source.subscriptions).toBe(['--^----!', '-----------^----']);
    });
  });

  it('does not subscribe twice when leadership repeats true, nor at all while following', () => {
    scheduler.run(({ hot, expectSubscriptions }) => {
      const leadership = hot('f-t-t-f-f', LEADING);
      const source = hot('-----------');
      source.pipe(whileLeader({ leadership$: () => leadership })).subscribe();
      expectSubscriptions(source.subscriptions).toBe('--^---!');
    });
  });

  it("completes, never errors, when the source fails with ClientClosedError: the client's close is not the stream's error", () => {
    // Issue 17 (d): zk.close() under source.pipe(whileLeader(latch)) failed the source's requests with
    // ClientClosedError before the latch's leadership completed, and a subscriber without an error handler crashed.
    scheduler.run(({ hot, cold, expectObservable }) => {
      const leading = hot('t', LEADING);
      const closed = cold('-a#', { a: 1 }, new ClientClosedError('the client closed'));
      expectObservable(closed.pipe(whileLeader({ leadership$: () => leading }))).toBe('-a|', { a: 1 });
    });
  });

  it("mirrors the source's completion and error", () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const leading = hot('t', LEADING);
      expectObservable(cold('-a|').pipe(whileLeader({ leadership$: () => leading }))).toBe('-a|');
      expectObservable(cold('-a#').pipe(whileLeader({ leadership$: () => leading }))).toBe('-a#');
    });
  });

  it('completes when the leadership completes (the client closed), erroring with its error', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-a-a-a');
      const ending = hot('t----f|', LEADING);
      const failing = hot('t---#', LEADING);
      expectObservable(source.pipe(whileLeader({ leadership$: () => ending }))).toBe('-a-a--|');
      expectObservable(source.pipe(whileLeader({ leadership$: () => failing }))).toBe('-a-a#');
      expectSubscriptions(source.subscriptions).toBe(['^----!', '^---!']);
    });
  });

  it('lets go of the source and the leadership when unsubscribed', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const leadership = hot('t-------', LEADING);
      const source = hot('-1-2-3-4');
      expectObservable(source.pipe(whileLeader({ leadership$: () => leadership })), '----!').toBe('-1-2');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(leadership.subscriptions).toBe('^---!');
    });
  });
});

describe('whileHeld (marbles)', () => {
  it('subscribes to the source only once held', () => {
    const holding = fakeHolding();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const hold = cold<Holding>('---h', { h: holding });
      const source = hot('-1-2-3-4-5');
      expectObservable(source.pipe(whileHeld({ hold$: () => hold })), '--------!').toBe('-----3-4');
      expectSubscriptions(source.subscriptions).toBe('---^----!');
      expectSubscriptions(hold.subscriptions).toBe('^-------!');
    });
  });

  it('when the holding is LOST, unsubscribes the source and errors with LockLostError', () => {
    const holding = fakeHolding();
    const lost = new LockLostError(holding);
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const hold = cold<Holding>('-h---#', { h: holding }, lost);
      const source = hot('--1-2-3-4');
      expectObservable(source.pipe(whileHeld({ hold$: () => hold }))).toBe('--1-2#', undefined, lost);
      expectSubscriptions(source.subscriptions).toBe('-^---!');
    });
  });

  it('a wait that fails (timeout, abort) errors without ever subscribing to the source', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-1-2-3');
      const failing = cold<Holding>('--#', undefined, new Error('timed out'));
      expectObservable(source.pipe(whileHeld({ hold$: () => failing }))).toBe(
        '--#',
        undefined,
        new Error('timed out'),
      );
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});

describe('whileHeld (release before completion)', () => {
  it('releases when the source completes, then completes; hold$ is let go', async () => {
    const holding = fakeHolding();
    let holdSubscribed = false;
    const lock: HoldSource = {
      hold$: () =>
        new Observable<Holding>((subscriber) => {
          holdSubscribed = true;
          subscriber.next(holding);
          return () => (holdSubscribed = false);
        }),
    };
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      of(1, 2)
        .pipe(whileHeld(lock))
        .subscribe({
          next: (v) => events.push(`next ${v} (releases ${holding.releases})`),
          complete: () => {
            events.push(`complete (releases ${holding.releases})`);
            resolve();
          },
        });
    });
    expect(events).toEqual(['next 1 (releases 0)', 'next 2 (releases 0)', 'complete (releases 1)']);
    expect(holdSubscribed).toBe(false);
  });

  it('releases when the source errors, then errors with the same error', async () => {
    const holding = fakeHolding();
    const failure = new Error('work failed');
    const error = await new Promise<unknown>((resolve) => {
      throwError(() => failure)
        .pipe(whileHeld({ hold$: () => of(holding) }))
        .subscribe({ error: resolve });
    });
    expect(error).toBe(failure);
    expect(holding.releases).toBe(1);
  });

  it('a LOST reported while releasing after completion changes nothing: it completes', async () => {
    const holding = fakeHolding();
    const hold = new Subject<Holding>();
    let releaseDone!: () => void;
    holding.release = () => {
      holding.releases++;
      return new Promise<void>((resolve) => (releaseDone = resolve));
    };
    const source = new Subject<number>();
    const ended = new Promise<string>((resolve) => {
      source.pipe(whileHeld({ hold$: () => hold })).subscribe({ complete: () => resolve('complete'), error: () => resolve('error') });
    });
    hold.next(holding);
    source.complete();
    hold.error(new LockLostError(holding));
    releaseDone();
    expect(await ended).toBe('complete');
  });

  it('never subscribes to a source while the lock never comes', () => {
    let subscribed = false;
    const sub = new Observable<never>(() => {
      subscribed = true;
    })
      .pipe(whileHeld({ hold$: () => NEVER }))
      .subscribe();
    sub.unsubscribe();
    expect(subscribed).toBe(false);
  });
});
