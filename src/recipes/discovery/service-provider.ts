import { ReplaySubject, firstValueFrom, share, type Observable, type Subscription } from 'rxjs';
import { optionsObject } from '../kernel/arguments';
import { abortable, checkWaitOptions, within, type WaitOptions } from '../kernel/wait';
import { DownInstances, checkDownPolicy, downKey, type DownInstancePolicy } from './down-instances';
import type { ServiceInstance } from './service-instance';
import { strategyFor, type ProviderStrategyName, type Strategy } from './strategies';
import { InvalidArgumentError } from '../../index';

/**
 * Options of `provider()`: Curator's ServiceProviderBuilder's
 * providerStrategy, downInstancePolicy and additionalFilter.
 *
 * @example
 * const provider = sd.provider('billing', { strategy: 'random', downInstancePolicy: { timeoutMs: 5_000 } });
 * const inZone = sd.provider('billing', { filter: (i) => (i.payload as { zone?: string } | null)?.zone === 'eu-1' });
 */
export interface ServiceProviderOptions {
  /** How to pick among the usable instances (default `'round-robin'`). */
  strategy?: ProviderStrategyName;
  /** When a failing instance is skipped (default: noted twice within 30 s, skipped for 30 s). */
  downInstancePolicy?: DownInstancePolicy;
  /**
   * Which instances may be handed out (Curator's InstanceFilter, given to ServiceProviderBuilder.additionalFilter):
   * false leaves the instance out of `next()` and `instances()`. Asked of each instance of the current list on each
   * call, before the down-instance policy and the enabled flag, and before the strategy picks (as Curator's
   * FilteredInstanceProvider); what it throws rejects that call.
   */
  filter?: (instance: ServiceInstance) => boolean;
}

/** The keys of {@link ServiceProviderOptions}. */
const PROVIDER_OPTIONS: Record<keyof ServiceProviderOptions, true> = { strategy: true, downInstancePolicy: true, filter: true };

/**
 * Hands out instances of one service (Curator's ServiceProvider): from a
 * cache of the service's instances that follows every change (Curator's
 * ServiceCache), instances the filter refuses, instances noted down and
 * disabled instances left out, one picked by the strategy. The cache starts with the first `next()` and ends
 * with `close()`.
 *
 * @example
 * const provider = sd.provider('billing');
 * const instance = await provider.next();
 * try {
 *   if (instance) await callBilling(serviceUri(instance));
 * } catch (err) {
 *   if (instance) provider.noteError(instance);
 * }
 * provider.close();
 */
export class ServiceProvider {
  private readonly strategy: Strategy;
  private readonly down: DownInstances;
  private readonly filter: ((instance: ServiceInstance) => boolean) | null;
  private readonly cached$: Observable<ServiceInstance[]>;
  private keep: Subscription | null = null;

  /**
   * Built by `ServiceDiscovery.provider()`; `onClose` tells the discovery
   * that made it, `now` is the clock of the down-instance policy.
   *
   * @example
   * const provider = new ServiceProvider(sd.instances$('billing'), { strategy: 'random' });
   */
  constructor(
    source: Observable<ServiceInstance[]>,
    opts?: ServiceProviderOptions,
    private readonly hooks: { onClose?: () => void; now?: () => number } = {},
  ) {
    const o = optionsObject(opts, 'provider', PROVIDER_OPTIONS);
    this.strategy = strategyFor(o.strategy);
    this.down = new DownInstances(checkDownPolicy(o.downInstancePolicy), hooks.now);
    if (o.filter !== undefined && typeof o.filter !== 'function') throw new InvalidArgumentError(`provider filter must be a function, not ${typeof o.filter}`);
    this.filter = (o.filter as ((instance: ServiceInstance) => boolean) | undefined) ?? null;
    // The latest list, replayed to each next(); an error or the client's close resets it, so the next call starts afresh.
    this.cached$ = source.pipe(share({ connector: () => new ReplaySubject<ServiceInstance[]>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }));
  }

  /**
   * The next instance to use, or `null` when the service has none usable.
   * The first call waits for the service's list (bounded by `timeout`, with
   * LockTimeoutError, or `signal`); later calls answer from the cache at
   * once, through dropped connections too (the cache catches up on
   * reconnect).
   *
   * @example
   * const instance = await provider.next({ timeout: 5_000 });
   */
  async next(opts?: WaitOptions): Promise<ServiceInstance | null> {
    return this.strategy(await this.usable(opts));
  }

  /**
   * Every usable instance now: accepted by the filter, not noted down and
   * enabled (Curator's getAllInstances).
   *
   * @example
   * console.log((await provider.instances()).map((i) => i.id));
   */
  async instances(opts?: WaitOptions): Promise<ServiceInstance[]> {
    return this.usable(opts);
  }

  /**
   * Notes that a call to `instance` failed: after two errors within 30 s
   * (the DownInstancePolicy), it is skipped for 30 s. An instance is told by
   * its id, address and ports: the members of a DYNAMIC_SEQUENTIAL pool that
   * share one id are each their own.
   *
   * @example
   * provider.noteError(instance);
   */
  noteError(instance: ServiceInstance): void {
    if (typeof instance !== 'object' || instance === null || typeof instance.id !== 'string' || typeof instance.address !== 'string') {
      throw new InvalidArgumentError('noteError needs a ServiceInstance');
    }
    this.down.note(downKey(instance));
  }

  /**
   * Stops following the service (its watches released). A later `next()`
   * starts following it again.
   *
   * @example
   * provider.close();
   */
  close(): void {
    this.keep?.unsubscribe();
    this.keep = null;
    this.hooks.onClose?.();
  }

  private async usable(opts: unknown): Promise<ServiceInstance[]> {
    const wait = checkWaitOptions(opts, 'next');
    if (this.keep === null || this.keep.closed) this.keep = this.cached$.subscribe({ error: () => undefined });
    const list = await within(wait, ({ signal }) => firstValueFrom(this.cached$.pipe(abortable(signal))));
    // Curator's order: the additional filters, then its DownInstanceManager, then ServiceInstance::isEnabled.
    const filter = this.filter;
    return list.filter((i) => (filter === null || Boolean(filter(i))) && !this.down.isDown(downKey(i)) && i.enabled);
  }
}
