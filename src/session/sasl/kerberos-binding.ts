import type * as NodeModule from 'node:module';
import { runInThisContext } from 'node:vm';
import { SaslError } from './sasl-error';

/** The npm package GSSAPI needs: mongodb-js' N-API binding to the system's GSSAPI (MIT Kerberos, Heimdal). */
export const KERBEROS_PACKAGE = 'kerberos';

/** The one-line advice every "binding missing" error carries. */
const INSTALL_ADVICE =
  `install the optional peer dependency '${KERBEROS_PACKAGE}' (npm install ${KERBEROS_PACKAGE}; it builds against the ` +
  `system's GSSAPI headers: apt-get install libkrb5-dev or dnf install krb5-devel; without network: npm install ` +
  `${KERBEROS_PACKAGE} --build-from-source)`;

/** A GSSAPI security context being established, as the `kerberos` package's KerberosClient exposes it. */
export interface KerberosContext {
  /** True once gss_init_sec_context returned GSS_S_COMPLETE. */
  readonly contextComplete: boolean;
  /** The initiator's principal once the context is complete (gss_display_name), e.g. 'alice@EXAMPLE.COM'. */
  readonly username: string;
  /** gss_init_sec_context on the server's token (base64, '' for the first call); resolves with the token to send (base64). */
  step(challenge: string): Promise<string>;
  /** gss_unwrap (base64 in and out). */
  unwrap(challenge: string): Promise<string>;
  /** gss_wrap without confidentiality (base64 in and out); no `user`: the binding would rewrite the message. */
  wrap(challenge: string, options?: { protect?: boolean }): Promise<string>;
}

/** The part of the `kerberos` package (2.x and 7.x share it) this client uses. */
export interface KerberosBinding {
  /**
   * Imports `service` as a host-based service name (`service@host`,
   * GSS_C_NT_HOSTBASED_SERVICE) and, with `principal`, acquires that
   * initiator's credentials; flags default to mutual authentication and
   * sequencing, which RFC 4752 asks for.
   */
  initializeClient(service: string, options?: { principal?: string; mechOID?: number }): Promise<KerberosContext>;
  /** The Kerberos V5 mechanism (RFC 4752 is GSSAPI over Kerberos V5, not SPNEGO). */
  readonly GSS_MECH_OID_KRB5: number;
}

/**
 * Loads the `kerberos` package, only now: it is an optional peer, needed
 * (and built, with its native part) only by users of GSSAPI, so nothing else
 * of rxzk ever requires it. (Node's module cache makes later calls cheap.)
 *
 * @throws SaslError naming the package to install when it is missing or cannot be loaded
 */
export function loadKerberosBinding(load: (id: string) => unknown = nodeRequire()): KerberosBinding {
  let loaded: unknown;
  try {
    loaded = load(KERBEROS_PACKAGE);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = errorMessage(err);
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${KERBEROS_PACKAGE}'`)) {
      throw new SaslError('GSSAPI', `the Kerberos library is missing: ${INSTALL_ADVICE}`, { cause: err });
    }
    // Installed but unusable: typically a native part never built (its install script did not run or failed).
    throw new SaslError('GSSAPI', `the '${KERBEROS_PACKAGE}' package cannot be loaded (${message}): ${INSTALL_ADVICE}`, { cause: err });
  }
  const candidate = loaded as Partial<KerberosBinding> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.initializeClient !== 'function') {
    throw new SaslError('GSSAPI', `the '${KERBEROS_PACKAGE}' package found has no initializeClient(): ${INSTALL_ADVICE}`);
  }
  return candidate as KerberosBinding;
}

/**
 * Node's own `require`, resolving from this module. Under Jest, `require` is
 * a test file's module registry, which runs a package's JavaScript again for
 * each test file while the native addon under it is loaded once per process:
 * the `kerberos` package wraps its addon's prototype methods when it runs,
 * and wrapped twice its `step()` never settles. Node's module cache runs it
 * once. (`process.getBuiltinModule` is Node ≥ 20.16; before it, `require`.)
 */
function nodeRequire(): (id: string) => unknown {
  try {
    const real = runInThisContext('process') as { getBuiltinModule?: (id: string) => unknown };
    const builtin = real.getBuiltinModule?.('node:module') as typeof NodeModule | undefined;
    if (builtin !== undefined) return builtin.createRequire(__filename);
  } catch {
    // No main context to ask (a bundle run elsewhere): the module's own require.
  }
  return require;
}

/**
 * An error's message. Not `instanceof Error`: under a vm context (Jest) the
 * binding's errors and Node's come from another realm.
 *
 * @example
 * errorMessage(new Error('Preauthentication failed'));  // 'Preauthentication failed'
 */
export function errorMessage(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

/** The environment variables one GSSAPI call runs under (MIT reads them on the thread making the call). */
export type KerberosEnvironment = Readonly<Record<string, string>>;

/** The variables MIT Kerberos reads that a user may set in `process.env`: passed to every call as they are there. */
const MIT_VARIABLES = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_CLIENT_KTNAME', 'KRB5_KTNAME', 'KRB5_TRACE'] as const;

/**
 * The environment native code reads. Usually `process.env` itself; but in a
 * sandbox (Jest runs each test file in a vm context whose `process.env` is a
 * copy) a change there reaches no native library, so the main context's
 * `process` is asked for its own.
 */
export function nativeEnvironment(): NodeJS.ProcessEnv {
  try {
    return (runInThisContext('process') as NodeJS.Process).env;
  } catch {
    return process.env;
  }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one call into the binding with the MIT variables of `process.env`
 * (KRB5_CONFIG, KRB5CCNAME, …) and then `env` set in the environment native
 * code reads, and restores it after; calls run one at a time, process-wide.
 *
 * Why: MIT Kerberos takes its configuration, the client keytab
 * (`KRB5_CLIENT_KTNAME`) and the ticket cache (`KRB5CCNAME`) from the
 * process environment, read on the libuv worker thread that runs the
 * binding's call, and the binding offers no other way to name them.
 * Serialising every call lets clients with different keytabs and caches
 * share one process; each call is short (the first step of an exchange
 * waits for the KDC, the others only compute).
 *
 * @example
 * const context = await withKerberosEnvironment({ KRB5CCNAME: 'MEMORY:rxzk-1' }, () => binding.initializeClient('zookeeper@zk1'));
 */
export function withKerberosEnvironment<T>(env: KerberosEnvironment, call: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const native = nativeEnvironment();
    const wanted = new Map<string, string | undefined>(MIT_VARIABLES.map((name) => [name, process.env[name]]));
    for (const [name, value] of Object.entries(env)) wanted.set(name, value);
    const saved = new Map<string, string | undefined>();
    for (const [name, value] of wanted) {
      saved.set(name, native[name]);
      setVariable(native, name, value);
    }
    try {
      return await call();
    } finally {
      for (const [name, value] of saved) setVariable(native, name, value);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function setVariable(env: NodeJS.ProcessEnv, name: string, value: string | undefined): void {
  if (value === undefined) delete env[name];
  else env[name] = value;
}
