// followEnsemble's reading of /zookeeper/config (issue 21 item 4): the members' client addresses, as Curator's
// EnsembleTracker.configToConnectionString takes them.
import { ensembleEndpoints } from '../../src/client/ensemble-config';

describe('ensembleEndpoints', () => {
  it('takes every member’s client address, participants and observers, and ignores the version line', () => {
    const config = [
      'server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181',
      'server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182',
      'server.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183',
      'version=100000000',
    ].join('\n');
    expect(ensembleEndpoints(config, false)).toEqual([
      { host: '127.0.0.1', port: 2181 },
      { host: '127.0.0.1', port: 2182 },
      { host: '127.0.0.1', port: 2183 },
    ]);
  });

  it('reaches a member listening on every interface (a port alone, 0.0.0.0, [::]) at its quorum host', () => {
    const config = [
      'server.1=zk1.example.com:2888:3888;2181',
      'server.2=zk2.example.com:2888:3888:participant;0.0.0.0:2181',
      'server.3=[fd00::3]:2888:3888:participant;[::]:2181',
      'server.4=zk4.example.com:2888:3888:participant;10.1.0.4:2181',
    ].join('\n');
    expect(ensembleEndpoints(config, false)).toEqual([
      { host: 'zk1.example.com', port: 2181 },
      { host: 'zk2.example.com', port: 2181 },
      { host: 'fd00::3', port: 2181 },
      { host: '10.1.0.4', port: 2181 },
    ]);
  });

  it('with several quorum addresses (ZooKeeper 3.6 multi-address), takes the first for a wildcard client address', () => {
    expect(ensembleEndpoints('server.1=10.0.0.1:2888:3888|10.1.0.1:2888:3888;2181', false)).toEqual([{ host: '10.0.0.1', port: 2181 }]);
  });

  it('secure: the secure client addresses (ZooKeeper 3.9+), leaving out members without one', () => {
    const config = ['server.1=zk1:2888:3888:participant;2181;2281', 'server.2=zk2:2888:3888:participant;2181;zk2.tls:2281', 'server.3=zk3:2888:3888;2181'].join('\n');
    expect(ensembleEndpoints(config, true)).toEqual([
      { host: 'zk1', port: 2281 },
      { host: 'zk2.tls', port: 2281 },
    ]);
  });

  it('skips members without a client address and lines it cannot read; an empty or foreign text gives none', () => {
    const config = ['server.1=zk1:2888:3888:participant', 'server.2=zk2:2888:3888;zk2:notaport', 'server.3=zk3:2888:3888;70000', 'server.4=zk4:2888:3888;zk4:2181'].join('\n');
    expect(ensembleEndpoints(config, false)).toEqual([{ host: 'zk4', port: 2181 }]);
    expect(ensembleEndpoints('', false)).toEqual([]);
    expect(ensembleEndpoints('clientPort=2181\ndataDir=/tmp', false)).toEqual([]);
  });
});
