// Helpers shared by the NestJS specs.
import * as net from 'node:net';

/** 'host:port' where nothing listens (a port bound and released): a client there is refused until its connectTimeout. */
export async function refusedAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
