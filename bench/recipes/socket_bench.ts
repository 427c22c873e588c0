/**
 * The floor under every Node client's lock cycle: the same requests as rxzk's uncontended Lock (a protected
 * EPHEMERAL_SEQUENTIAL create with the list pipelined behind it in one write, then the delete), written by hand on a
 * bare `net.Socket` — ZooKeeper's wire format encoded inline, no session handling, no retries, no watches, no
 * library. What it cannot beat is what Node itself costs (its streams, two write syscalls, its JIT warming up) on
 * this machine beside this server; the lock-cycle row shows it as `socket`, so that rxzk's distance to that floor is
 * read off the same run as its distance to Curator and kazoo.
 *
 *   node --import tsx bench/recipes/socket_bench.ts host:port lock-cycle '{"path":"/x","cycles":1000,"warmup":100,"steadyWarmup":3000}'
 */
import { randomUUID } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { programArgs, runWorkload } from './program';

const { connect: connectString, workload, num, str } = programArgs();

// ZooKeeper's opcodes (ZooDefs.OpCode) and create flags (CreateMode) this cycle uses.
const OP_CREATE = 1;
const OP_DELETE = 2;
const OP_GET_CHILDREN = 8;
const OP_CREATE2 = 15;
const EPHEMERAL_SEQUENTIAL = 3;

/** Jute's encodings, by hand. */
function int(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n);
  return b;
}
function ustring(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int(bytes.length), bytes]);
}
/** OPEN_ACL_UNSAFE: one ACL, perms ALL (31), world:anyone. */
const OPEN_ACL = Buffer.concat([int(1), int(31), ustring('world'), ustring('anyone')]);

/** One socket, requests answered in order (a session's replies come in the order of its requests). */
class Wire {
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private xid = 1;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4) {
        const length = this.pending.readInt32BE(0);
        if (this.pending.length < 4 + length) break;
        const frame = this.pending.subarray(4, 4 + length);
        this.pending = this.pending.subarray(4 + length);
        this.waiting.shift()?.(frame);
      }
    });
  }

  /** A request's frame, and its reply once it comes; sent by {@link send}. */
  request(op: number, body: Buffer[]): { frame: Buffer; reply: Promise<Buffer> } {
    const payload = Buffer.concat([int(this.xid++), int(op), ...body]);
    const reply = new Promise<Buffer>((resolve) => this.waiting.push(resolve));
    return { frame: Buffer.concat([int(payload.length), payload]), reply };
  }

  send(...frames: Buffer[]): void {
    this.socket.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  /** The reply header's err (ReplyHeader: xid int, zxid long, err int). */
  static err(frame: Buffer): number {
    return frame.readInt32BE(12);
  }
}

async function open(): Promise<{ wire: Wire; socket: Socket }> {
  const [host, port] = connectString.split(',')[0].split(':');
  const socket = tcpConnect(Number(port), host);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  // ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 bytes), readOnly; its reply is
  // the first frame.
  const hello = Buffer.concat([int(0), Buffer.alloc(8), int(30_000), Buffer.alloc(8), int(16), Buffer.alloc(16), Buffer.from([0])]);
  const first = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write(Buffer.concat([int(hello.length), hello]));
  await first;
  return { wire: new Wire(socket), socket };
}

async function lockCycle(): Promise<Record<string, unknown>> {
  const { wire, socket } = await open();
  const parent = str('path');
  {
    const { frame, reply } = wire.request(OP_CREATE, [ustring(parent), int(-1), OPEN_ACL, int(0)]);
    wire.send(frame);
    if (Wire.err(await reply) !== 0) throw new Error(`create ${parent} failed`);
  }
  const data = Buffer.from('id');
  const cycle = async (): Promise<void> => {
    const create = wire.request(OP_CREATE2, [ustring(`${parent}/_c_${randomUUID()}-lock-`), int(data.length), data, OPEN_ACL, int(EPHEMERAL_SEQUENTIAL)]);
    const list = wire.request(OP_GET_CHILDREN, [ustring(parent), Buffer.from([0])]);
    wire.send(create.frame, list.frame);
    const created = await create.reply;
    const children = await list.reply;
    if (Wire.err(created) !== 0 || Wire.err(children) !== 0) throw new Error('create or list failed');
    // Create2Response: path, stat. GetChildrenResponse: a vector of names. Held when ours has the lowest counter.
    const pathLength = created.readInt32BE(16);
    const path = created.toString('utf8', 20, 20 + pathLength);
    const own = Number(path.slice(-10));
    for (let i = 0, at = 20, count = children.readInt32BE(16); i < count; i++) {
      const length = children.readInt32BE(at);
      const name = children.toString('utf8', at + 4, at + 4 + length);
      at += 4 + length;
      if (Number(name.slice(-10)) < own) throw new Error(`not uncontended: ${name} is ahead`);
    }
    const del = wire.request(OP_DELETE, [ustring(path), int(-1)]);
    wire.send(del.frame);
    if (Wire.err(await del.reply) !== 0) throw new Error(`delete ${path} failed`);
  };
  const n = num('cycles');
  const timed = async (): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await cycle();
    return performance.now() - t0;
  };
  for (let i = 0; i < num('warmup'); i++) await cycle();
  const elapsed = await timed();
  for (let i = 0; i < num('steadyWarmup'); i++) await cycle();
  const steady = await timed();
  socket.destroy();
  return { opsPerSec: (n * 1000) / elapsed, ms: elapsed, steadyOpsPerSec: (n * 1000) / steady };
}

// The lock cycle only: the floor of the one workload whose client cost decides the comparison.
runWorkload({ 'lock-cycle': lockCycle }, workload);
