// Experiment (issue 14): how a NIO server's throughput for one connection's pipelined getData depends on how
// the client writes them: all in one write, in chunks, or with a bounded number outstanding.
import { connect, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { createClient } from '../src';
import { startZooKeeper } from '../src/testing';

function frame(body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b.writeInt32BE(body.length, 0);
  body.copy(b, 4);
  return b;
}
function getData(xid: number, path: string): Buffer {
  const p = Buffer.from(path);
  const body = Buffer.alloc(4 + 4 + 4 + p.length + 1);
  body.writeInt32BE(xid, 0);
  body.writeInt32BE(4, 4);
  body.writeInt32BE(p.length, 8);
  p.copy(body, 12);
  return frame(body);
}

async function session(port: number): Promise<{ socket: Socket; onFrame: (cb: () => void) => void }> {
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
  });
  let cb: () => void = () => undefined;
  let skip = 0;
  const header = Buffer.alloc(4);
  let filled = 0;
  socket.on('data', (chunk: Buffer) => {
    let pos = 0;
    while (pos < chunk.length) {
      if (skip > 0) {
        const t = Math.min(skip, chunk.length - pos);
        pos += t;
        skip -= t;
        if (skip === 0) cb();
        continue;
      }
      header[filled++] = chunk[pos++];
      if (filled < 4) continue;
      filled = 0;
      skip = header.readInt32BE(0);
      if (skip === 0) cb();
    }
  });
  const hs = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  hs.writeInt32BE(10000, 12);
  hs.writeInt32BE(16, 24);
  await new Promise<void>((resolve) => {
    cb = resolve;
    socket.write(frame(hs));
  });
  return { socket, onFrame: (f) => (cb = f) };
}

async function run(port: number, n: number, chunk: number, window: number): Promise<number> {
  const s = await session(port);
  const reqs = Array.from({ length: n }, (_, i) => getData(i + 1, `/exp/n${i % 100}`));
  const chunks: Buffer[] = [];
  for (let i = 0; i < n; i += chunk) chunks.push(Buffer.concat(reqs.slice(i, i + chunk)));
  const t = process.hrtime.bigint();
  let got = 0;
  let sent = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < chunks.length && sent - got < window) {
        s.socket.write(chunks[next++]);
        sent += chunk;
      }
    };
    s.onFrame(() => {
      got++;
      if (got === n) resolve();
      else pump();
    });
    pump();
  });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  s.socket.destroy();
  return Math.round(n / secs);
}

async function main(): Promise<void> {
  const factory = (process.argv[2] ?? 'nio') as 'nio' | 'netty';
  const server = await startZooKeeper({ connectionFactory: factory, jvmFlags: ['-Xms512m', '-Xmx2g', '-XX:TieredStopAtLevel=4'] });
  const zk = createClient({ hosts: server.connectString });
  await zk.start();
  await firstValueFrom(zk.create('/exp', ''));
  for (let i = 0; i < 100; i++) await firstValueFrom(zk.create(`/exp/n${i}`, Buffer.alloc(100)));
  const port = Number(server.connectString.split(':')[1]);
  const n = 20000;
  const cases: [string, number, number][] = [
    ['one write', n, Infinity],
    ['chunks of 100, window 1000', 100, 1000],
    ['chunks of 1, all at once', 1, Infinity],
    ['chunks of 500, window 1000', 500, 1000],
  ];
  for (let round = 0; round < 8; round++) {
    for (const [name, chunk, window] of cases) {
      await run(port, 2000, chunk, window);
      const ops = await run(port, n, chunk, window);
      console.log(`${factory} round ${round} ${name.padEnd(30)} ${ops} ops/s`);
    }
  }
  await zk.close();
  await server.stop();
}
void main();
