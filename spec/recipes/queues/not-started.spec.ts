// A queue on a client that was never started, or is closed, answers at once with the client's own error, as every
// request of that client does — it does not wait for a start that may never come. No server: nothing is sent.
import { ClientClosedError, ClientNotStartedError, createClient } from '../../../src';
import { DistributedQueue, LockingQueue, Queue } from '../../../src/recipes';

describe('queues on a client that is not running', () => {
  const zk = createClient({ hosts: '127.0.0.1:1' });

  it('Queue.get() and put() reject with ClientNotStartedError before start()', async () => {
    const queue = new Queue(zk, '/q');
    await expect(queue.get()).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(queue.put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
  });

  it('LockingQueue.put() and DistributedQueue.put() reject with ClientNotStartedError before start()', async () => {
    await expect(new LockingQueue(zk, '/lq').put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(new DistributedQueue(zk, '/dq').put('x')).rejects.toBeInstanceOf(ClientNotStartedError);
  });

  it('Queue.get() rejects with ClientClosedError once the client is closed', async () => {
    const closed = createClient({ hosts: '127.0.0.1:1' });
    closed.start().catch(() => undefined);
    await closed.close();
    await expect(new Queue(closed, '/q').get()).rejects.toBeInstanceOf(ClientClosedError);
  });
});
