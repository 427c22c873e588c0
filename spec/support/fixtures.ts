import { filter, firstValueFrom, lastValueFrom, throwError, timeout, type Observable } from 'rxjs';
import { createClient, type ClientOptions, type ConnectionState, type ZooKeeperClient } from '../../src';
import type { StartedZooKeeper } from '../../src/testing';

/** The one value of an operation. */
export const one = <T>(o: Observable<T>): Promise<T> => firstValueFrom(o);

/** Waits for an operation that emits nothing useful (void) to complete. */
export const done = (o: Observable<unknown>): Promise<unknown> => lastValueFrom(o, { defaultValue: 'completed without a value' });

/** Resolves when the client reaches `state`; rejects after `ms` (its timer cleared either way: no handle left for jest). */
export function until(zk: ZooKeeperClient, state: ConnectionState, ms = 30_000): Promise<ConnectionState> {
  return stateWhen(zk, (s) => s === state, state, ms);
}

/** The first state of `zk` (now or later) for which `ok` holds; fails after `ms` naming `what`. */
function stateWhen(zk: ZooKeeperClient, ok: (state: ConnectionState) => boolean, what: string, ms: number): Promise<ConnectionState> {
  return firstValueFrom(
    zk.state$.pipe(
      filter(ok),
      timeout({ first: ms, with: () => throwError(() => new Error(`no ${what} within ${ms} ms (now ${zk.state})`)) }),
    ),
  );
}

/**
 * Waits until `zk` is connected on a session other than `expired` (the id of a session just expired with
 * `expireSession`). CONNECTED alone is not enough: to close a session the expirer first takes it over, which drops the
 * client's connection, and the client may reattach to the closing session for a moment (CONNECTED, the old id) before
 * it learns of the expiry.
 */
export function untilNewSession(zk: ZooKeeperClient, expired: bigint | undefined, ms = 30_000): Promise<ConnectionState> {
  return stateWhen(zk, (s) => s === 'CONNECTED' && zk.session !== null && zk.session.id !== expired, 'new session', ms);
}

/** Expires `zk`'s session on `server` and waits until the client is on a new one ({@link untilNewSession}). */
export async function expireAndRenew(server: Pick<StartedZooKeeper, 'expireSession'>, zk: ZooKeeperClient): Promise<void> {
  const expired = zk.session?.id;
  await server.expireSession(zk);
  await untilNewSession(zk, expired);
}

/** The error a promise rejects with; fails when it resolves or rejects with a non-Error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected a rejection, but it resolved');
}

/** The error `make` throws (as thrown: a constructor's refusal); fails when it returns. */
export function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected it to throw');
}

/**
 * Clients for one spec file, all closed by `closeAll()` (in afterEach):
 * `client()` makes one, `connect()` makes and starts one.
 */
export function clientPool(hosts: () => string): {
  client(options?: Partial<ClientOptions>): ZooKeeperClient;
  connect(options?: Partial<ClientOptions>): Promise<ZooKeeperClient>;
  closeAll(): Promise<void>;
} {
  const clients: ZooKeeperClient[] = [];
  const client = (options: Partial<ClientOptions> = {}): ZooKeeperClient => {
    const zk = createClient({ hosts: hosts(), ...options });
    clients.push(zk);
    return zk;
  };
  return {
    client,
    async connect(options = {}) {
      const zk = client(options);
      await zk.start();
      return zk;
    },
    async closeAll() {
      await Promise.all(clients.splice(0).map((zk) => zk.close()));
    },
  };
}

/**
 * An observation window, for asserting that something does NOT happen during it (no reconnection after the
 * client gave up, no value after an unsubscribe that fences cannot rule out). Never a way to wait for
 * something that does happen: wait for that event, or fence with `sync` and a read.
 */
export function observeFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A value a hook sets (beforeAll, beforeEach) and the tests read: reading it before the hook has run is a mistake in
 * the spec, said with `what` ("the server starts in beforeAll") instead of an undefined.
 */
export function late<T>(what: string): { get(): T; set(value: T | undefined): void; peek(): T | undefined } {
  let value: T | undefined;
  return {
    get() {
      if (value === undefined) throw new Error(what);
      return value;
    },
    set(v) {
      value = v;
    },
    peek: () => value,
  };
}

/**
 * `base` with `more`'s members added to it, getters kept as getters (read when a test reads them, not now): how a
 * spec helper adds its own members to the one it builds on. `base` must be the caller's own object: it is changed.
 */
export function extend<B extends object, T extends object>(base: B, more: T): B & T {
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(more)) as B & T;
}
