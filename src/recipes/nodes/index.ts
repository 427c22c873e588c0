// A node that exists while held, re-created after an expiry or a deletion by others (Curator's PersistentNode).
export { PersistentNode } from './persistent-node';
export type { PersistentNodeOptions } from './options';
