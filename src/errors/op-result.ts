import type { Stat } from '../jute/records/data';

// The result of one committed transaction op: a client type (tags 'create' | 'delete' | 'set' | 'check'), not a jute
// record. It lives here, beside RolledBackError whose `results` hold it, the lowest floor that both it and the client see.

/**
 * The outcome of one op of a committed transaction, as `commit()` gives it (and `RolledBackError.results` holds it).
 *
 * @example
 * zk.transaction().create('/q/item-', 'x', { sequential: true }).commit().subscribe(([result]) => {
 *   if (result.type === 'create') console.log(result.path); // '/q/item-0000000003'
 * });
 */
export type OpResult =
  | {
      /** A create op. */
      type: 'create';
      /** The path created, with its sequence suffix when sequential. */
      path: string;
      /** Only for container and TTL creates: ZooKeeper 3.8 answers a create in a multi with the path alone. */
      stat?: Stat;
    }
  | {
      /** A delete op. */
      type: 'delete';
    }
  | {
      /** A setData op. */
      type: 'set';
      /** The node's Stat after the write. */
      stat: Stat;
    }
  | {
      /** A check op (it changed nothing). */
      type: 'check';
    };
