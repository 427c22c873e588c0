import { concatMap, defer, EMPTY, from, of, switchMap, type Observable } from 'rxjs';
import { InvalidArgumentError, type Data, type ZooKeeperClient } from '../../index';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import type { OutcomeUnknownError } from '../errors';
import { createPersistent, readOrNull } from '../kernel/znodes';
import { compareAndWrite } from './compare-and-write';

/** A SharedValue's bytes with the node's dataVersion, for `trySet` (Curator's VersionedValue<byte[]>). */
export interface VersionedValue {
  /** The node's data (a copy). */
  value: Buffer;
  /** The node's dataVersion when the value was read: pass it to `trySet` (negative after 2^31 - 1 sets). */
  version: number;
}

/** Checks a dataVersion argument as a JavaScript caller may give it: a signed 32-bit integer. */
export function checkVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -0x80000000 || version > 0x7fffffff) {
    throw new InvalidArgumentError(`version must be a signed 32-bit integer, not ${String(version)}`);
  }
  return version;
}

/**
 * Curator's SharedValue: bytes in one persistent node (under container parents), created with `seed` when missing
 * (Curator's `start()`: an existing node is kept), that every participant reads and sets; `trySet` sets it only if
 * no one has since the version read. The node holds the bytes as they are, so a Java service with Curator's
 * SharedValue on the same path shares them.
 *
 * @example
 * const config = new SharedValue(zk, '/shared/config', JSON.stringify({ mode: 'normal' }));
 * config.value$().subscribe(({ value }) => apply(JSON.parse(value.toString())));
 * const { value, version } = await config.value();
 * if (!(await config.trySet(JSON.stringify({ ...JSON.parse(value.toString()), mode: 'drain' }), version))) {
 *   console.log('someone else changed it first');
 * }
 */
export class SharedValue {
  private readonly path: string;
  private readonly seed: Buffer;

  /**
   * Throws InvalidPathError for a bad path and InvalidArgumentError for a seed that is not bytes or a string;
   * nothing is sent until a method is called.
   *
   * @example
   * const flags = new SharedValue(zk, '/shared/flags', '{}');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    seed: Data,
  ) {
    checkClient(zk, 'SharedValue');
    this.path = recipePath(path);
    this.seed = Buffer.from(toBuffer(seed, 'SharedValue seed'));
  }

  /**
   * The value and its version now, then after each change (Curator's SharedValueListener), on one data watch
   * re-armed across reconnects and expiries. The node is created with the seed first if it is missing, and again if
   * it is deleted while followed. Completes when the client closes.
   *
   * @example
   * shared.value$().subscribe(({ value, version }) => console.log(`v${version}: ${value.toString()}`));
   */
  value$(): Observable<VersionedValue> {
    return defer(() => this.ensureSeeded()).pipe(
      switchMap(() => this.zk.watchData$(this.path)),
      concatMap((node) =>
        node === null ? from(this.ensureSeeded()).pipe(concatMap(() => EMPTY)) : of({ value: Buffer.from(node.data), version: node.stat.version }),
      ),
    );
  }

  /**
   * The value and its version now (the node created with the seed first if missing).
   *
   * @example
   * const { value, version } = await shared.value();
   */
  async value(): Promise<VersionedValue> {
    for (;;) {
      const node = await readOrNull(this.zk, this.path);
      if (node !== null) return { value: node.data, version: node.stat.version };
      await this.ensureSeeded();
    }
  }

  /**
   * Sets the value if the node is still at `version` (the one `value$()` or `value()` gave): true when set, false
   * when someone else set it since (BadVersion), as Curator's `trySetValue`. A missing node is first created with the
   * seed. Rejects with InvalidArgumentError for a value that is not bytes or a string, or a version that is not a
   * signed 32-bit integer.
   *
   * `true` means this call's set was applied: a set whose reply was lost is confirmed only by its receipt (an
   * ephemeral child of the node, made in the same transaction and deleted right after), never because the node
   * holds `value` one version on (another client may have set the same bytes). When the session ended before the
   * receipt could be read it rejects with {@link OutcomeUnknownError}: the set happened or not.
   *
   * @example
   * const { value, version } = await shared.value();
   * const won = await shared.trySet(Buffer.concat([value, Buffer.from('!')]), version);
   */
  async trySet(value: Data, version: number): Promise<boolean> {
    const data = toBuffer(value, 'SharedValue value');
    checkVersion(version);
    for (;;) {
      const outcome = await compareAndWrite(this.zk, this.path, data, version);
      if (outcome !== 'MISSING') return outcome === 'APPLIED';
      await this.ensureSeeded();
    }
  }

  /**
   * Sets the value whatever it is (Curator's `setValue`); a missing node is created with it. Goes on across dropped
   * connections and expiries; a set whose reply was lost is confirmed by its receipt, or sent again when the receipt
   * proves it was not applied — never sent twice blindly, which could undo another client's later set. When the
   * session ended before the receipt could be read it rejects with {@link OutcomeUnknownError}.
   *
   * @example
   * await shared.set('{"mode":"normal"}');
   */
  async set(value: Data): Promise<void> {
    const data = toBuffer(value, 'SharedValue value');
    for (;;) {
      if ((await compareAndWrite(this.zk, this.path, data, -1)) === 'APPLIED') return;
      // Missing: create it with the value (someone else may create it first: then set it again).
      if ((await compareAndWrite(this.zk, this.path, data, null)) === 'APPLIED') return;
    }
  }

  /** Creates the node with the seed unless it exists (Curator's SharedValue.start); idempotent, retried. */
  private ensureSeeded(): Promise<void> {
    return createPersistent(this.zk, this.path, this.seed);
  }
}
