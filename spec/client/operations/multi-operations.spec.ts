// A transaction's failure as the server tells it (a multi's reply header says 0; its results carry the codes), on a
// scripted server: a real one answers an op of a closing session with SESSIONEXPIRED only in the instant between
// the session's expiry and its connection's close, which no test can aim at (the fault suite met it: issue 20).
import { firstValueFrom } from 'rxjs';
import { createClient, RolledBackError, SessionExpiredError, NodeExistsError, type ZooKeeperClient } from '../../../src';
import { FakeZooKeeper } from '../../support/fake-zookeeper';
import { ErrorCode, OpCode, type JuteWriter } from '../../jute/codec';

const fakes: FakeZooKeeper[] = [];
const clients: ZooKeeperClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((zk) => zk.close()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

/** A multi response whose op `failed` has `err`, the ops after it RUNTIMEINCONSISTENCY, the ones before OK. */
function failedMulti(ops: number, failed: number, err: number): (w: JuteWriter) => void {
  return (w) => {
    for (let i = 0; i < ops; i++) {
      const code = i < failed ? ErrorCode.OK : i === failed ? err : ErrorCode.RUNTIMEINCONSISTENCY;
      // MultiHeader { type: error, done: false, err }, then ErrorResponse { err }.
      w.int(OpCode.error);
      w.bool(false);
      w.int(code);
      w.int(code);
    }
    w.int(-1);
    w.bool(true);
    w.int(-1);
  };
}

async function commitAnswered(err: number): Promise<unknown> {
  const fake = await FakeZooKeeper.start((c) => c.acceptSession());
  fakes.push(fake);
  const zk = createClient({ hosts: fake.address });
  clients.push(zk);
  await zk.start();
  const committed = firstValueFrom(zk.transaction().create('/a', 'x').create('/b', 'y').commit()).catch((e: unknown) => e);
  const conn = await fake.connection(1);
  const [request] = await conn.waitForRequests(1);
  expect(request.type).toBe(OpCode.multi);
  conn.reply(request.xid, 0, failedMulti(2, 0, err));
  return committed;
}

describe('a failed transaction', () => {
  it('errors with RolledBackError naming the op the server refused and its error', async () => {
    const err = await commitAnswered(ErrorCode.NODEEXISTS);
    expect(err).toBeInstanceOf(RolledBackError);
    expect((err as RolledBackError).failedIndex).toBe(0);
    expect((err as RolledBackError).results[0]).toBeInstanceOf(NodeExistsError);
    expect((err as RolledBackError).results[1]).toBeInstanceOf(RolledBackError);
  });

  it('refused for an expired session errors with SessionExpiredError, as any request then does (the Java client’s code)', async () => {
    const err = await commitAnswered(ErrorCode.SESSIONEXPIRED);
    expect(err).toBeInstanceOf(SessionExpiredError);
    expect((err as SessionExpiredError).path).toBe('/a');
    // What the server said per op stays at hand.
    const { cause } = err as SessionExpiredError & { cause: RolledBackError };
    expect(cause).toBeInstanceOf(RolledBackError);
    expect(cause.failedIndex).toBe(0);
    expect(cause.results[0]).toBeInstanceOf(SessionExpiredError);
  });
});
