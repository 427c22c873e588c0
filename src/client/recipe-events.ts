import { Subject, type Observable } from 'rxjs';
import { describe } from '../common/arguments';
import { InvalidArgumentError } from '../errors/client-errors';

/**
 * What a recipe spends time on, reported as an activity (a start and an end; issue 22):
 * - `lock-wait`: from an acquire's call until it holds, gives up (timeout, abort) or fails — Lock, the
 *   ReadWriteLock's locks, Semaphore (a lease), LeaderElection (its contender lock);
 * - `lock-hold`: from holding until released or lost;
 * - `leader-wait`: a LeaderLatch (or LeaderElection) participant waiting to lead;
 * - `leadership`: one term, from becoming leader until it ends (given up, lost, suspended);
 * - `queue-take`: a take that waits for an entry (Queue, LockingQueue);
 * - `tree-cache-load`: a TreeCache's initial load, from its start until the whole tree is read.
 *
 * @example
 * const wait = zk.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: '/locks/orders' });
 */
export type RecipeActivityKind = 'lock-wait' | 'lock-hold' | 'leader-wait' | 'leadership' | 'queue-take' | 'tree-cache-load';

/**
 * How a recipe activity ended: `ok` (held, elected, taken, loaded), `released` (a hold or term given up),
 * `lost` (a hold or term lost: session expired, node deleted, connection down too long), `timeout`, `aborted`
 * (an AbortSignal, an unsubscribe, the client closed), `error` (any other failure).
 *
 * @example
 * wait.end('timeout');
 */
export type RecipeOutcome = 'ok' | 'released' | 'lost' | 'timeout' | 'aborted' | 'error';

/**
 * Which activity a recipe starts (see {@link RecipeActivityKind}).
 *
 * @example
 * const info: RecipeActivityInfo = { kind: 'lock-hold', recipe: 'Lock', path: '/locks/orders' };
 */
export interface RecipeActivityInfo {
  /** What the activity is. */
  kind: RecipeActivityKind;
  /** The recipe's class name, e.g. `'Lock'`, `'WriteLock'`, `'Semaphore'`, `'LeaderLatch'`, `'Queue'`, `'TreeCache'`. */
  recipe: string;
  /** The recipe's path (chroot-relative), as given to its constructor. */
  path: string;
}

/**
 * A recipe activity in progress: `end()` reports how it ended, once (later calls do nothing). When nobody listened
 * to `zk.recipeEvents$` as it started, it is a shared object that does nothing.
 *
 * @example
 * const wait = zk.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path });
 * try { await contend(); wait.end('ok'); } catch (e) { wait.end('error', e); throw e; }
 */
export interface RecipeActivity {
  /**
   * Ends the activity.
   *
   * @param outcome how it ended
   * @param error the failure, for `error` (and `lost`, when there is one)
   * @example
   * hold.end('lost', new LockLostError(holding));
   */
  end(outcome: RecipeOutcome, error?: unknown): void;
}

/**
 * What recipes report on `zk.recipeEvents$` (issue 22): activities (`activity-started`, `activity-ended`) and
 * counts (`queue-put`, `queue-take`, `tree-cache-size`). `time` is ms since the epoch
 * (`performance.timeOrigin + performance.now()`). An `activity-started` is emitted synchronously inside the call
 * that started it (the recipe's caller's context is current there); its `activity-ended` has the same `id`.
 *
 * @example
 * zk.recipeEvents$.subscribe((e) => {
 *   if (e.type === 'activity-ended' && e.kind === 'lock-wait') console.log(`waited ${e.duration} ms for ${e.path}: ${e.outcome}`);
 * });
 */
export type RecipeEvent =
  | (RecipeActivityInfo & {
      /** An activity began. */
      type: 'activity-started';
      /** Pairs it with its `activity-ended` (unique within the client). */
      id: number;
      /** When it began (ms since the epoch). */
      time: number;
    })
  | (RecipeActivityInfo & {
      /** An activity ended. */
      type: 'activity-ended';
      /** The `id` of its `activity-started`. */
      id: number;
      /** When it ended (ms since the epoch). */
      time: number;
      /** When it began (ms since the epoch). */
      startTime: number;
      /** ms from start to end, fractional. */
      duration: number;
      /** How it ended. */
      outcome: RecipeOutcome;
      /** The failure, when one was given. */
      error: Error | null;
    })
  | (RecipeCountEvent & {
      /** When it was reported (ms since the epoch). */
      time: number;
    });

