// The jute codec: pure encoding and decoding of ZooKeeper's records. No I/O, no rxjs.
export { JuteReader } from './reader';
export { JuteWriter } from './writer';
export * from './op-codes';
export * from './error-codes';
export * from './records/data';
export * from './records/session';
