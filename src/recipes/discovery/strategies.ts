import { InvalidArgumentError } from '../../index';
import type { ServiceInstance } from './service-instance';

/**
 * How a provider picks among the usable instances (Curator's
 * ProviderStrategy implementations): `'round-robin'` (the default, as
 * Curator's serviceProviderBuilder) takes each in turn; `'random'` any one;
 * `'sticky'` keeps the one it picked while it stays usable, then picks the
 * next in round-robin (Curator's StickyStrategy over a RoundRobinStrategy).
 *
 * @example
 * const provider = sd.provider('billing', { strategy: 'sticky' });
 */
export type ProviderStrategyName = 'round-robin' | 'random' | 'sticky';

/** Picks one of the usable instances, or null when there is none. */
export type Strategy = (instances: readonly ServiceInstance[]) => ServiceInstance | null;

/** A fresh strategy (each keeps its own position, as each Curator provider has its own strategy object). */
export function strategyFor(name: unknown): Strategy {
  switch (name ?? 'round-robin') {
    case 'round-robin':
      return roundRobin();
    case 'random':
      return (instances) => (instances.length === 0 ? null : instances[Math.floor(Math.random() * instances.length)]);
    case 'sticky':
      return sticky(roundRobin());
    default:
      throw new InvalidArgumentError(`strategy must be 'round-robin', 'random' or 'sticky', not ${String(name)}`);
  }
}

/** Curator's RoundRobinStrategy: an index that only grows, modulo the current list's length. */
function roundRobin(): Strategy {
  let index = 0;
  return (instances) => (instances.length === 0 ? null : instances[index++ % instances.length]);
}

/** Curator's StickyStrategy: the instance picked stays while it is in the list (by id), else the master picks again. */
function sticky(master: Strategy): Strategy {
  let ours: string | null = null;
  return (instances) => {
    const kept = ours === null ? undefined : instances.find((i) => i.id === ours);
    if (kept !== undefined) return kept;
    const picked = master(instances);
    ours = picked?.id ?? null;
    return picked;
  };
}
