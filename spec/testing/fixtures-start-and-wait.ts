// Run as a separate Node process by standalone.spec.ts: starts a server,
// reports it, then waits to be killed.
import { startZooKeeper } from '../../src/testing';

void startZooKeeper().then((zkServer) => {
  const [member] = zkServer.members;
  process.stdout.write(`${JSON.stringify({ pid: member.pid, logFile: member.logFile })}\n`);
  setInterval(() => undefined, 1000);
});
