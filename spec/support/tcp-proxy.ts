// The proxy lives in rxzk/testing (the harness puts one between each client and the server); specs use it directly.
export { TcpProxy } from '../../src/testing/tcp-proxy';
