// The hook recipes report through (issue 22): zk.startRecipeActivity and zk.reportRecipeEvent feed zk.recipeEvents$,
// and build nothing while nobody listens. No server is needed: the reports are the client's own.
import { createClient, InvalidArgumentError, type RecipeEvent, type RecipeActivityInfo } from '../../src';

const zk = createClient({ hosts: '127.0.0.1:1' });
const LOCK: RecipeActivityInfo = { kind: 'lock-wait', recipe: 'Lock', path: '/locks/a' };

function collect(): { events: RecipeEvent[]; stop(): void } {
  const events: RecipeEvent[] = [];
  const subscription = zk.recipeEvents$.subscribe((e) => events.push(e));
  return { events, stop: () => subscription.unsubscribe() };
}

describe('recipe events', () => {
  it('reports an activity as started (synchronously) and ended (once), with one id and its duration', () => {
    const { events, stop } = collect();
    const wait = zk.startRecipeActivity(LOCK);
    expect(events).toEqual([{ type: 'activity-started', id: expect.any(Number), kind: 'lock-wait', recipe: 'Lock', path: '/locks/a', time: expect.any(Number) }]);
    const failure = new Error('gone');
    wait.end('error', failure);
    wait.end('ok');
    stop();
    expect(events).toHaveLength(2);
    const [started, ended] = events;
    expect(ended).toMatchObject({ type: 'activity-ended', id: started.type === 'activity-started' ? started.id : -1, outcome: 'error', error: failure });
    if (ended.type !== 'activity-ended' || started.type !== 'activity-started') throw new Error('unexpected events');
    expect(ended.startTime).toBe(started.time);
    expect(ended.duration).toBeCloseTo(ended.time - ended.startTime, 6);
    expect(ended.duration).toBeGreaterThanOrEqual(0);
  });

  it('reports counts with their time', () => {
    const { events, stop } = collect();
    zk.reportRecipeEvent({ type: 'queue-put', recipe: 'Queue', path: '/q', count: 3 });
    zk.reportRecipeEvent({ type: 'queue-take', recipe: 'Queue', path: '/q' });
    zk.reportRecipeEvent({ type: 'tree-cache-size', recipe: 'TreeCache', path: '/t', nodes: 12 });
    stop();
    expect(events.map((e) => e.type)).toEqual(['queue-put', 'queue-take', 'tree-cache-size']);
    expect(events[0]).toMatchObject({ count: 3, time: expect.any(Number) });
    expect(events[2]).toMatchObject({ nodes: 12 });
  });

  it('builds nothing while nobody listens: one shared handle, and an activity started unheard stays unheard', () => {
    const a = zk.startRecipeActivity(LOCK);
    const b = zk.startRecipeActivity({ kind: 'leadership', recipe: 'LeaderLatch', path: '/e' });
    expect(a).toBe(b);
    const { events, stop } = collect();
    a.end('ok');
    zk.startRecipeActivity(LOCK).end('timeout');
    stop();
    expect(events.map((e) => (e.type === 'activity-ended' ? e.outcome : e.type))).toEqual(['activity-started', 'timeout']);
  });

  it('refuses malformed reports with InvalidArgumentError, listened to or not', () => {
    const bad: unknown[] = [{ kind: 'nap', recipe: 'Lock', path: '/a' }, { kind: 'lock-wait', recipe: '', path: '/a' }, { kind: 'lock-wait', recipe: 'Lock' }, null];
    for (const info of bad) expect(() => zk.startRecipeActivity(info as RecipeActivityInfo)).toThrow(InvalidArgumentError);
    expect(() => zk.reportRecipeEvent({ type: 'queue-put', recipe: 'Queue', path: '/q', count: -1 })).toThrow(InvalidArgumentError);
    expect(() => zk.reportRecipeEvent({ type: 'nope' } as never)).toThrow(InvalidArgumentError);
    const { stop } = collect();
    expect(() => zk.startRecipeActivity(LOCK).end('maybe' as never)).toThrow(InvalidArgumentError);
    stop();
  });
});
