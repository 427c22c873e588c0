// curator-x-discovery's rules without a server (issue 19): the instance JSON Curator's JsonInstanceSerializer writes
// and reads, a registration's checks, UriSpec, the providers' strategies and DownInstancePolicy.
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { parseUriSpec, serviceUri, type ServiceInstance } from '../../../src/recipes';
import { DownInstances, checkDownPolicy } from '../../../src/recipes/discovery/down-instances';
import { instanceJson, parseInstance } from '../../../src/recipes/discovery/instance-json';
import { instanceFor } from '../../../src/recipes/discovery/registration-check';
import { strategyFor } from '../../../src/recipes/discovery/strategies';

const instance = (id: string, over: Partial<ServiceInstance> = {}): ServiceInstance => ({
  name: 'billing',
  id,
  address: '10.0.0.5',
  port: 8080,
  sslPort: null,
  payload: null,
  registrationTimeUTC: 1_700_000_000_000,
  serviceType: 'DYNAMIC',
  uriSpec: null,
  enabled: true,
  ...over,
});

describe("curator-x-discovery's instance JSON", () => {
  it("writes Curator's fields in Curator's order, no enabled unless disabled (CURATOR-275), a list payload in Jackson's wrapper", () => {
    const json = JSON.parse(instanceJson(instance('b-1', { payload: [1, 2] })).toString()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
    expect(json.payload).toEqual(['java.util.ArrayList', [1, 2]]);
    expect(JSON.parse(instanceJson(instance('b-2', { enabled: false })).toString())).toMatchObject({ enabled: false });
  });

  it("reads as Curator reads: unknown fields ignored, a missing enabled true, a wrapped payload as its value; not an instance: null", () => {
    const read = parseInstance(Buffer.from('{"name":"billing","id":"j-1","address":"a","port":1,"payload":["java.util.ArrayList",[3]],"extra":1}'));
    expect(read).toMatchObject({ name: 'billing', id: 'j-1', enabled: true, payload: [3], serviceType: 'DYNAMIC', sslPort: null });
    expect(parseInstance(instanceJson(instance('b-1')))).toEqual(instance('b-1'));
    expect(parseInstance(Buffer.from('[1]'))).toBeNull();
    expect(parseInstance(Buffer.from('{"name":"x"}'))).toBeNull();
    expect(parseInstance(Buffer.from('garbage'))).toBeNull();
  });
});

describe('a registration', () => {
  it('is checked and filled in before anything is sent: a UUID id, DYNAMIC, Curator parts for uriSpec', () => {
    const { instance: made, type } = instanceFor({ name: 'billing', address: 'a', port: 80, uriSpec: '{scheme}://{address}' }, '/sd', 42);
    expect(type).toBe('DYNAMIC');
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.registrationTimeUTC).toBe(42);
    expect(made.uriSpec).toEqual({ parts: [{ value: 'scheme', variable: true }, { value: '://', variable: false }, { value: 'address', variable: true }] });
  });

  it('refuses what Curator could not store or read', () => {
    expect(() => instanceFor({ name: 'a/b', address: 'x' }, '/sd', 0)).toThrow(InvalidPathError);
    expect(() => instanceFor({ name: 'n', address: '' }, '/sd', 0)).toThrow('register: address must be a non-empty string');
    expect(() => instanceFor({ name: 'n', address: 'x', port: 70000 }, '/sd', 0)).toThrow(InvalidArgumentError);
    expect(() => instanceFor({ name: 'n', address: 'x', serviceType: 'EPHEMERAL' }, '/sd', 0)).toThrow(InvalidArgumentError);
    expect(() => instanceFor({ name: 'n', address: 'x', payload: 1n }, '/sd', 0)).toThrow('register: payload must be JSON');
    expect(() => instanceFor({ name: 'n', address: 'x', adress: 'y' }, '/sd', 0)).toThrow("did you mean 'address'");
  });
});

describe("Curator's UriSpec", () => {
  it('parses as its StringTokenizer does, and builds the URI as buildUriSpec', () => {
    expect(parseUriSpec('{scheme}://{ address }:{port}').parts.map((p) => p.value)).toEqual(['scheme', '://', 'address', ':', 'port']);
    expect(() => parseUriSpec('{a{b}}')).toThrow(InvalidArgumentError);
    expect(() => parseUriSpec('a}')).toThrow(InvalidArgumentError);
    expect(() => parseUriSpec('{open')).toThrow(InvalidArgumentError);
    const spec = parseUriSpec('{scheme}://{address}:{port}/{name}{[}x{]}');
    expect(serviceUri(instance('b-1', { uriSpec: spec }))).toBe('http://10.0.0.5:8080/billing{x}');
    expect(serviceUri(instance('b-1', { uriSpec: spec, sslPort: 8443 }))).toBe('https://10.0.0.5:8080/billing{x}');
    expect(serviceUri(instance('b-1', { uriSpec: '{address}/{unknown}' }))).toBe('10.0.0.5/');
    expect(serviceUri(instance('b-1'))).toBe('');
  });
});

describe("the providers' strategies", () => {
  const list = [instance('a'), instance('b'), instance('c')];

  it("round-robin takes each in turn (Curator's index grows, modulo the current list)", () => {
    const next = strategyFor(undefined);
    expect([next(list), next(list), next(list), next(list)].map((i) => i?.id)).toEqual(['a', 'b', 'c', 'a']);
    expect(next([])).toBeNull();
  });

  it('sticky keeps its pick while it is in the list, then picks the next in turn', () => {
    const next = strategyFor('sticky');
    expect([next(list), next(list)].map((i) => i?.id)).toEqual(['a', 'a']);
    expect(next([instance('b'), instance('c')])?.id).toBe('c');
  });

  it('random picks one of them; an unknown name is refused', () => {
    expect(list).toContainEqual(strategyFor('random')(list));
    expect(() => strategyFor('fastest')).toThrow(InvalidArgumentError);
  });
});

describe('DownInstances', () => {
  it('skips an instance for timeoutMs from the error that crossed the threshold, then hands it out again', () => {
    let now = 0;
    const down = new DownInstances({ timeoutMs: 1_000, errorThreshold: 2 }, () => now);
    down.note('a');
    expect(down.isDown('a')).toBe(false);
    now = 500;
    down.note('a');
    expect(down.isDown('a')).toBe(true);
    now = 1_499;
    expect(down.isDown('a')).toBe(true);
    now = 1_500;
    expect(down.isDown('a')).toBe(false);
  });

  it('forgets errors whose window ran out below the threshold', () => {
    let now = 0;
    const down = new DownInstances({}, () => now); // Curator's defaults: 30 s, 2 errors
    down.note('a');
    now = 30_000;
    down.note('a');
    expect(down.isDown('a')).toBe(false);
    expect(() => checkDownPolicy({ errorThreshold: 0 })).toThrow(InvalidArgumentError);
  });
});
