// kernel/connection-states on a real ZooKeeper (issue 20's lock cycle): every holding of a client listens to its
// connection states through one shared state$ subscription — each listener hears the state now, then each change,
// until it stops; one that stops (or is stopped by another) while a change is being told hears no more.
import type { ConnectionState } from '../../../src';
import { onConnectionStates } from '../../../src/recipes/kernel/connection-states';
import { until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();

describe('onConnectionStates', () => {
  it('tells each listener the state now, then every change, until it stops; a stopped one hears nothing more', async () => {
    const { zk, proxy } = await env.proxied(20_000);
    const a: ConnectionState[] = [];
    const b: ConnectionState[] = [];
    const stopA = onConnectionStates(zk, (s) => a.push(s));
    const stopB = onConnectionStates(zk, (s) => b.push(s));
    expect([a, b]).toEqual([['CONNECTED'], ['CONNECTED']]);
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    stopB();
    proxy.accept();
    await until(zk, 'CONNECTED');
    expect(a).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
    expect(b).toEqual(['CONNECTED', 'SUSPENDED']);
    // A listener that joins later hears the state now, once, and then the changes like the others.
    const c: ConnectionState[] = [];
    const stopC = onConnectionStates(zk, (s) => c.push(s));
    expect(c).toEqual(['CONNECTED']);
    stopA();
    stopC();
  });

  it('a listener stopped by another during a change is not told that change', async () => {
    const { zk, proxy } = await env.proxied(20_000);
    const heard: string[] = [];
    let stopSecond: () => void = () => undefined;
    const stopFirst = onConnectionStates(zk, (s) => {
      heard.push(`first ${s}`);
      if (s === 'SUSPENDED') stopSecond();
    });
    stopSecond = onConnectionStates(zk, (s) => heard.push(`second ${s}`));
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    proxy.accept();
    await until(zk, 'CONNECTED');
    expect(heard).toEqual(['first CONNECTED', 'second CONNECTED', 'first SUSPENDED', 'first CONNECTED']);
    stopFirst();
  });
});
