// Both directions of the jute codec, for specs that play the server too: the client's (src/jute) and the
// server's (./server-codec). Specs that only act as a client import src/jute itself.
export * from '../../src/jute';
export * from './server-codec';
