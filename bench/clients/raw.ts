// The ceiling: one socket, the handshake, then requests pre-encoded before the
// clock starts, written back to back; replies are only counted (their length
// prefixes walked), never decoded. What the server and loopback can give a
// single connection, with as little client work as there can be.
import { connect, type Socket } from 'node:net';
import type { Driver, RunContext } from '../driver';
import { ns, withTimeout } from '../driver';
import { percentile } from '../stats';
import type { Metrics, WorkloadId } from '../workloads';

const OP_CREATE = 1;
const OP_GET_DATA = 4;
const OP_CLOSE_SESSION = -11;
const PERMS_ALL = 31;

/** Big-endian jute encoding into a growing array of bytes; only used before the clock starts. */
class Encoder {
  private buf = Buffer.alloc(1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  long(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  bytes(b: Buffer): this {
    this.int(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  /** Wraps what `body` writes in a 4-byte length prefix. */
  frame(body: (e: this) => void): this {
    const start = this.pos;
    this.int(0);
    body(this);
    this.buf.writeInt32BE(this.pos - start - 4, start);
    return this;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** One session on a plain socket; counts reply frames. */
class RawSession {
  private socket!: Socket;
  private header = Buffer.alloc(4);
  private headerFilled = 0;
  /** Bytes of the current frame body still to skip. */
  private skip = 0;
  /** Called once per complete reply frame. */
  onFrame: () => void = () => undefined;
  private xid = 0;

  async open(hosts: string): Promise<void> {
    const first = hosts.split(',')[0];
    const colon = first.lastIndexOf(':');
    const host = first.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(first.slice(colon + 1).split('/')[0]);
    this.socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port, noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.count(chunk));
    // Handshake: ConnectRequest (protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly).
    const handshake = new Encoder()
      .frame((e) => e.int(0).long(0n).int(10_000).long(0n).bytes(Buffer.alloc(16)).bool(false))
      .take();
    await new Promise<void>((resolve) => {
      this.onFrame = resolve;
      this.socket.write(handshake);
    });
  }

  /** Walks length prefixes across chunks, calling onFrame per frame. */
  private count(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, end - pos);
        pos += take;
        this.skip -= take;
        if (this.skip === 0) this.onFrame();
        continue;
      }
      if (this.headerFilled === 0 && end - pos >= 4) {
        this.skip = chunk.readInt32BE(pos);
        pos += 4;
      } else {
        this.header[this.headerFilled++] = chunk[pos++];
        if (this.headerFilled < 4) continue;
        this.headerFilled = 0;
        this.skip = this.header.readInt32BE(0);
      }
      if (this.skip === 0) this.onFrame();
    }
  }

  nextXid(): number {
    return ++this.xid;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** closeSession, then the socket. */
  async close(): Promise<void> {
    const xid = this.nextXid();
    const bytes = new Encoder().frame((e) => e.int(xid).int(OP_CLOSE_SESSION)).take();
    await withTimeout(
      new Promise<void>((resolve) => {
        this.onFrame = resolve;
        this.socket.write(bytes);
      }),
      2_000,
      'raw closeSession',
    ).catch(() => undefined);
    this.socket.destroy();
  }
}

function encodeGets(session: RawSession, paths: readonly string[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const xid = session.nextXid();
    out.push(new Encoder().frame((e) => e.int(xid).int(OP_GET_DATA).string(paths[i % paths.length]).bool(false)).take());
  }
  return out;
}

async function getPipelined(session: RawSession, ctx: RunContext): Promise<Metrics> {
  const n = ctx.params.getCount;
  const all = Buffer.concat(encodeGets(session, ctx.fixtures.getPaths, n));
  return new Promise<Metrics>((resolve) => {
    let left = n;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    session.onFrame = () => {
      if (--left > 0) return;
      const t1 = process.hrtime.bigint();
      const cpu = process.cpuUsage(cpu0);
      resolve({ opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n });
    };
    session.write(all);
  });
}

async function getSequential(session: RawSession, ctx: RunContext): Promise<Metrics> {
  const n = ctx.params.seqCount;
  const requests = encodeGets(session, ctx.fixtures.getPaths, n);
  const latencies = new Float64Array(n);
  return new Promise<Metrics>((resolve) => {
    let i = 0;
    let t = 0n;
    session.onFrame = () => {
      latencies[i] = ns(t, process.hrtime.bigint()) / 1e3;
      if (++i < n) issue();
      else resolve({ p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99) });
    };
    const issue = () => {
      t = process.hrtime.bigint();
      session.write(requests[i]);
    };
    issue();
  });
}

async function createPipelined(session: RawSession, ctx: RunContext): Promise<Metrics> {
  const { createCount: n, createSize } = ctx.params;
  const data = Buffer.alloc(createSize, 0x63);
  const e = new Encoder();
  for (let i = 0; i < n; i++) {
    const xid = session.nextXid();
    // CreateRequest: path, data, acl vector (world:anyone, ALL), flags.
    e.frame((f) =>
      f.int(xid).int(OP_CREATE).string(`${ctx.createParent}/n${i}`).bytes(data).int(1).int(PERMS_ALL).string('world').string('anyone').int(0),
    );
  }
  const all = e.take();
  return new Promise<Metrics>((resolve) => {
    let left = n;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    session.onFrame = () => {
      if (--left > 0) return;
      const t1 = process.hrtime.bigint();
      const cpu = process.cpuUsage(cpu0);
      resolve({ opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n });
    };
    session.write(all);
  });
}

async function runWorkload(workload: WorkloadId, ctx: RunContext): Promise<Metrics> {
  const session = new RawSession();
  await session.open(ctx.hosts);
  try {
    switch (workload) {
      case 'a':
        return await getPipelined(session, ctx);
      case 'b':
        return await getSequential(session, ctx);
      case 'c':
        return await createPipelined(session, ctx);
      default:
        throw new Error(`the raw ceiling has no workload ${workload}`);
    }
  } finally {
    await session.close();
  }
}

export function rawDriver(): Driver {
  return {
    name: 'raw',
    version: `node ${process.versions.node} net.Socket`,
    run: (workload, ctx) => withTimeout(runWorkload(workload, ctx), 120_000, `raw ${workload}`),
    dispose: async () => undefined,
  };
}
