/**
 * Records each operation a workload makes: its invoke, then how it ended (ok, fail, unknown), on the
 * shared clock. What is still pending when the worker finishes is recorded `unfinished` (a hang), and
 * anything that ends after that (the client closing under it) is not recorded.
 */
import type { ErrorInfo, HistoryWriter, OpEvent, OpName } from '../history';

/** The fields of an op event a workload supplies. */
export type OpFields = Pick<OpEvent, 'item' | 'token' | 'node' | 'before' | 'after'>;

/** How an error ends an operation: `fail` when it certainly had no effect, else `unknown`. */
export type Classify = (err: ErrorInfo) => 'fail' | 'unknown';

/** An error that means "nothing happened" for these error names, "maybe" for any other. */
export const failOn =
  (...names: string[]): Classify =>
  (err) =>
    names.includes(err.name) ? 'fail' : 'unknown';

/** Every error means nothing happened (a wait that gives nothing when it fails). */
export const alwaysFails: Classify = () => 'fail';

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err, message: String(err) };
}

export class Ops {
  private nextId = 1;
  private readonly pending = new Map<number, { op: OpName; fields: OpFields }>();
  private finished = false;

  constructor(
    private readonly history: HistoryWriter,
    private readonly onOk: (op: OpName, t: number) => void,
  ) {}

  /** Runs `call` as operation `op`; resolves with its value, or undefined when it failed (never rejects). */
  async run<T>(op: OpName, fields: OpFields, call: () => Promise<T>, classify: Classify, okFields?: (value: T) => OpFields): Promise<T | undefined> {
    const id = this.nextId++;
    this.pending.set(id, { op, fields });
    this.history.record({ kind: 'op', op, id, phase: 'invoke', ...fields });
    try {
      const value = await call();
      if (this.settle(id)) {
        const t = this.history.record({ kind: 'op', op, id, phase: 'ok', ...fields, ...okFields?.(value) });
        this.onOk(op, t);
      }
      return value;
    } catch (err) {
      const error = errorInfo(err);
      if (this.settle(id)) this.history.record({ kind: 'op', op, id, phase: classify(error), ...fields, error });
      return undefined;
    }
  }

  /** Operations in flight now. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Marks what is still pending `unfinished`; later completions are not recorded. Returns how many. */
  finish(): number {
    this.finished = true;
    for (const [id, { op, fields }] of this.pending) this.history.record({ kind: 'op', op, id, phase: 'unfinished', ...fields });
    const n = this.pending.size;
    this.pending.clear();
    return n;
  }

  private settle(id: number): boolean {
    return this.pending.delete(id) && !this.finished;
  }
}
