import fc from 'fast-check';
import { firstValueFrom, toArray, from, catchError, of } from 'rxjs';
import { createClient, ProtocolError, ZooKeeperClientError, ZooKeeperError, type ZooKeeperClient } from '../../src';
import { writeGetDataResponse, writeReplyHeader, JuteWriter, type Stat } from '../jute/codec';
import { frames } from '../../src/transport/frames';
import { FakeZooKeeper, type FakeConnection } from '../support/fake-zookeeper';

// Hostile bytes from the network: random and mutated replies, truncated
// frames, replies out of order. Whatever arrives, the client must never throw
// an uncaught exception, never hang, never allocate a claimed huge length;
// it reports a ProtocolError (or the connection loss it caused), reconnects,
// and serves again.

/** The client's default bound on replies (maxReplySize). */
const MAX_FRAME = 16 * 1024 * 1024;

const stat: Stat = {
  czxid: 5n, mzxid: 6n, ctime: 1, mtime: 2, version: 3, cversion: 0, aversion: 0,
  ephemeralOwner: 0n, dataLength: 4, numChildren: 0, pzxid: 5n,
};

/** A well-formed getData reply frame body (without the length prefix). */
function goodReply(xid: number, data: string): Buffer {
  const w = new JuteWriter();
  writeReplyHeader(w, { xid, zxid: 9n, err: 0 });
  writeGetDataResponse(w, { data: Buffer.from(data), stat });
  return w.take();
}

function prefixed(body: Buffer, claimed = body.length): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(claimed, 0);
  body.copy(out, 4);
  return out;
}

/** What a hostile server sends in place of a reply to the request with `xid`. */
type Hostile =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'mutated'; flips: { at: number; value: number }[] }
  | { kind: 'truncated'; keep: number }
  | { kind: 'huge-length'; claimed: number }
  | { kind: 'wrong-xid'; delta: number };

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({
    kind: fc.constant('mutated' as const),
    flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('huge-length' as const), claimed: fc.oneof(fc.integer({ min: MAX_FRAME + 1, max: 0x7fffffff }), fc.integer({ min: -0x80000000, max: -1 })) }),
  fc.record({ kind: fc.constant('wrong-xid' as const), delta: fc.integer({ min: 1, max: 1000 }) }),
);

function send(conn: FakeConnection, xid: number, h: Hostile): void {
  const good = goodReply(xid, 'data');
  switch (h.kind) {
    case 'random':
      conn.sendRaw(prefixed(Buffer.from(h.bytes)));
      return;
    case 'mutated': {
      const bad = Buffer.from(good);
      for (const f of h.flips) bad[f.at % bad.length] = f.value;
      conn.sendRaw(prefixed(bad));
      return;
    }
    case 'truncated': {
      // A frame cut short, then the connection closes.
      const whole = prefixed(good);
      conn.sendRaw(whole.subarray(0, h.keep % whole.length));
      conn.socket.end();
      return;
    }
    case 'huge-length':
      conn.sendRaw(prefixed(good, h.claimed));
      return;
    case 'wrong-xid':
      conn.sendRaw(prefixed(goodReply(xid + h.delta, 'data')));
      return;
  }
}

describe('hostile bytes', () => {
  it('frames(): any byte stream gives frames then completes, or errors with a ProtocolError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), async (chunks) => {
        const outcome = await firstValueFrom(
          from(chunks.map((c) => Buffer.from(c))).pipe(
            frames(1024),
            toArray(),
            catchError((err: unknown) => of(err)),
          ),
        );
        if (!Array.isArray(outcome)) expect(outcome).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 300 },
    );
  });

  describe('the session, fed by a hostile server', () => {
    let fake: FakeZooKeeper;
    let script: Hostile | null = null;
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);

    beforeAll(async () => {
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      fake = await FakeZooKeeper.start((conn) => {
        conn.acceptSession();
        // The first request of each connection gets the hostile reply (if one is scripted), the rest good ones.
        let first = true;
        const serve = async () => {
          for (let n = 0; !conn.socket.destroyed; n++) {
            const requests = await conn.waitForRequests(n + 1, 60_000).catch(() => null);
            if (requests === null || conn.socket.destroyed) return;
            const r = requests[n];
            if (r.xid < 0) continue; // pings
            if (first && script !== null) {
              first = false;
              const h = script;
              script = null;
              send(conn, r.xid, h);
            } else {
              first = false;
              conn.sendRaw(prefixed(goodReply(r.xid, `ok ${r.xid}`)));
            }
          }
        };
        void serve();
      });
    });

    afterAll(async () => {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
      await fake.stop();
    });

    it('never throws, never hangs, never allocates a claimed length, and serves again', async () => {
      const alloc = jest.spyOn(Buffer, 'allocUnsafe');
      try {
        await fc.assert(
          fc.asyncProperty(hostile, async (h) => {
            const zk: ZooKeeperClient = createClient({ hosts: fake.address, retry: { delay: 5, maxDelay: 20 }, requestTimeout: 5_000 });
            try {
              await zk.start();
              script = h;
              // The hostile reply: whatever it is, the request settles, with a value or a typed error.
              const outcome = await firstValueFrom(zk.get('/victim')).then(
                (v) => v,
                (e: unknown) => e,
              );
              // A mutated error field is a server code: any of rxzk's typed errors is a fair answer, a TypeError is not.
              if (outcome instanceof Error) expect(outcome instanceof ZooKeeperError || outcome instanceof ZooKeeperClientError).toBe(true);
              // And then the client serves again, reconnecting if it had to.
              const after = await firstValueFrom(zk.get('/next'));
              expect(after.data.toString()).toMatch(/^ok \d+$/);
              expect(zk.state).toBe('CONNECTED');
            } finally {
              await zk.close();
            }
          }),
          { numRuns: 150 },
        );
        expect(alloc.mock.calls.filter(([size]) => size > MAX_FRAME + 16)).toEqual([]);
        expect(uncaught).toEqual([]);
      } finally {
        alloc.mockRestore();
      }
    }, 120_000);
  });
});
