import { ZooKeeperClientError } from '../../index';

/**
 * A counter's node holds data that is not a value of the counter's format (another recipe's node, or a
 * counter written in another format: kazoo's text where Curator's 4-byte int was expected). Nothing was
 * written; no retry mends it.
 *
 * @example
 * try {
 *   await counter.add(1);
 * } catch (err) {
 *   if (err instanceof CounterDataError) console.error(`${err.path} is not an int32 counter`);
 * }
 */
export class CounterDataError extends ZooKeeperClientError {
  /** `message` says what the node holds instead; it is prefixed with the path. */
  constructor(
    /** The counter's node. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}
