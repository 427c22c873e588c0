// The jute codec: pure encoding and decoding of ZooKeeper's records. No I/O, no rxjs.
export { JuteReader } from './reader';
export { JuteWriter } from './writer';
export { JuteDecodeError } from './decode-error';
export * from './op-codes';
export * from './error-codes';
export * from './records/data';
export * from './records/session';
export * from './records/create';
export * from './records/read';
export * from './records/write';
export * from './records/acl';
export * from './records/watches';
export * from './records/sasl';
export * from './records/admin';
export * from './records/multi';
export { readStringVector, writeStringVector, USTRING_MIN_SIZE } from './records/string-vector';