/**
 * A count a recipe reports with `zk.reportRecipeEvent` (on `recipeEvents$` the client adds `time`).
 *
 * @example
 * zk.reportRecipeEvent({ type: 'queue-put', recipe: 'Queue', path: '/queues/mail', count: 1 });
 */
export type RecipeCountEvent =
  | {
      /** Entries were put in a queue (a put: 1; a putAll: its count). */
      type: 'queue-put';
      /** The queue's class name (`'Queue'`, `'LockingQueue'`). */
      recipe: string;
      /** The queue's path. */
      path: string;
      /** How many entries. */
      count: number;
    }
  | {
      /** An entry was taken from a queue (consumed, or for a LockingQueue locked for processing). */
      type: 'queue-take';
      /** The queue's class name. */
      recipe: string;
      /** The queue's path. */
      path: string;
    }
  | {
      /** How many nodes a TreeCache holds now (after its initial load, then on every change of the count). */
      type: 'tree-cache-size';
      /** The cache's class name (`'TreeCache'`). */
      recipe: string;
      /** The cache's root path. */
      path: string;
      /** The number of nodes cached, the root included. */
      nodes: number;
    };

const KINDS: ReadonlySet<string> = new Set<RecipeActivityKind>(['lock-wait', 'lock-hold', 'leader-wait', 'leadership', 'queue-take', 'tree-cache-load']);
const OUTCOMES: ReadonlySet<string> = new Set<RecipeOutcome>(['ok', 'released', 'lost', 'timeout', 'aborted', 'error']);
const COUNTS: ReadonlySet<string> = new Set(['queue-put', 'queue-take', 'tree-cache-size']);

/** The activity handed out while nobody listens: nothing is measured or built. */
const UNHEARD: RecipeActivity = Object.freeze({ end: () => undefined });

/** `performance.timeOrigin`, read once (a getter that crosses into the runtime). */
const TIME_ORIGIN = performance.timeOrigin;
const now = (): number => TIME_ORIGIN + performance.now();

/**
 * The recipes' reports of one client (issue 22): `recipeEvents$`, and the two calls recipes make on the public API.
 * Nothing is built while nobody listens.
 */
export class RecipeEvents {
  private readonly events = new Subject<RecipeEvent>();
  private nextId = 0;
  /** Hot, no replay, never completes. */
  readonly events$: Observable<RecipeEvent> = this.events.asObservable();

  /** Starts an activity: `activity-started` now (if anyone listens), `activity-ended` at `end()`. */
  start(info: RecipeActivityInfo): RecipeActivity {
    checkInfo(info);
    if (!this.events.observed) return UNHEARD;
    const id = ++this.nextId;
    const { kind, recipe, path } = info;
    const startTime = now();
    this.events.next({ type: 'activity-started', id, kind, recipe, path, time: startTime });
    let ended = false;
    return {
      end: (outcome: RecipeOutcome, error?: unknown) => {
        if (ended) return;
        if (!OUTCOMES.has(outcome)) throw new InvalidArgumentError(`a recipe activity's outcome must be one of ${[...OUTCOMES].join(', ')}, not ${describe(outcome)}`);
        ended = true;
        if (!this.events.observed) return;
        const time = now();
        const failure = error === undefined || error === null ? null : error instanceof Error ? error : new Error(String(error));
        this.events.next({ type: 'activity-ended', id, kind, recipe, path, time, startTime, duration: time - startTime, outcome, error: failure });
      },
    };
  }

  /** Reports a count (if anyone listens). */
  report(event: RecipeCountEvent): void {
    if (typeof event !== 'object' || event === null || !COUNTS.has(event.type)) {
      throw new InvalidArgumentError(`a recipe event's type must be one of ${[...COUNTS].join(', ')}`);
    }
    checkText(event.recipe, 'recipe');
    checkText(event.path, 'path');
    const n = event.type === 'queue-put' ? event.count : event.type === 'tree-cache-size' ? event.nodes : 0;
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`a ${event.type} event's count must be a non-negative integer, not ${describe(n)}`);
    if (!this.events.observed) return;
    this.events.next({ ...event, time: now() });
  }
}

function checkInfo(info: RecipeActivityInfo): void {
  if (typeof info !== 'object' || info === null || !KINDS.has(info.kind)) {
    throw new InvalidArgumentError(`a recipe activity's kind must be one of ${[...KINDS].join(', ')}`);
  }
  checkText(info.recipe, 'recipe');
  checkText(info.path, 'path');
}

function checkText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`a recipe event's ${what} must be a non-empty string, not ${describe(value)}`);
}
