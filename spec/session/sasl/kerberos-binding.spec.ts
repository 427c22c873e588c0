// The real `kerberos` binding as rxzk loads it. Jest gives each test file (and jest.isolateModules) a module
// registry of its own, which runs a package's JavaScript again while the native addon under it is loaded once per
// process; the package wraps its addon's methods when it runs, so loaded twice through Jest's require its step()
// never settled and every GSSAPI exchange of a second test file in the worker hung.
import { loadKerberosBinding, withKerberosEnvironment, type KerberosBinding } from '../../../src/session/sasl/kerberos-binding';

function loadInFreshRegistry(): KerberosBinding {
  let binding: KerberosBinding | undefined;
  jest.isolateModules(() => {
    const fresh = require('../../../src/session/sasl/kerberos-binding') as { loadKerberosBinding: typeof loadKerberosBinding };
    binding = fresh.loadKerberosBinding();
  });
  return binding!;
}

/** Settles or says it did not, within `ms`. */
function settles(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), pending]).finally(() => clearTimeout(timer));
}

describe('the kerberos binding loaded by several module registries', () => {
  it('answers every time: a first step without credentials fails, it does not hang', async () => {
    // An empty in-memory cache: the first step fails at once, without asking any KDC.
    const env = { KRB5CCNAME: 'MEMORY:rxzk-binding-spec' };
    for (const binding of [loadInFreshRegistry(), loadInFreshRegistry(), loadKerberosBinding()]) {
      const context = await withKerberosEnvironment(env, () => binding.initializeClient('zookeeper@localhost', { mechOID: binding.GSS_MECH_OID_KRB5 }));
      expect(await settles(withKerberosEnvironment(env, () => context.step('')), 5_000)).toBe('settled');
    }
  });
});
