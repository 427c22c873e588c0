// A queue consumer's loop without a server (issue 19: unit specs for the recipes' pure rules): the candidate lists
// are a Subject the spec feeds, the attempt a function the spec settles. What a consumer must never do: try on a timer,
// take after it was stopped, keep a list's worth of round trips going once stopped (issue 17's late takes), or spend
// round trips on an entry the lists no longer give.
import { Subject } from 'rxjs';
import { ConsumeLoop, type Claim, type TakeContext } from '../../../src/recipes/queues/consume-loop';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An attempt the spec answers: each call is recorded with its candidates and context, and settled by the spec. */
function scriptedAttempts() {
  const calls: { candidates: readonly string[]; context: TakeContext; answer: (claim: Claim<string> | null) => void }[] = [];
  const takeFirst = (candidates: readonly string[], context: TakeContext) =>
    new Promise<Claim<string> | null>((resolve) => calls.push({ candidates, context, answer: resolve }));
  return { calls, takeFirst };
}

const claim = (value: string, undone: string[] = []): Claim<string> => ({ value, undo: () => (undone.push(value), Promise.resolve()) });

describe('ConsumeLoop', () => {
  it('tries when the lists change and again right after each entry taken, never otherwise; idle when nothing could be taken', async () => {
    const lists = new Subject<readonly string[]>();
    const { calls, takeFirst } = scriptedAttempts();
    const delivered: string[] = [];
    let idle = 0;
    const loop = new ConsumeLoop(lists, takeFirst, (v) => void delivered.push(v), () => idle++);
    await settle();
    expect(calls).toHaveLength(0); // nothing listed yet: no try
    lists.next(['a', 'b']);
    await settle();
    expect(calls.map((c) => c.candidates)).toEqual([['a', 'b']]);
    calls[0].answer(claim('a'));
    await settle();
    // Taken: the rest of the list may still be there, so it tries again at once with the same list.
    expect(calls).toHaveLength(2);
    calls[1].answer(null);
    await settle();
    expect(idle).toBe(1);
    expect(calls).toHaveLength(2); // no timer, no busy loop
    lists.next(['b', 'c']);
    await settle();
    expect(calls.map((c) => c.candidates)).toEqual([['a', 'b'], ['a', 'b'], ['b', 'c']]);
    expect(delivered).toEqual(['a']);
    // stop() settles once the attempt in flight has (a take bounds that wait: kernel/wait's boundedCleanup).
    const stopped = loop.stop();
    calls[2].answer(null);
    await stopped;
  });

  it('takes the next entry only once what deliver returned has settled (take$ waits for the ack)', async () => {
    const lists = new Subject<readonly string[]>();
    const { calls, takeFirst } = scriptedAttempts();
    let acked!: () => void;
    const loop = new ConsumeLoop(lists, takeFirst, () => new Promise<void>((resolve) => (acked = resolve)));
    lists.next(['a', 'b']);
    await settle();
    calls[0].answer(claim('a'));
    await settle();
    expect(calls).toHaveLength(1);
    acked();
    await settle();
    expect(calls).toHaveLength(2);
    const stopped = loop.stop();
    calls[1].answer(null);
    await stopped;
  });

  it('stop(): the attempt in flight is told (it tries no further entry), what it took is handed back, none starts after', async () => {
    // Issue 17: a take that gave up waited for its attempt to go through a whole stale list, 4 round trips an entry.
    const lists = new Subject<readonly string[]>();
    const { calls, takeFirst } = scriptedAttempts();
    const undone: string[] = [];
    const delivered: string[] = [];
    const loop = new ConsumeLoop(lists, takeFirst, (v) => void delivered.push(v));
    lists.next(['a', 'b', 'c']);
    await settle();
    const { context } = calls[0];
    expect(context.stopped.aborted).toBe(false);
    const stopped = loop.stop();
    expect(context.stopped.aborted).toBe(true);
    expect(loop.stopped).toBe(true);
    calls[0].answer(claim('a', undone));
    await stopped;
    expect(undone).toEqual(['a']);
    expect(delivered).toEqual([]);
    lists.next(['d']);
    await settle();
    expect(calls).toHaveLength(1);
    expect(lists.observed).toBe(false);
  });

  it('listed(name) follows the lists while the attempt runs: an entry taken by another since is not worth a try', async () => {
    const lists = new Subject<readonly string[]>();
    const { calls, takeFirst } = scriptedAttempts();
    const loop = new ConsumeLoop(lists, takeFirst, () => undefined);
    lists.next(['a', 'b', 'c']);
    await settle();
    const { context } = calls[0];
    expect(['a', 'b', 'c'].map(context.listed)).toEqual([true, true, true]);
    lists.next(['c', 'd']);
    expect(['a', 'b', 'c', 'd'].map(context.listed)).toEqual([false, false, true, true]);
    calls[0].answer(null);
    await loop.stop();
  });

  it('ends when the lists complete (the client closed) and fails with their error', async () => {
    const closing = new Subject<readonly string[]>();
    const closed = new ConsumeLoop(closing, scriptedAttempts().takeFirst, () => undefined);
    closing.complete();
    await expect(closed.done).resolves.toBeUndefined();
    expect(closed.stopped).toBe(true);

    const failing = new Subject<readonly string[]>();
    const failed = new ConsumeLoop(failing, scriptedAttempts().takeFirst, () => undefined);
    const noAuth = new Error('NoAuth');
    failing.error(noAuth);
    await expect(failed.done).rejects.toBe(noAuth);
  });
});
