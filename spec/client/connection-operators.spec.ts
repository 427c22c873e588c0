// Marble tests of the connection-state operators: when they subscribe to their source, when they let go of it.
import { TestScheduler } from 'rxjs/testing';
import { map, type Observable } from 'rxjs';
import { isConnected, takeUntilSessionLost, whileConnected, type ConnectionState, type ConnectionStateSource, type Session } from '../../src';

const session = (id: bigint): Session => ({ id, password: Buffer.alloc(16), timeout: 10_000, readOnly: false });
const STATES: Record<string, ConnectionState> = {
  g: 'CONNECTING',
  c: 'CONNECTED',
  r: 'CONNECTED_READ_ONLY',
  s: 'SUSPENDED',
  e: 'EXPIRED',
  a: 'AUTH_FAILED',
  x: 'CLOSED',
};

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

function client(states: Observable<string>, sessions?: Observable<Session | null>): ConnectionStateSource {
  return { state$: states.pipe(map((k) => STATES[k])), session$: sessions ?? states.pipe(map(() => null)) };
}

describe('isConnected', () => {
  it('is true for CONNECTED and CONNECTED_READ_ONLY only', () => {
    expect(Object.values(STATES).filter(isConnected)).toEqual(['CONNECTED', 'CONNECTED_READ_ONLY']);
  });
});

describe('whileConnected', () => {
  it('subscribes while connected, unsubscribes at the drop, subscribes again when back, completes at CLOSED', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const states = hot('g-c----s--r---x');
      const source = hot('-1-2-3-4-5-6-7-8');
      expectObservable(source.pipe(whileConnected(client(states)))).toBe('---2-3-----6-7|');
      expectSubscriptions(source.subscriptions).toBe(['--^----!', '----------^---!']);
    });
  });

  it('mirrors the completion and the error of the source', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('-a|').pipe(whileConnected(client(hot('c'))))).toBe('-a|');
      expectObservable(cold('-a#').pipe(whileConnected(client(hot('c'))))).toBe('-a#');
    });
  });

  it('stops the source when unsubscribed', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-1-2-3');
      expectObservable(source.pipe(whileConnected(client(hot('c')))), '----!').toBe('-1-2');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });
});

describe('takeUntilSessionLost', () => {
  it('mirrors across a dropped connection, completes when the session expires', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const one = session(1n);
      const states = hot('c---s--c--e', STATES as never);
      const sessions = hot('a----------n', { a: one, n: null });
      const source = hot('-1-2-3-4-5-6');
      const zk = { state$: states, session$: sessions } as unknown as ConnectionStateSource;
      expectObservable(source.pipe(takeUntilSessionLost(zk))).toBe('-1-2-3-4-5|');
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('subscribed before any session, waits for the first one and ends with it', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const states = hot<ConnectionState>('g--c---e', { g: 'CONNECTING', c: 'CONNECTED', e: 'EXPIRED' });
      const sessions = hot('n--a---n', { n: null, a: session(7n) });
      const source = hot('-1-2-3-4-5');
      expectObservable(source.pipe(takeUntilSessionLost({ state$: states, session$: sessions }))).toBe('-1-2-3-|');
    });
  });

  it('completes at once on a closed client, and at AUTH_FAILED', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('-a').pipe(takeUntilSessionLost(client(hot('x'))))).toBe('|');
      expectObservable(cold('-a-b-c').pipe(takeUntilSessionLost(client(hot('c--a'))))).toBe('-a-|');
    });
  });
});
