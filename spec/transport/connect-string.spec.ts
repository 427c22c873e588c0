// The `hosts` option reads as ZooKeeper's ConnectStringParser reads a connect string,
// and refuses what would only fail later, at connect time.
import fc from 'fast-check';
import { InvalidArgumentError, InvalidPathError } from '../../src/errors';
import { DEFAULT_PORT, formatEndpoint, parseConnectString, shuffle } from '../../src/transport/connect-string';

describe('parseConnectString', () => {
  it.each([
    ['h1:2181,h2:2182', [['h1', 2181], ['h2', 2182]], ''],
    ['h1', [['h1', DEFAULT_PORT]], ''],
    ['127.0.0.1:3000', [['127.0.0.1', 3000]], ''],
    ['h1:2181,h2:2181/app', [['h1', 2181], ['h2', 2181]], '/app'],
    ['h1/app/sub', [['h1', 2181]], '/app/sub'],
    ['h1:2181/', [['h1', 2181]], ''], // "/" means no chroot (ConnectStringParser)
    ['[::1]:2181', [['::1', 2181]], ''],
    ['[::1]', [['::1', 2181]], ''],
    ['[fe80::1%eth0]:2182,h2/a', [['fe80::1%eth0', 2182], ['h2', 2181]], '/a'],
    [' h1:2181 , h2:2182 /app ', [['h1', 2181], ['h2', 2182]], '/app'],
    ['h1:65535', [['h1', 65535]], ''],
    ['h1:02181', [['h1', 2181]], ''],
  ])('%j', (hosts, endpoints, chroot) => {
    expect(parseConnectString(hosts)).toEqual({ endpoints: endpoints.map(([host, port]) => ({ host, port })), chroot });
  });

  it('reads the array form, a chroot only on the last item', () => {
    expect(parseConnectString(['h1:2181', ' [::1]:2182 ', 'h3/app'])).toEqual({
      endpoints: [
        { host: 'h1', port: 2181 },
        { host: '::1', port: 2182 },
        { host: 'h3', port: 2181 },
      ],
      chroot: '/app',
    });
    expect(() => parseConnectString(['h1/app', 'h2'])).toThrow(InvalidArgumentError);
    expect(() => parseConnectString([])).toThrow(InvalidArgumentError);
    expect(() => parseConnectString(['h1', 7 as unknown as string])).toThrow(InvalidArgumentError);
  });

  it('takes the chroot option, which must agree with a suffix', () => {
    expect(parseConnectString('h1', '/app').chroot).toBe('/app');
    expect(parseConnectString('h1', '/').chroot).toBe('');
    expect(parseConnectString('h1/app', '/app').chroot).toBe('/app');
    expect(() => parseConnectString('h1/app', '/other')).toThrow(InvalidArgumentError);
    expect(() => parseConnectString('h1/', '/app')).toThrow(InvalidArgumentError); // the suffix says "no chroot"
    expect(() => parseConnectString('h1', '/app/')).toThrow(InvalidPathError);
  });

  it('validates the chroot suffix as ZooKeeper does', () => {
    expect(() => parseConnectString('h1/app/')).toThrow(InvalidPathError);
    expect(() => parseConnectString('h1/a//b')).toThrow(InvalidPathError);
    expect(() => parseConnectString('h1/a/../b')).toThrow(InvalidPathError);
  });

  it.each([
    [''],
    ['   '],
    ['/app'],
    ['h1,,h2'],
    ['h1,'],
    [':2181'],
    ['h1:'],
    ['h1:0'],
    ['h1:65536'],
    ['h1:abc'],
    ['h1:-1'],
    ['h1:21 81'],
    ['h 1:2181'],
    ['::1'],
    ['::1:2181'],
    ['[::1'],
    ['[]:2181'],
    ['[::1]x'],
    ['[::1]:'],
    ['h]1:2181'],
  ])('refuses %j', (hosts) => {
    expect(() => parseConnectString(hosts)).toThrow(InvalidArgumentError);
  });

  it('refuses hosts that are neither a string nor an array', () => {
    expect(() => parseConnectString(42 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => parseConnectString(undefined as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('reads back what formatEndpoint writes', () => {
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(fc.array(fc.record({ host, port: fc.integer({ min: 1, max: 65535 }) }), { minLength: 1, maxLength: 5 }), (endpoints) => {
        expect(parseConnectString(endpoints.map(formatEndpoint).join(',')).endpoints).toEqual(endpoints);
        expect(parseConnectString(endpoints.map(formatEndpoint)).endpoints).toEqual(endpoints);
      }),
    );
  });
});

describe('formatEndpoint', () => {
  it('brackets IPv6 addresses', () => {
    expect(formatEndpoint({ host: 'zk1', port: 2181 })).toBe('zk1:2181');
    expect(formatEndpoint({ host: '10.0.0.1', port: 2182 })).toBe('10.0.0.1:2182');
    expect(formatEndpoint({ host: '::1', port: 2181 })).toBe('[::1]:2181');
  });
});

describe('shuffle', () => {
  it('returns a permutation in a new array and leaves its argument alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), (items, stream) => {
        const before = items.slice();
        const randoms = stream[Symbol.iterator]();
        const out = shuffle(items, () => randoms.next().value as number);
        expect(out).not.toBe(items);
        expect(items).toEqual(before);
        expect(out.slice().sort()).toEqual(before.slice().sort());
      }),
    );
  });

  it('is Fisher–Yates: a fixed random source gives a fixed order', () => {
    // random() = 0 swaps each item from the end with the first one.
    expect(shuffle([1, 2, 3, 4], () => 0)).toEqual([2, 3, 4, 1]);
    // random() just below 1 swaps each item with itself.
    expect(shuffle([1, 2, 3, 4], () => 0.999999)).toEqual([1, 2, 3, 4]);
  });

  it('reaches every order with equal chances', () => {
    const counts = new Map<string, number>();
    for (let n = 0; n < 6000; n++) {
      const key = shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800); // 1000 expected each
  });

  it('survives a random source outside its contract', () => {
    for (const bad of [1, -0.5, Number.NaN, 7]) {
      expect(shuffle([1, 2, 3], () => bad).sort()).toEqual([1, 2, 3]);
    }
  });
});
