/**
 * Bytes that do not decode as the jute record expected: a length or count that
 * cannot fit the bytes left, a record cut short, a tag no record has.
 *
 * The codec's own error, so that `jute/` stands on nothing above it (as
 * pg-protocol's parser throws its own errors). Whoever reads frames from a
 * server turns it into the client's `ProtocolError` (session/malformed-reply.ts).
 */
export class JuteDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JuteDecodeError';
  }
}
