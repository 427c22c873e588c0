// The SASL exchange loop, on a scripted server: tokens in order, completion, and the errors it reports.
import { Observable, lastValueFrom, of, throwError } from 'rxjs';
import { AuthFailedError, ConnectionLossError } from '../../../src';
import { saslExchange, type SaslMechanism } from '../../../src/session/sasl/sasl-exchange';

/** A mechanism that answers each challenge with 'answer-<n>' and completes on 'done'. */
function scripted(): SaslMechanism & { seen: string[] } {
  const seen: string[] = [];
  let complete = false;
  return {
    mechanism: 'TEST',
    identity: 'tester',
    seen,
    get complete() {
      return complete;
    },
    initialResponse: () => Buffer.from('hello'),
    evaluateChallenge(challenge) {
      const text = Buffer.from(challenge).toString();
      seen.push(text);
      if (text === 'done') complete = true;
      return Buffer.from(`answer-${seen.length}`);
    },
  };
}

describe('saslExchange', () => {
  // `of` answers synchronously, inside the subscribe call: the loop must cope (the network never does that).
  it('sends the initial response, then one answer per token, until the mechanism completes', async () => {
    const mechanism = scripted();
    const sent: string[] = [];
    const replies = ['challenge', 'done'];
    await lastValueFrom(
      saslExchange(mechanism, (token) => {
        sent.push(token.toString());
        return of(Buffer.from(replies.shift()!));
      }),
      { defaultValue: undefined },
    );
    expect(sent).toEqual(['hello', 'answer-1']);
    expect(mechanism.seen).toEqual(['challenge', 'done']);
  });

  it("reports the server's bare AUTHFAILED as a refusal of this mechanism, keeping it as the cause", async () => {
    const refusal = new AuthFailedError();
    const err: unknown = await lastValueFrom(saslExchange(scripted(), () => throwError(() => refusal))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect((err as Error).message).toBe('the server refused SASL TEST authentication (unknown user or wrong credentials?)');
    expect((err as Error).cause).toBe(refusal);
  });

  it('passes other errors on as they are', async () => {
    const lost = new ConnectionLossError();
    await expect(lastValueFrom(saslExchange(scripted(), () => throwError(() => lost)))).rejects.toBe(lost);
  });

  it('stops waiting for the server when unsubscribed, at whatever step it is', () => {
    const torndown: number[] = [];
    let sends = 0;
    const replies = ['challenge'];
    const subscription = saslExchange(scripted(), () => {
      const n = ++sends;
      // The first send answers at once; the second waits for a server that never answers.
      const reply = replies.shift();
      return reply !== undefined ? of(Buffer.from(reply)) : new Observable<Buffer>(() => () => torndown.push(n));
    }).subscribe();
    expect(sends).toBe(2);
    subscription.unsubscribe();
    expect(torndown).toEqual([2]);
  });

  it('waits for a mechanism whose steps answer with a promise, and passes its rejection on as it is', async () => {
    const base = scripted();
    const later: SaslMechanism = {
      mechanism: 'ASYNC',
      identity: 'tester',
      get complete() {
        return base.complete;
      },
      initialResponse: async () => base.initialResponse(),
      evaluateChallenge: async (challenge) => base.evaluateChallenge(challenge),
    };
    const sent: string[] = [];
    const replies = ['challenge', 'done'];
    await lastValueFrom(
      saslExchange(later, (token) => {
        sent.push(token.toString());
        return of(Buffer.from(replies.shift()!));
      }),
      { defaultValue: undefined },
    );
    expect(sent).toEqual(['hello', 'answer-1']);

    const refused = new Error('the KDC refused');
    const failing: SaslMechanism = { ...later, complete: false, initialResponse: () => Promise.reject(refused) };
    await expect(lastValueFrom(saslExchange(failing, () => of(Buffer.alloc(0))))).rejects.toBe(refused);
  });

  it('sends nothing when an asynchronous answer settles after unsubscription', async () => {
    let resolve!: (token: Buffer) => void;
    const slow: SaslMechanism = {
      mechanism: 'SLOW',
      identity: 'tester',
      complete: false,
      initialResponse: () => new Promise<Buffer>((r) => (resolve = r)),
      evaluateChallenge: () => Buffer.alloc(0),
    };
    let sends = 0;
    const subscription = saslExchange(slow, () => {
      sends++;
      return of(Buffer.alloc(0));
    }).subscribe();
    subscription.unsubscribe();
    resolve(Buffer.from('too late'));
    await new Promise((r) => setImmediate(r));
    expect(sends).toBe(0);
  });
});
