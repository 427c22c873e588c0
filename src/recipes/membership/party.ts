import { distinctUntilChanged, switchMap, type Observable } from 'rxjs';
import { InvalidArgumentError, joinPath, type ZooKeeperClient } from '../../index';
import { checkClient, defaultIdentifier, optionsObject, recipePath } from '../kernel/arguments';
import { JoinedNode } from '../kernel/joined-node';
import { checkShallowIdentifier, memberName } from './member-names';
import { listMembers, readMembers } from './read-members';

/** Options of a {@link Party}. */
export interface PartyOptions {
  /** Who this member is (default `<hostname>:<pid>`). */
  identifier?: string;
  /** kazoo's ShallowParty layout: the identifier in the node's name (`<uuid>-<identifier>`) rather than its data. */
  shallow?: boolean;
}

/** The keys of {@link PartyOptions}. */
const PARTY_OPTIONS: Record<keyof PartyOptions, true> = { identifier: true, shallow: true };

function checkPartyOptions(opts: unknown): { identifier: string; shallow: boolean } {
  const { identifier, shallow } = optionsObject(opts, 'Party', PARTY_OPTIONS);
  if (identifier !== undefined && typeof identifier !== 'string') throw new InvalidArgumentError('a party identifier must be a string');
  if (shallow !== undefined && typeof shallow !== 'boolean') throw new InvalidArgumentError('shallow must be a boolean');
  const id = identifier ?? defaultIdentifier();
  if (shallow === true) checkShallowIdentifier(id);
  return { identifier: id, shallow: shallow === true };
}

/**
 * Group membership on kazoo's Party layout: each member is an ephemeral
 * `<path>/<uuid4 hex>__party__` holding its identifier, or with
 * `{ shallow: true }` kazoo's ShallowParty `<path>/<uuid4 hex>-<identifier>`
 * (cheaper to list: no read per member). A kazoo 2.8 Party or ShallowParty on
 * the same path sees rxzk's members, and back.
 *
 * Unlike kazoo's (party.py has no connection listener, so an expiry ends the
 * membership for good: linkedin/iris PR#244), a joined member's node is made
 * again by itself on the new session after an expiry, and after someone else
 * deleted it, until {@link Party.leave}.
 *
 * @example
 * const workers = new Party(zk, '/parties/workers', { identifier: 'worker-7' });
 * await workers.join();
 * workers.members$().subscribe((ids) => console.log('workers now:', ids));
 */
export class Party {
  private readonly path: string;
  /** This member's node: one name per Party object, as kazoo's (`self.create_path` made once); a re-join makes it again. */
  private readonly memberPath: string;
  private readonly data: Buffer;
  /** The keeper of this member's node while joined (re-made after an expiry or a deletion by someone else). */
  private readonly member: JoinedNode;
  private readonly shallow: boolean;
  /** This member's identifier. */
  readonly identifier: string;

  /**
   * A party at `path`; this member's identifier defaults to `<hostname>:<pid>`, `shallow` writes kazoo's
   * ShallowParty names. Nothing is sent until `join()`.
   *
   * @example
   * const party = new Party(zk, '/parties/workers', { identifier: 'worker-7' });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: PartyOptions,
  ) {
    checkClient(zk, 'Party');
    this.path = recipePath(path);
    const { identifier, shallow } = checkPartyOptions(opts);
    this.identifier = identifier;
    this.shallow = shallow;
    this.memberPath = joinPath(this.path, memberName(shallow, identifier));
    this.data = Buffer.from(identifier, 'utf8');
    // A member of an earlier session the server has not reaped yet is never taken as ours (CURATOR-604): replaced.
    this.member = new JoinedNode(zk, { path: this.memberPath, mode: 'EPHEMERAL', inTheWay: 'replace', watch: true }, () => this.data);
  }

  /** This member's node path (the same across re-creations). */
  get node(): string {
    return this.memberPath;
  }

  /**
   * Joins: resolves once this member's node exists. Idempotent; the node is
   * kept (re-created after an expiry) until {@link Party.leave}.
   *
   * @example
   * await party.join();
   */
  join(): Promise<void> {
    return this.member.join();
  }


  /**
   * Leaves: stops keeping the node and deletes it. Idempotent.
   *
   * @example
   * await party.leave();
   */
  leave(): Promise<void> {
    return this.member.leave();
  }


  /**
   * The identifiers of the members now, sorted (anyone may ask; no need to join).
   *
   * @example
   * const ids = await party.members();
   */
  members(): Promise<string[]> {
    return listMembers(this.zk, this.path, this.shallow);
  }

  /**
   * The members, sorted: now, then after each change of the list. For anyone,
   * on the client's shared children watch; goes on across dropped connections
   * and expiries; completes when the client closes.
   *
   * @example
   * party.members$().subscribe((ids) => rebalance(ids));
   */
  members$(): Observable<string[]> {
    return this.zk.watchChildren$(this.path).pipe(
      switchMap((names) => readMembers(this.zk, this.path, this.shallow, names)),
      distinctUntilChanged((a, b) => a.length === b.length && a.every((id, i) => id === b[i])),
    );
  }
}
