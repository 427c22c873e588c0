import { distinctUntilChanged, filter, map, type Subscription } from 'rxjs';
import { CONFIG_NODE } from '../common/path';
import { isConnected } from '../session/connection-state';
import type { SessionManager } from '../session/session-manager';
import type { WatchedEvent } from '../session/watched-event';
import { ensembleEndpoints } from './ensemble-config';
import { GET_DATA } from './operations/read-operations';
import { RequestObservable } from './request-observable';

/**
 * `followEnsemble`: the host list follows the ensemble's dynamic configuration, as Curator's EnsembleTracker does.
 * On every new connection, and whenever its watch says the node changed, `/zookeeper/config` is read with a data
 * watch; the members' client addresses (ensemble-config.ts) become the host list through `updateHosts`, which
 * keeps the session and rebalances. A read that fails (the connection dropped, a server without the node) is left:
 * the next connection reads again.
 *
 * @example
 * new EnsembleFollower(sessionManager, false); // from the client's constructor, with followEnsemble: true
 */
export class EnsembleFollower {
  /** The read in flight, if any: a newer one replaces it. */
  private reading: Subscription | null = null;

  constructor(
    private readonly session: SessionManager,
    /** Follow the secure client addresses (the client uses TLS). */
    private readonly secure: boolean,
  ) {
    // For the client's life, as its shared watches: the client may be started again after close().
    session.state$
      .pipe(
        map(isConnected),
        distinctUntilChanged(),
        filter((up) => up),
      )
      .subscribe(() => this.read());
  }

  /** One watcher for every read: the registry keeps it once, however many reads set it. */
  private readonly onEvent = (event: WatchedEvent): void => {
    if (event.type === 'NodeDataChanged' || event.type === 'NodeCreated') this.read();
  };

  private read(): void {
    this.reading?.unsubscribe();
    this.reading = new RequestObservable(this.session, GET_DATA, { path: CONFIG_NODE, watch: true }, CONFIG_NODE, {
      kind: 'data',
      path: CONFIG_NODE,
      watcher: this.onEvent,
    }).subscribe({
      next: ({ data }) => this.apply(data.toString('utf8')),
      error: () => undefined,
    });
  }

  private apply(config: string): void {
    const endpoints = ensembleEndpoints(config, this.secure);
    if (endpoints.length === 0) return;
    this.session.updateHosts(endpoints);
  }
}
