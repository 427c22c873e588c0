import type { JuteReader } from '../jute/reader';
import type { JuteWriter } from '../jute/writer';

/** What a reply decoder needs to know of the client (the chroot to strip from returned paths). */
export interface OperationContext {
  readonly chroot: string;
}

/**
 * How one kind of request goes on the wire and how its reply comes back.
 * One static object per op: a request in flight carries only a reference to it
 * and its argument record, never closures of its own.
 */
export interface Operation<Req, Res> {
  /** The op code in the request header. */
  readonly type: number;
  /** Encodes the request body (after the header). */
  write(w: JuteWriter, req: Req): void;
  /** Decodes a successful reply body. */
  read(r: JuteReader, req: Req, ctx: OperationContext): Res;
  /**
   * Turns a non-zero reply code into a value to succeed with (exists answers
   * NoNode with `null`); `undefined`, or no readError, fails the request with
   * the typed error for the code.
   */
  readError?(err: number, r: JuteReader, req: Req, ctx: OperationContext): { value: Res } | undefined;
  /**
   * The error of a reply that says OK and still fails the request, or null: a transaction that rolled back answers
   * OK, its results carrying the codes (so the operation stream records it as failed, as its caller sees it).
   */
  failure?(value: Res, req: Req, ctx: OperationContext): Error | null;
}
