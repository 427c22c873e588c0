// Unit specs for the pure parts: no server needed.
import { parseAddress, sameAddress } from '../../src/testing/address';
import { parseMode } from '../../src/testing/four-letter-word';
import { jaasConfig } from '../../src/testing/sasl-config';
import { dynamicCfg, serverSpec, systemProperties, zooCfg } from '../../src/testing/zoo-cfg';

const lines = (text: string): string[] => text.trim().split('\n');

describe('zooCfg', () => {
  it('renders a standalone server bound to loopback', () => {
    const cfg = lines(zooCfg({ dataDir: '/d', clientPort: 2181, clientPortAddress: '127.0.0.1' }));
    expect(cfg).toEqual(
      expect.arrayContaining([
        'tickTime=500',
        'dataDir=/d',
        'clientPort=2181',
        'clientPortAddress=127.0.0.1',
        'minSessionTimeout=1000',
        'maxSessionTimeout=60000',
        '4lw.commands.whitelist=*',
        'admin.enableServer=false',
        'extendedTypesEnabled=true',
        'reconfigEnabled=true',
      ]),
    );
    expect(cfg.some((l) => l.startsWith('server.'))).toBe(false);
    expect(cfg.some((l) => l.startsWith('jute.maxbuffer') || l.startsWith('globalOutstandingLimit'))).toBe(false);
    expect(cfg.some((l) => l.startsWith('ssl.') || l.startsWith('authProvider') || l.startsWith('localSessions'))).toBe(false);
  });

  it('points an ensemble member at its dynamic config, without a clientPort line', () => {
    const cfg = lines(zooCfg({ dataDir: '/d', clientPort: 2181, dynamicConfigFile: '/d/zoo.cfg.dynamic' }));
    expect(cfg).toContain('dynamicConfigFile=/d/zoo.cfg.dynamic');
    expect(cfg.some((l) => l.startsWith('clientPort'))).toBe(false);
  });

  it('adds TLS, SASL and read-only settings', () => {
    const cfg = lines(
      zooCfg({
        dataDir: '/d',
        clientPort: 1,
        secureClientPort: 2,
        secureClientPortAddress: '127.0.0.1',
        tls: { keyStore: '/k.pem', trustStore: '/ca.pem', clientAuth: 'need' },
        sasl: true,
        readOnlyMode: true,
      }),
    );
    expect(cfg).toEqual(
      expect.arrayContaining([
        'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
        'secureClientPort=2',
        'secureClientPortAddress=127.0.0.1',
        'ssl.keyStore.location=/k.pem',
        'ssl.keyStore.type=PEM',
        'ssl.trustStore.location=/ca.pem',
        'ssl.trustStore.type=PEM',
        'ssl.clientAuth=need',
        'authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
        'localSessionsEnabled=true',
      ]),
    );
    expect(() => zooCfg({ dataDir: '/d', clientPort: 1, tls: { keyStore: 'k', trustStore: 't', clientAuth: 'want' } })).toThrow(/secureClientPort/);
  });

  it('writes server lines in the 3.5+ dynamic form', () => {
    const members = [1, 2].map((id) => ({ id, host: '127.0.0.1', quorumPort: id * 10 + 1, electionPort: id * 10 + 2, clientAddress: `127.0.0.1:${id * 10}` }));
    expect(serverSpec(members[0])).toBe('server.1=127.0.0.1:11:12:participant;127.0.0.1:10');
    expect(dynamicCfg(members)).toBe('server.1=127.0.0.1:11:12:participant;127.0.0.1:10\nserver.2=127.0.0.1:21:22:participant;127.0.0.1:20\n');
  });
});

describe('systemProperties', () => {
  it('sets container reaping, TTL nodes, and no admin server', () => {
    const flags = systemProperties({});
    expect(flags).toEqual(
      expect.arrayContaining(['-Dznode.container.checkIntervalMs=1000', '-Dzookeeper.extendedTypesEnabled=true', '-Dzookeeper.admin.enableServer=false']),
    );
    expect(flags.some((f) => f.startsWith('-Dreadonlymode'))).toBe(false);
  });

  it('adds read-only mode, JAAS, super digest and log4j when asked', () => {
    const flags = systemProperties({ readOnlyMode: true, jaasFile: '/j.conf', superDigest: 'super:x', log4jConfig: '/l.properties' });
    expect(flags).toEqual(
      expect.arrayContaining([
        '-Dreadonlymode.enabled=true',
        '-Djava.security.auth.login.config=/j.conf',
        '-Dzookeeper.DigestAuthenticationProvider.superDigest=super:x',
        '-Dlog4j.configuration=file:/l.properties',
      ]),
    );
  });
});

describe('jaasConfig', () => {
  it('renders a Server section for DigestLoginModule', () => {
    expect(jaasConfig({ alice: 'alice-secret', bob: 'b"b' })).toBe(
      'Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_alice="alice-secret"\n  user_bob="b\\"b";\n};\n',
    );
  });

  it('refuses unusable user names and an empty user list', () => {
    expect(() => jaasConfig({ 'a b': 'x' })).toThrow(/user name/);
    expect(() => jaasConfig({})).toThrow(/at least one/);
  });
});

describe('addresses', () => {
  it('reads a server address as the client reads a connect string (IPv6 in brackets, port 2181 by default)', () => {
    expect(parseAddress('a:1')).toEqual({ host: 'a', port: 1 });
    expect(parseAddress('[::1]:2')).toEqual({ host: '::1', port: 2 });
    expect(parseAddress('b')).toEqual({ host: 'b', port: 2181 });
    expect(() => parseAddress('a:99999')).toThrow(/port/);
  });

  it('treats loopback spellings as one host', () => {
    expect(sameAddress({ host: 'localhost', port: 5 }, { host: '127.0.0.1', port: 5 })).toBe(true);
    expect(sameAddress({ host: 'localhost', port: 5 }, { host: '127.0.0.1', port: 6 })).toBe(false);
    expect(sameAddress({ host: 'example.com', port: 5 }, { host: '127.0.0.1', port: 5 })).toBe(false);
  });
});

describe('parseMode', () => {
  it('reads the Mode line of srvr', () => {
    expect(parseMode('Zookeeper version: 3.8.0\nMode: read-only\nNode count: 5\n')).toBe('read-only');
    expect(parseMode('This ZooKeeper instance is not currently serving requests\n')).toBeNull();
  });
});
