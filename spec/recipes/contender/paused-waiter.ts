// A Lock waiter in a process of its own, for silence.integration.spec.ts to stall while it waits: it prints one JSON
// line per thing it sees — its session, each connection state, the stall, and the acquire's outcome with what the
// holding says right then. A line `stall <file>` on stdin blocks its event loop from a timer callback until that file
// exists (a long synchronous task: what the server sends meanwhile waits in the socket, and once the task is over the
// event loop reads it before it runs any timer). It exits when its stdin closes.
import * as fs from 'node:fs';
import { createClient } from '../../../src';
import { Lock } from '../../../src/recipes';

const [hosts, path, sessionTimeout] = process.argv.slice(2);
const say = (line: object): void => void process.stdout.write(`${JSON.stringify(line, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);

async function main(): Promise<void> {
  const zk = createClient({ hosts, sessionTimeout: Number(sessionTimeout) });
  zk.state$.subscribe((state) => say({ state, session: zk.session?.id, password: zk.session?.password.toString('hex') }));
  await zk.start();
  const holding = await new Lock(zk, path).acquire({ timeout: 60_000 });
  say({ acquired: holding.node, held: holding.state, session: zk.session?.id });
  process.stdin.on('end', () => void zk.close().then(() => process.exit(0)));
}

/** Blocks the event loop until `file` exists. */
function stallUntil(file: string): void {
  say({ stalled: true });
  while (!fs.existsSync(file)) {
    // stalled
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  const [command, file] = chunk.trim().split(' ');
  // From a timer callback: the timers due meanwhile (the keepalive's) wait for the next turn, after the socket's read.
  if (command === 'stall') setTimeout(() => stallUntil(file), 0);
});

main().catch((err: unknown) => {
  say({ error: String(err) });
  process.exit(1);
});
