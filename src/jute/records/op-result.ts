import type { Stat } from './data';

/** The outcome of one op of a committed transaction, as `commit()` gives it (and `RolledBackError.results` holds it). */
export type OpResult =
  /** `stat` only for container and TTL creates: ZooKeeper 3.8 answers a create in a multi with the path alone. */
  | { type: 'create'; path: string; stat?: Stat }
  | { type: 'delete' }
  | { type: 'set'; stat: Stat }
  | { type: 'check' };
