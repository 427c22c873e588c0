// A Curator queue's consumer (the kernel's ConsumeLoop on a NodeListing) without a server: a listing Subject stands
// for the children watch, `take` for the lock or delete of a node. What it takes, in which order, when it reads the
// listing, and what stop() undoes. The loop's own rules (back-pressure, stop, errors) are spec/recipes/kernel/consume-loop.spec.ts's.
import { Observable, Subject } from 'rxjs';
import { ClientClosedError } from '../../../src';
import { nodeConsumer, type ConsumerSpec, type Taken } from '../../../src/recipes/curator-queues/node-listing';
import { orderNodes, type QueueKind } from '../../../src/recipes/curator-queues/layout';

/** A queue of names for the loop, with counters of what it did. */
class FakeQueue {
  readonly names = new Set<string>();
  readonly subjects = new Set<Subject<readonly string[]>>();
  subscribes = 0;
  readonly undone: string[] = [];
  /** Names another consumer has: take() answers null. */
  readonly others = new Set<string>();
  block: Promise<void> | null = null;
  /** A take leaves the node listed, as a take under a lock path does (the node goes at its ack). */
  locking = false;
  /** The lock of each node's latest take: `lost` once its session ended (the node is left in the queue). */
  readonly locks = new Map<string, { lost: boolean }>();

  constructor(private readonly kind: QueueKind) {}

  spec(): ConsumerSpec<string> {
    return {
      prepare: async () => undefined,
      listing$: this.listing$(),
      order: (names) => orderNodes(this.kind, names),
      reorders: this.kind === 'priority' || this.kind === 'delay',
      take: async (name): Promise<Taken<string> | null> => {
        if (this.block !== null) await this.block;
        // A lock's round trip: a consumer that took the same node again and again would still let the spec look.
        if (this.locking) await turn();
        if (!this.names.has(name) || this.others.has(name)) return null;
        if (!this.locking) this.names.delete(name);
        const lock = { lost: false };
        this.locks.set(name, lock);
        return { value: name, undo: async () => void this.undone.push(name), left: () => lock.lost };
      },
    };
  }

  private listing$(): Observable<readonly string[]> {
    return new Observable<readonly string[]>((subscriber) => {
      this.subscribes++;
      const subject = new Subject<readonly string[]>();
      this.subjects.add(subject);
      const inner = subject.subscribe(subscriber);
      subscriber.next([...this.names]);
      return () => {
        this.subjects.delete(subject);
        inner.unsubscribe();
      };
    });
  }

  /** Adds names and tells whoever follows the listing. */
  put(...names: string[]): void {
    for (const n of names) this.names.add(n);
    for (const s of this.subjects) s.next([...this.names]);
  }
}

const seq = (n: number): string => String(n).padStart(10, '0');

/** Lets pending callbacks run. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** A consumer of a queue whose one node another consumer has, once it found nothing to take (told idle). */
async function afterVainPass() {
  const q = new FakeQueue('plain');
  q.put(`queue-${seq(1)}`);
  q.others.add(`queue-${seq(1)}`);
  const seen = { idles: 0 };
  const got: string[] = [];
  const consumer = nodeConsumer(q.spec())((name) => void got.push(name), () => seen.idles++);
  while (seen.idles === 0) await turn();
  return { q, got, seen, consumer };
}

/** A deliver that records each name and keeps the `n`th in hand (back-pressure) until `release()`. */
function holdingAt(n: number) {
  const got: string[] = [];
  let settle: () => void = () => undefined;
  const deliver = (name: string): Promise<void> | undefined => {
    got.push(name);
    return got.length === n ? new Promise<void>((r) => (settle = r)) : undefined;
  };
  return { got, deliver, release: () => settle() };
}

