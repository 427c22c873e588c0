// Decoding and delivery are kept apart (issue 10.11): a malformed reply body is a protocol error, while a
// throw from the caller's code is re-thrown on a later tick and is never taken for bad bytes.
import { ProtocolError } from '../../src/errors/client-errors';
import { JuteDecodeError, JuteReader } from '../../src/jute';
import { SubscriberRequest } from '../../src/session/pending-request';
import type { Operation } from '../../src/session/operation';

const READS_AN_INT: Operation<null, number> = {
  type: 4,
  write: () => undefined,
  read: (r) => r.int(),
};

const owner = { registerWatch: () => undefined };
const ctx = { chroot: '' };

describe('PendingRequest.settle', () => {
  let deferred: (() => void)[];
  let nextTick: jest.SpyInstance;

  beforeEach(() => {
    deferred = [];
    nextTick = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => void deferred.push(fn)) as typeof process.nextTick);
  });
  afterEach(() => nextTick.mockRestore());

  it('throws a decoding error (after failing the request with it): the session treats it as malformed bytes', () => {
    const errors: unknown[] = [];
    const request = new SubscriberRequest(READS_AN_INT, null, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined }, '/a', null);
    expect(() => request.settle(0, new JuteReader(Buffer.alloc(2)), ctx, owner)).toThrow(ProtocolError);
    // The codec's JuteDecodeError reaches the caller as the client's ProtocolError, with the codec's message.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect((errors[0] as ProtocolError).message).toMatch(/truncated record: int needs 4 bytes/);
    expect((errors[0] as ProtocolError).cause).toBeInstanceOf(JuteDecodeError);
    expect(deferred).toHaveLength(0);
  });

  it("does not throw what the caller's code throws on delivery: it is re-thrown on a later tick", () => {
    const bug = new Error('a bug in the subscriber');
    const request = new SubscriberRequest(
      READS_AN_INT,
      null,
      {
        next: () => {
          throw bug;
        },
        error: () => undefined,
        complete: () => undefined,
      },
      '/a',
      null,
    );
    const body = Buffer.alloc(4);
    body.writeInt32BE(7);
    expect(() => request.settle(0, new JuteReader(body), ctx, owner)).not.toThrow();
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]()).toThrow(bug);
  });
});
