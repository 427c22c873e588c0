import { ProtocolError } from '../errors/client-errors';

/**
 * The client's error for a reply frame that could not be decoded: the codec's
 * JuteDecodeError (or whatever a reply decoder threw) as a `ProtocolError`,
 * with the same message and the original as its `cause`. Made where frames are
 * read (handshake, reply correlation, a request's reply body), so the codec
 * below knows nothing of the client's errors.
 */
export function malformedReply(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  return new ProtocolError(err instanceof Error ? err.message : String(err), { cause: err });
}
