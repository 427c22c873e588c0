// The writer of workload (e), in a process of its own (forked by run.ts), so
// that making the changes costs the followers' process nothing. It uses rxzk,
// the same for every client measured.
//
// Messages (process IPC): { cmd: 'connect', hosts } → { ok }, { cmd: 'write',
// paths, value (base64) } → { ok, t0 (ns, CLOCK_MONOTONIC, as a string) } once
// every set is acknowledged, { cmd: 'close' } → { ok } and exit.
// First: how src/ is compiled (see compile-hook.ts).
import './compile-hook';
import { createClient, type ZooKeeperClient } from '../src';

let zk: ZooKeeperClient | null = null;

type Message = { cmd: 'connect'; hosts: string } | { cmd: 'write'; paths: string[]; value: string } | { cmd: 'close' };

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && 'cmd' in m && typeof m.cmd === 'string';
}

function reply(message: Record<string, unknown>): void {
  process.send?.(message);
}

function write(client: ZooKeeperClient, paths: string[], value: Buffer): Promise<bigint> {
  return new Promise<bigint>((resolve, reject) => {
    let left = paths.length;
    const t0 = process.hrtime.bigint();
    for (const path of paths) {
      client.set(path, value).subscribe({
        next: () => {
          if (--left === 0) resolve(t0);
        },
        error: (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
      });
    }
  });
}

process.on('message', (m: unknown) => {
  if (!isMessage(m)) return;
  void (async () => {
    try {
      switch (m.cmd) {
        case 'connect':
          zk = createClient({ hosts: m.hosts });
          await zk.start();
          reply({ ok: true });
          return;
        case 'write': {
          if (zk === null) throw new Error('not connected');
          const t0 = await write(zk, m.paths, Buffer.from(m.value, 'base64'));
          reply({ ok: true, t0: t0.toString() });
          return;
        }
        case 'close':
          await zk?.close();
          reply({ ok: true });
          process.disconnect?.();
          return;
      }
    } catch (err) {
      reply({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