describe('nodeConsumer (NodeListing)', () => {
  it('FIFO: works through the list it read without following the listing, then reads it again', async () => {
    const q = new FakeQueue('plain');
    q.put(`queue-${seq(2)}`, `queue-${seq(1)}`, 'foreign', `queue-${seq(3)}`);
    const { got, deliver, release } = holdingAt(3);
    const consumer = nodeConsumer(q.spec())(deliver, () => undefined);
    while (got.length < 3) await turn();
    expect(got).toEqual([`queue-${seq(1)}`, `queue-${seq(2)}`, `queue-${seq(3)}`]);
    expect(q.subjects.size).toBe(0); // not following while it works
    release();
    while (q.subjects.size === 0) await turn();
    expect(q.subscribes).toBe(2);
    q.put(`queue-${seq(4)}`);
    while (got.length < 4) await turn();
    await consumer.stop();
    expect(q.subjects.size).toBe(0);
  });

  it('priority: a listing that brings a higher priority is sorted as it comes', async () => {
    const q = new FakeQueue('priority');
    q.put(`queue-100000010${seq(1)}`, `queue-100000020${seq(2)}`);
    const { got, deliver, release } = holdingAt(1);
    const consumer = nodeConsumer(q.spec())(deliver, () => undefined);
    while (got.length < 1) await turn();
    q.put(`queue-100000001${seq(3)}`);
    release();
    while (got.length < 3) await turn();
    expect(got).toEqual([`queue-100000010${seq(1)}`, `queue-100000001${seq(3)}`, `queue-100000020${seq(2)}`]);
    await consumer.stop();
  });

  it('delay: hands nothing out before its time, sets one timer, and clears it on stop', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const q = new FakeQueue('delay');
      const due = 1_000_000 + 5_000;
      q.put(`queue-|${due.toString(16).toUpperCase()}|${seq(1)}`);
      const got: string[] = [];
      const consumer = nodeConsumer(q.spec())((name) => void got.push(name), () => undefined);
      await jest.advanceTimersByTimeAsync(4_999);
      expect(got).toEqual([]);
      expect(jest.getTimerCount()).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(got).toHaveLength(1);
      q.put(`queue-|${(due + 60_000).toString(16).toUpperCase()}|${seq(2)}`);
      await jest.advanceTimersByTimeAsync(10);
      expect(jest.getTimerCount()).toBe(1);
      await consumer.stop();
      expect(jest.getTimerCount()).toBe(0);
      expect(got).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('tells idle once every node listed was tried in vain, and tries them again after the next listing', async () => {
    const { q, got, consumer } = await afterVainPass();
    q.others.clear();
    q.put(`queue-${seq(2)}`);
    while (got.length < 2) await turn();
    expect(got).toEqual([`queue-${seq(1)}`, `queue-${seq(2)}`]);
    await consumer.stop();
  });

  it('a node another consumer had is tried again when the listing changes back to the same names (its lock went)', async () => {
    const { q, got, seen, consumer } = await afterVainPass();
    await turn();
    // Read again unchanged (it follows the listing again after its pass): not tried again, no busy loop.
    expect(seen.idles).toBe(1);
    q.others.clear();
    q.put(); // a change of the listing that leaves the same names (another's lock released)
    while (got.length < 1) await turn();
    expect(got).toEqual([`queue-${seq(1)}`]);
    await consumer.stop();
  });

  it('a node whose lock was lost while in hand is taken again, by this consumer too; one acked or held is not', async () => {
    const q = new FakeQueue('plain');
    q.locking = true;
    const name = `queue-${seq(1)}`;
    q.put(name);
    let idles = 0;
    const { got, deliver, release } = holdingAt(1);
    const consumer = nodeConsumer(q.spec())(deliver, () => idles++);
    while (got.length < 1) await turn();
    const lock = q.locks.get(name);
    if (lock !== undefined) lock.lost = true; // the session ended with the node in hand: it is anyone's again
    release();
    while (got.length < 2) await turn();
    // Its second take kept its lock: still listed (a listing read before its ack shows it), never taken a third time.
    while (idles === 0) await turn();
    q.put(); // a change of the listing (another's lock released) that still shows it
    await turn();
    await turn();
    expect(got).toEqual([name, name]);
    await consumer.stop();
  });

  it('a node taken just as it stops is handed back, and nothing is delivered', async () => {
    const q = new FakeQueue('plain');
    let unblock!: () => void;
    q.block = new Promise<void>((r) => (unblock = r));
    q.put(`queue-${seq(1)}`);
    const got: string[] = [];
    const consumer = nodeConsumer(q.spec())((name) => void got.push(name), () => undefined);
    await turn();
    const stopping = consumer.stop();
    unblock();
    await stopping;
    expect(got).toEqual([]);
    expect(q.undone).toEqual([`queue-${seq(1)}`]);
  });

  it('ends when the listing completes (the client closed), fails with its error or with prepare\'s, and reads nothing before prepare', async () => {
    const closing = new FakeQueue('plain');
    const closed = nodeConsumer(closing.spec())(() => undefined, () => undefined);
    while (closing.subjects.size === 0) await turn();
    for (const s of closing.subjects) s.complete();
    await expect(closed.done).resolves.toBeUndefined();
    expect(closing.subjects.size).toBe(0);

    const failing = new FakeQueue('priority');
    const failed = nodeConsumer(failing.spec())(() => undefined, () => undefined);
    while (failing.subjects.size === 0) await turn();
    const noAuth = new Error('NoAuth');
    for (const s of failing.subjects) s.error(noAuth);
    await expect(failed.done).rejects.toBe(noAuth);

    const unprepared = new FakeQueue('plain');
    const denied = new Error('NoAuth on the queue path');
    let refuse!: (err: Error) => void;
    const spec = { ...unprepared.spec(), prepare: () => new Promise<void>((_, reject) => (refuse = reject)) };
    const refused = nodeConsumer(spec)(() => undefined, () => undefined);
    await turn();
    expect(unprepared.subscribes).toBe(0);
    refuse(denied);
    await expect(refused.done).rejects.toBe(denied);
    expect(unprepared.subscribes).toBe(0);

    // A client closed before the consumer started refuses its prepare: that ends it as the close does (take$ completes).
    const late = new FakeQueue('plain');
    const closedFirst = nodeConsumer({ ...late.spec(), prepare: () => Promise.reject(new ClientClosedError('closed')) })(
      () => undefined,
      () => undefined,
    );
    await expect(closedFirst.done).resolves.toBeUndefined();
    expect(late.subscribes).toBe(0);
  });
});
