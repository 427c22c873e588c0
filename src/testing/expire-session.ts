import * as net from 'node:net';
import {
  JuteReader,
  JuteWriter,
  OpCode,
  readConnectResponse,
  readReplyHeader,
  writeConnectRequest,
  writeRequestHeader,
} from '../jute';
import { FrameDecoder } from '../transport/frame-decoder';
import { parseAddress } from './address';

/**
 * Anything that holds a ZooKeeper session: an rxzk client, or any object of
 * this shape (this module does not depend on the client's code).
 *
 * @example
 * await zkServer.expireSession(zk); // a ZooKeeperClient is a SessionHolder
 * await zkServer.expireSession({ session: { id: 0x1000abcn, password } }); // a session of another client
 */
export interface SessionHolder {
  /** The session to expire, or `null` while the holder has none (then there is nothing to expire). */
  readonly session: {
    /** The session id. */
    readonly id: bigint;
    /** The session's password (16 bytes). */
    readonly password: Buffer;
    /** The negotiated timeout in ms, when known. */
    readonly timeout?: number;
  } | null;
  /** 'host:port' of the server the holder is connected to, tried first when given. */
  readonly server?: string | null;
}

/** How `expireSession` ended. */
export type ExpireOutcome = 'closed' | 'already-expired';

/** The xid of our closeSession request; any positive number would do on a fresh connection. */
const CLOSE_XID = 1;

/**
 * Ends a session on the server side, as if it had timed out: opens a second
 * connection that resumes the session (ConnectRequest with its id and
 * password), then sends closeSession (RequestHeader xid 1, type -11, empty
 * body) and waits for the answer. The server deletes the session's
 * ephemerals and closes the holder's own connection, which then learns on
 * reconnecting that the session expired. (Curator's KillSession and kazoo's
 * test harness expire sessions the same way.)
 *
 * `addresses` are plain ('host:port') client ports, tried in order until one
 * answers; a server that refuses (e.g. read-only) is skipped. Put the
 * holder's own server first: local sessions (read-only mode) exist only there.
 *
 * @example
 * await expireSession(['127.0.0.1:2181'], { session: { id, password } });
 */
export async function expireSession(
  addresses: readonly string[],
  holder: SessionHolder,
  options: { timeout?: number } = {},
): Promise<ExpireOutcome> {
  const session = holder.session;
  if (session === null) throw new Error('expireSession: the client has no session (not connected yet, or closed)');
  const timeout = options.timeout ?? 10000;
  const errors: string[] = [];
  // Resuming the session on our connection closes the holder's, and the holder
  // may reconnect and take the session back before our closeSession is read:
  // then the session lives on, and we try again.
  for (let round = 0; round < 5; round++) {
    for (const address of addresses) {
      try {
        return await closeSessionVia(address, session.id, session.password, session.timeout ?? 10000, timeout);
      } catch (err) {
        errors.push(`${address}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  throw new Error(`expireSession: could not close session 0x${session.id.toString(16)}: ${errors.join('; ')}`);
}

function closeSessionVia(address: string, id: bigint, password: Buffer, sessionTimeout: number, timeout: number): Promise<ExpireOutcome> {
  const { host, port } = parseAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const reader = new JuteReader();
    let handshaken = false;
    let settled = false;
    const finish = (outcome: ExpireOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeout} ms`)), timeout);

    socket.on('connect', () => {
      // The ConnectRequest and the closeSession in one write: the server reads
      // both before the holder can reconnect and take its session back.
      const w = new JuteWriter(128);
      let start = w.beginFrame();
      writeConnectRequest(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: sessionTimeout, sessionId: id, passwd: password, readOnly: false });
      w.endFrame(start);
      start = w.beginFrame();
      writeRequestHeader(w, { xid: CLOSE_XID, type: OpCode.closeSession });
      w.endFrame(start);
      socket.write(w.take());
    });

    const decoder = new FrameDecoder(1 << 20, (frame) => {
      reader.reset(frame.buffer, frame.start, frame.end);
      if (!handshaken) {
        handshaken = true;
        // timeOut <= 0: the server says the session is gone already.
        if (readConnectResponse(reader).timeOut <= 0) finish('already-expired');
        return;
      }
      const header = readReplyHeader(reader);
      if (header.xid !== CLOSE_XID) return; // not ours (a notification or a ping)
      if (header.err !== 0) finish(new Error(`closeSession failed with error code ${header.err}`));
      else finish('closed');
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });

    socket.on('error', (err) => finish(err));
    socket.on('close', () =>
      finish(new Error(handshaken ? 'the server closed the connection before answering closeSession' : 'the server refused the session (closed the connection)')),
    );
  });
}
