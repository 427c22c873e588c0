// A node that exists while held, re-created after an expiry or a deletion by others (Curator's PersistentNode).
export { PersistentNode } from './persistent-node';
export type { PersistentNodeOptions } from './options';
// Curator's PersistentTtlNode: a container kept alive by a TTL `touch` child while held, expiring by itself after.
export { PersistentTtlNode } from './persistent-ttl-node';
