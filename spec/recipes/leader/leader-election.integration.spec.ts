// LeaderElection on a real ZooKeeper: a Lock's layout (Curator's LeaderSelector, or kazoo's Election), leadership for
// the length of the work, requeue, work errors, LOST holdings, and work that goes on through SUSPENDED.
import { Observable, Subject, first, map, of, throwError } from 'rxjs';
import { ClientClosedError } from '../../../src';
import { LeaderElection, LockLostError, type Holding, type HoldingState } from '../../../src/recipes';
import { one, until, expireAndRenew } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';
import { Condition, UUID, childrenUntil, nodesOf, waitForNodes } from './support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const electionPath = () => `/election/run-${++counter}`;
const nodes = (path: string) => nodesOf(env.observer, path);
const nodeCount = (path: string, count: number) => waitForNodes(env.observer, path, count);

describe('LeaderElection', () => {
  it("writes Curator's LeaderSelector layout by default, kazoo's Election layout with { layout: 'kazoo' }", async () => {
    const path = electionPath();
    const zk = await connect();
    const curatorLike = new Recorder(new LeaderElection(zk, path, { identifier: 'java-like' }).run(() => new Subject<never>()));
    const [name] = await childrenUntil(env.observer, path, (names) => names.length === 1);
    expect(name).toMatch(new RegExp(`^_c_${UUID}-lock-\\d{10}$`));
    expect((await one(env.observer.get(`${path}/${name}`))).data.toString()).toBe('java-like');
    curatorLike.subscription.unsubscribe();
    await nodeCount(path, 0);
    const kazooLike = new Recorder(new LeaderElection(zk, path, { identifier: 'py-like', layout: 'kazoo' }).run(() => new Subject<never>()));
    const [kazooName] = await childrenUntil(env.observer, path, (names) => names.length === 1);
    expect(kazooName).toMatch(/^[0-9a-f]{32}__lock__\d{10}$/);
    expect((await one(env.observer.get(`${path}/${kazooName}`))).data.toString()).toBe('py-like');
    kazooLike.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('waits to be elected, mirrors the work, and gives leadership up when the work completes', async () => {
    const path = electionPath();
    const a = new LeaderElection(await connect(), path, { identifier: 'a' });
    const b = new LeaderElection(await connect(), path, { identifier: 'b' });
    const workA = new Subject<string>();
    let holdingA: Holding | undefined;
    const runA = new Recorder(
      a.run((h) => {
        holdingA = h;
        return workA;
      }),
    );
    await nodeCount(path, 1);
    let bElected = false;
    const runB = new Recorder(
      b.run((h) => {
        bElected = true;
        return of(`b:${h.fencingToken > holdingA!.fencingToken}`);
      }),
    );
    await nodeCount(path, 2);
    expect(await a.contenders()).toEqual(['a', 'b']);
    workA.next('one');
    workA.next('two');
    await one(env.observer.sync(path));
    expect(bElected).toBe(false);
    expect(runA.values).toEqual(['one', 'two']);
    workA.complete();
    await runA.until(() => runA.completed);
    expect(holdingA!.state).toBe('RELEASED');
    await runB.until(() => runB.completed);
    expect(runB.values).toEqual(['b:true']);
    await nodeCount(path, 0);
  });

  it('with requeue, contenders take turns, one term each, and the result never completes by itself', async () => {
    const path = electionPath();
    const terms: { who: string; token: bigint }[] = [];
    // A term lasts until both contenders have a node (the leader's and the other's, queued): then the other is next
    // in line when it ends. A term of no length could end before the other's requeue (a delete, then a create) had
    // reached the server, and its leader would requeue behind nobody and lead again — which LeaderSelector does too.
    const otherQueued = (who: string) => env.observer.watchChildren$(path).pipe(first((names) => names !== null && names.length === 2), map(() => who));
    const runs = ['a', 'b'].map(async (who) => {
      const election = new LeaderElection(await connect(), path, { identifier: who });
      return new Recorder(
        election.run(
          (h) => {
            terms.push({ who, token: h.fencingToken });
            return otherQueued(who);
          },
          { requeue: true },
        ),
      );
    });
    // Whichever joins first leads until the other is queued; from then on the turns alternate.
    const runA = await runs[0];
    const runB = await runs[1];
    // Six terms each: the later joiner's six all come after it joined, alternating with the other's.
    await runA.until((vs) => vs.length >= 6, 20_000);
    await runB.until((vs) => vs.length >= 6, 20_000);
    for (let i = 1; i < terms.length; i++) expect(terms[i].token).toBeGreaterThan(terms[i - 1].token);
    const second = terms.findIndex((t) => t.who !== terms[0].who);
    const [x, y] = [terms[second].who, terms[0].who];
    expect(terms.slice(second, second + 6).map((t) => t.who)).toEqual([x, y, x, y, x, y]);
    expect(runA.completed || runB.completed).toBe(false);
    runA.subscription.unsubscribe();
    runB.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('when the work errors (or throws), gives leadership up and errors with that error, without requeue', async () => {
    const path = electionPath();
    const election = new LeaderElection(await connect(), path);
    const failure = new Error('report failed');
    let terms = 0;
    const run = new Recorder(
      election.run(
        () => {
          terms++;
          return throwError(() => failure);
        },
        { requeue: true },
      ),
    );
    await run.until(() => run.error !== undefined);
    expect(run.error).toBe(failure);
    expect(terms).toBe(1);
    expect(await nodes(path)).toEqual([]);
    const thrown = new Recorder(
      election.run(() => {
        throw failure;
      }),
    );
    await thrown.until(() => thrown.error !== undefined);
    expect(thrown.error).toBe(failure);
    expect(await nodes(path)).toEqual([]);
  });

  it('when the holding is LOST (an expiry), unsubscribes the work, then errors with LockLostError', async () => {
    const path = electionPath();
    const zk = await connect();
    const events: string[] = [];
    const changed = new Condition();
    let holding: Holding | undefined;
    const run = new Recorder(
      new LeaderElection(zk, path).run((h) => {
        holding = h;
        return new Observable<never>(() => {
          events.push('work subscribed');
          changed.changed();
          return () => events.push('work unsubscribed');
        });
      }),
    );
    await changed.until(() => events.length === 1, 'the work');
    const other = new Recorder(new LeaderElection(await connect(), path, { identifier: 'next' }).run(() => of('next leads')));
    await nodeCount(path, 2);
    const errored = new Promise<void>((resolve) => run.subscription.add(resolve));
    await env.server.expireSession(zk);
    await errored;
    events.push('errored');
    expect(run.error).toBeInstanceOf(LockLostError);
    expect(events).toEqual(['work subscribed', 'work unsubscribed', 'errored']);
    expect((run.error as LockLostError).holding).toBe(holding);
    expect(holding!.signal.aborted).toBe(true);
    await other.until(() => other.completed);
    expect(other.values).toEqual(['next leads']);
  });

  it('with requeue, a term LOST to an expiry unsubscribes the work and queues again on the new session: no error (issue 17)', async () => {
    const path = electionPath();
    const zk = await connect();
    const terms: Holding[] = [];
    const events: string[] = [];
    const changed = new Condition();
    const note = (event: string): void => {
      events.push(event);
      changed.changed();
    };
    const run = new Recorder(
      new LeaderElection(zk, path, { identifier: 'a' }).run(
        (h) => {
          terms.push(h);
          const term = terms.length;
          return new Observable<never>(() => {
            note(`term ${term}`);
            return () => note(`term ${term} over`);
          });
        },
        { requeue: true },
      ),
    );
    await changed.until(() => events.length === 1, 'the first term');
    const next = new Subject<string>();
    const other = new Recorder(new LeaderElection(await connect(), path, { identifier: 'b' }).run(() => next));
    await nodeCount(path, 2);
    await expireAndRenew(env.server, zk);
    // b leads now; a queued again behind it, with a node of its new session.
    await changed.until(() => events.length === 2, 'the end of the first term');
    await nodeCount(path, 2);
    const [, queued] = await nodes(path);
    expect((await one(env.observer.get(`${path}/${queued}`))).stat.ephemeralOwner).toBe(zk.session!.id);
    next.complete();
    await changed.until(() => events.length === 3, 'the second term');
    await other.until(() => other.completed);
    expect(events).toEqual(['term 1', 'term 1 over', 'term 2']);
    expect(run.error).toBeUndefined();
    expect(terms[1].fencingToken).toBeGreaterThan(terms[0].fencingToken);
    run.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('a contender waiting to be elected when its session expires goes on waiting, with a new node on the new session', async () => {
    const path = electionPath();
    const leader = new Subject<string>();
    const first = new Recorder(new LeaderElection(await connect(), path, { identifier: 'first' }).run(() => leader));
    await nodeCount(path, 1);
    const zk = await connect();
    const waiting = new Recorder(new LeaderElection(zk, path, { identifier: 'waiting' }).run(() => of('elected')));
    await nodeCount(path, 2);
    await expireAndRenew(env.server, zk);
    await childrenUntil(env.observer, path, (names) => names.length === 2);
    leader.complete();
    await waiting.until(() => waiting.completed);
    expect(waiting.values).toEqual(['elected']);
    // The first leader's run ends once its delete is answered, on its own connection: under CI's CPU hog that reply
    // was once read after the next leader's whole term (a watch event on another connection).
    await first.until(() => first.completed);
    expect(first.error).toBeUndefined();
  });

  it('SUSPENDED does not cancel the work: it sees the holding SUSPENDED, then HELD again on the same session', async () => {
    const path = electionPath();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
    let subscriptions = 0;
    const run = new Recorder<HoldingState>(
      new LeaderElection(zk, path).run((h) => {
        subscriptions++;
        return h.state$;
      }),
    );
    await run.last((s) => s === 'HELD');
    proxy.cut();
    await run.last((s) => s === 'SUSPENDED');
    await until(zk, 'CONNECTED');
    await run.last((s) => s === 'HELD');
    expect(run.values).toEqual(['HELD', 'SUSPENDED', 'HELD']);
    expect(subscriptions).toBe(1);
    expect(run.error).toBeUndefined();
    run.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('unsubscribed while waiting, it leaves no node; the others go on', async () => {
    const path = electionPath();
    const leader = new Recorder(new LeaderElection(await connect(), path).run(() => new Subject<never>()));
    await nodeCount(path, 1);
    let elected = false;
    const waiting = new LeaderElection(await connect(), path)
      .run(() => {
        elected = true;
        return of(1);
      })
      .subscribe();
    await nodeCount(path, 2);
    waiting.unsubscribe();
    await nodeCount(path, 1);
    expect(elected).toBe(false);
    leader.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('honours the other layout: a kazoo-named and a Curator-named contender exclude each other', async () => {
    const path = electionPath();
    const work = new Subject<never>();
    const kazooLike = new Recorder(new LeaderElection(await connect(), path, { layout: 'kazoo' }).run(() => work));
    await nodeCount(path, 1);
    let elected = false;
    const curatorLike = new Recorder(
      new LeaderElection(await connect(), path).run(() => {
        elected = true;
        return of('second');
      }),
    );
    await nodeCount(path, 2);
    await one(env.observer.sync(path));
    expect(elected).toBe(false);
    work.complete();
    await curatorLike.until(() => curatorLike.completed);
    // Its run ends when its delete is answered on its own connection, which may be read after the other's term.
    await kazooLike.until(() => kazooLike.completed);
    expect(kazooLike.error).toBeUndefined();
  });

  it('leader$() follows the leader for anyone, without taking part', async () => {
    const path = electionPath();
    const watcher = new LeaderElection(await connect(), path);
    const leaders = new Recorder(watcher.leader$());
    await leaders.last((v) => v === null);
    const workA = new Subject<never>();
    const a = new Recorder(new LeaderElection(await connect(), path, { identifier: 'a' }).run(() => workA));
    await leaders.last((v) => v === 'a');
    const b = new Recorder(new LeaderElection(await connect(), path, { identifier: 'b' }).run(() => new Subject<never>()));
    await nodeCount(path, 2);
    expect(await watcher.contenders()).toEqual(['a', 'b']);
    workA.complete();
    await leaders.last((v) => v === 'b');
    b.subscription.unsubscribe();
    await leaders.last((v) => v === null);
    expect(leaders.values).toEqual([null, 'a', 'b', null]);
    // a's run ends when its delete is answered on its own connection (the watcher's events come on another).
    await a.until(() => a.completed);
    expect(a.error).toBeUndefined();
    leaders.subscription.unsubscribe();
  });

  it('errors with ClientClosedError when the client closes while it waits', async () => {
    const path = electionPath();
    const leader = new Recorder(new LeaderElection(await connect(), path).run(() => new Subject<never>()));
    await nodeCount(path, 1);
    const zk = await connect();
    const waiting = new Recorder(new LeaderElection(zk, path).run(() => of(1)));
    await nodeCount(path, 2);
    await zk.close();
    await waiting.until(() => waiting.error !== undefined);
    expect(waiting.error).toBeInstanceOf(ClientClosedError);
    await nodeCount(path, 1);
    leader.subscription.unsubscribe();
  });
});
