import { RequestTooLargeError } from '../errors/client-errors';
import { writeRequestHeaderFields } from '../jute/records/session';
import type { JuteWriter } from '../jute/writer';

/**
 * Writes one request frame into a connection's writer: the length prefix, the
 * request header (jute `RequestHeader`: xid, op type), the body. The one place
 * a request header is written — numbered requests, SASL tokens, closeSession,
 * auth packets (xid -4), pings (xid -2), SetWatches (xid -8); only the
 * handshake's ConnectRequest, which has no header, is framed apart.
 *
 * A body that throws, or a frame longer than `maxLength`
 * (RequestTooLargeError), leaves nothing behind in the writer and throws.
 *
 * @returns the frame's length (without its 4-byte prefix)
 */
export function writeRequestFrame<T>(
  w: JuteWriter,
  xid: number,
  type: number,
  writeBody: (w: JuteWriter, body: T) => void,
  body: T,
  maxLength = Infinity,
): number {
  const start = w.beginFrame();
  writeRequestHeaderFields(w, xid, type);
  try {
    writeBody(w, body);
  } catch (err) {
    w.truncate(start);
    throw err;
  }
  const length = w.endFrame(start);
  if (length > maxLength) {
    w.truncate(start);
    throw new RequestTooLargeError(length, maxLength);
  }
  return length;
}
