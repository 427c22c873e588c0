// A deliberately small ZooKeeper handshake for the harness's own specs: it
// must not depend on the client under test.
import * as net from 'node:net';
import { JuteReader, JuteWriter, readConnectResponse, writeConnectRequest, type ConnectResponse } from '../../src/jute';

export interface RawSession {
  response: ConnectResponse;
  socket: net.Socket;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
}

/** Opens a connection and performs the handshake (a new session, or resuming `sessionId`). */
export function connectRaw(
  address: string,
  opts: { sessionId?: bigint; password?: Buffer; timeOut?: number; readOnly?: boolean } = {},
): Promise<RawSession> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no ConnectResponse'));
    }, 5000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => {
      const w = new JuteWriter(128);
      const start = w.beginFrame();
      writeConnectRequest(w, {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeOut: opts.timeOut ?? 10000,
        sessionId: opts.sessionId ?? 0n,
        passwd: opts.password ?? Buffer.alloc(16),
        readOnly: opts.readOnly ?? false,
      });
      w.endFrame(start);
      socket.write(w.take());
    });
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const response = readConnectResponse(new JuteReader().reset(buf, 4, 4 + buf.readInt32BE(0)));
      resolve({ response, socket, closed });
    };
    socket.on('data', onData);
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed before the ConnectResponse'));
    });
  });
}
