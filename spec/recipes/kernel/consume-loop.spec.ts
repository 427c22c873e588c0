// A queue consumer's loop without a server (issue 19: unit specs for the recipes' pure rules): the listings' changes
// are a Subject the spec feeds, the attempt a function the spec settles. What a consumer must never do: try on a timer,
// take after it was stopped, or keep a list's worth of round trips going once stopped (issue 17's late takes). That an
// attempt never spends round trips on an entry the lists no longer give is the listing's (listing.ts: it follows
// the server's events while the attempt runs).
import { Subject } from 'rxjs';
import { ConsumeLoop, type Claim, type TakeContext } from '../../../src/recipes/kernel/consume-loop';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An attempt the spec answers: each call is recorded with the changes seen before it and its context, and settled by the spec. */
function scriptedAttempts(lists: { seen: number }) {
  const calls: { candidates: number; context: TakeContext; answer: (claim: Claim<string> | null) => void }[] = [];
  const takeFirst = (context: TakeContext) => new Promise<Claim<string> | null>((resolve) => calls.push({ candidates: lists.seen, context, answer: resolve }));
  return { calls, takeFirst };
}

/** The listings' changes, counted: `next()` is one change. */
function changes() {
  const subject = new Subject<void>();
  const counted = { seen: 0, subject, next: () => (counted.seen++, subject.next()) };
  return counted;
}

const claim = (value: string, undone: string[] = []): Claim<string> => ({ value, undo: () => (undone.push(value), Promise.resolve()) });

describe('ConsumeLoop', () => {
  it('tries when the lists change and again right after each entry taken, never otherwise; idle when nothing could be taken', async () => {
    const lists = changes();
    const { calls, takeFirst } = scriptedAttempts(lists);
    const delivered: string[] = [];
    let idle = 0;
    const loop = new ConsumeLoop(lists.subject, takeFirst, (v) => void delivered.push(v), () => idle++);
    await settle();
    expect(calls).toHaveLength(0); // nothing listed yet: no try
    lists.next();
    await settle();
    expect(calls.map((c) => c.candidates)).toEqual([1]);
    calls[0].answer(claim('a'));
    await settle();
    // Taken: the rest of the list may still be there, so it tries again at once with the same list.
    expect(calls).toHaveLength(2);
    calls[1].answer(null);
    await settle();
    expect(idle).toBe(1);
    expect(calls).toHaveLength(2); // no timer, no busy loop
    lists.next();
    await settle();
    expect(calls.map((c) => c.candidates)).toEqual([1, 1, 2]);
    expect(delivered).toEqual(['a']);
    // stop() settles once the attempt in flight has (a take bounds that wait: kernel/wait's boundedCleanup).
    const stopped = loop.stop();
    calls[2].answer(null);
    await stopped;
  });

  it('takes the next entry only once what deliver returned has settled (take$ waits for the ack)', async () => {
    const lists = changes();
    const { calls, takeFirst } = scriptedAttempts(lists);
    let acked!: () => void;
    const loop = new ConsumeLoop(lists.subject, takeFirst, () => new Promise<void>((resolve) => (acked = resolve)));
    lists.next();
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
    const lists = changes();
    const { calls, takeFirst } = scriptedAttempts(lists);
    const undone: string[] = [];
    const delivered: string[] = [];
    const loop = new ConsumeLoop(lists.subject, takeFirst, (v) => void delivered.push(v));
    lists.next();
    await settle();
    const { context } = calls[0];
    expect(context.stopped.aborted).toBe(false);
    expect(loop.signal.aborted).toBe(false);
    const stopped = loop.stop();
    expect(context.stopped.aborted).toBe(true);
    // What deliver hands out in parts (a Curator node's items) sees the stop too.
    expect(loop.signal.aborted).toBe(true);
    expect(loop.stopped).toBe(true);
    calls[0].answer(claim('a', undone));
    await stopped;
    expect(undone).toEqual(['a']);
    expect(delivered).toEqual([]);
    lists.next();
    await settle();
    expect(calls).toHaveLength(1);
    expect(lists.subject.observed).toBe(false);
  });

  it('a change while an attempt runs makes it try again once that attempt found nothing (no change lost)', async () => {
    const lists = changes();
    const { calls, takeFirst } = scriptedAttempts(lists);
    let idle = 0;
    const loop = new ConsumeLoop(lists.subject, takeFirst, () => undefined, () => idle++);
    lists.next();
    await settle();
    lists.next(); // an entry put while the attempt was going through the listing
    calls[0].answer(null);
    await settle();
    expect(idle).toBe(0);
    expect(calls).toHaveLength(2);
    calls[1].answer(null);
    await settle();
    expect(idle).toBe(1);
    await loop.stop();
  });

  it('ends when the lists complete (the client closed) and fails with their error', async () => {
    const closing = new Subject<void>();
    const closed = new ConsumeLoop(closing, scriptedAttempts({ seen: 0 }).takeFirst, () => undefined);
    closing.complete();
    await expect(closed.done).resolves.toBeUndefined();
    expect(closed.stopped).toBe(true);

    const failing = new Subject<void>();
    const failed = new ConsumeLoop(failing, scriptedAttempts({ seen: 0 }).takeFirst, () => undefined);
    const noAuth = new Error('NoAuth');
    failing.error(noAuth);
    await expect(failed.done).rejects.toBe(noAuth);
  });
});
