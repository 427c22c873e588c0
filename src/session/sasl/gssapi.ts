import { createHash } from 'node:crypto';
import { errorMessage, loadKerberosBinding, withKerberosEnvironment, type KerberosBinding, type KerberosContext, type KerberosEnvironment } from './kerberos-binding';
import { SaslError } from './sasl-error';

/** Options of {@link GssapiClient}. */
export interface GssapiClientOptions {
  /**
   * The server's host-based service name, `service@host` (e.g.
   * 'zookeeper@zk1.example.com'), resolved when the exchange starts: the
   * factory canonicalises the connected host then.
   */
  target: () => Promise<string>;
  /** The client principal ('alice@EXAMPLE.COM'); default: the ticket cache's, or the keytab's first. */
  principal?: string;
  /** An absolute path to a client keytab to take (and, once expired, take again) tickets from. */
  keytab?: string;
  /** Loads the `kerberos` package; tests replace it. */
  loadBinding?: () => KerberosBinding;
}

const MECHANISM = 'GSSAPI';

/** RFC 4752 §3.1: the security layers of the server's offer and the client's choice. */
const NO_SECURITY_LAYER = 0x01;
const LAYER_NAMES: Record<number, string> = { 0x02: 'integrity', 0x04: 'confidentiality' };

type Stage = 'start' | 'context' | 'security-layer' | 'outcome' | 'complete' | 'failed';

/**
 * The client side of SASL GSSAPI (RFC 4752) over Kerberos V5, as ZooKeeper's
 * server runs it through Java's GSSAPI SaslServer, on the `kerberos` npm
 * binding (an optional peer, loaded at the first exchange).
 *
 * The exchange over ZooKeeper's sasl op (ZooKeeperSaslClient's order):
 * 1. {@link initialResponse}: the AP-REQ (gss_init_sec_context, mutual
 *    authentication), for which MIT first takes a service ticket, and a TGT
 *    when the cache has none valid (from the keytab, when one is given).
 * 2. The server's AP-REP completes the context; the answer is empty.
 * 3. The server's wrapped offer of security layers and buffer size: the
 *    answer is "no security layer" (ZooKeeper's default qop `auth`), size 0,
 *    and the client principal as authorisation id (as the Java client sends
 *    it), wrapped.
 * 4. The server's last reply says it accepted; then {@link complete} is true
 *    and nothing more is sent.
 * Every step is asynchronous (the binding runs GSSAPI off the main thread).
 * Any failure rejects with a {@link SaslError} and ends the exchange.
 *
 * @example
 * const sasl = new GssapiClient({ target: async () => 'zookeeper@zk1.example.com' });
 * let token = await sasl.initialResponse();
 * while (!sasl.complete) {
 *   const challenge = await sendSaslToken(token);  // the sasl op's reply
 *   token = await sasl.evaluateChallenge(challenge);
 * }
 */
export class GssapiClient {
  readonly mechanism = MECHANISM;
  private stage: Stage = 'start';
  private context: KerberosContext | null = null;
  private service = '';
  private readonly env: KerberosEnvironment;

  constructor(private readonly options: GssapiClientOptions) {
    this.env = kerberosEnvironment(options.keytab, options.principal);
  }

  /** True once the server has answered the final message: authentication succeeded. */
  get complete(): boolean {
    return this.stage === 'complete';
  }

  /**
   * Who authenticates, for logs: the principal the context was established
   * for, else the one asked for, else "the ticket cache's principal".
   *
   * @example
   * sasl.identity;  // 'alice@EXAMPLE.COM' once the context is complete
   */
  get identity(): string {
    if (this.context?.contextComplete && this.context.username) return this.context.username;
    return this.options.principal ?? (this.options.keytab === undefined ? "the ticket cache's principal" : `the first principal of ${this.options.keytab}`);
  }

  /**
   * The AP-REQ: loads the binding, resolves the service name, acquires the
   * credentials and runs the first gss_init_sec_context.
   *
   * @throws SaslError when the binding is missing, or no ticket can be had
   *   (no credentials, a key the KDC refuses, an unknown service principal)
   * @example
   * const apReq = await sasl.initialResponse();
   */
  async initialResponse(): Promise<Buffer> {
    this.expect('start');
    return this.guard(async () => {
      const binding = (this.options.loadBinding ?? loadKerberosBinding)();
      this.service = await this.options.target();
      const as = this.options.principal === undefined ? '' : ` as ${this.options.principal}`;
      this.context = await this.call(`cannot acquire Kerberos credentials${as}`, () =>
        binding.initializeClient(this.service, {
          ...(this.options.principal === undefined ? {} : { principal: this.options.principal }),
          mechOID: binding.GSS_MECH_OID_KRB5,
        }),
      );
      const context = this.context;
      const token = await this.call(`cannot get a Kerberos ticket for ${this.service}${as}`, () => context.step(''));
      this.stage = context.contextComplete ? 'security-layer' : 'context';
      return fromBase64(token);
    });
  }

  /**
   * Answers a token from the server (see the class for the order).
   *
   * @throws SaslError when GSSAPI rejects the token, the server offers no
   *   way to go without a security layer, or the exchange is over
   * @example
   * const answer = await sasl.evaluateChallenge(challenge);
   */
  async evaluateChallenge(challenge: Uint8Array): Promise<Buffer> {
    return this.guard(async () => {
      if (!(challenge instanceof Uint8Array)) throw new SaslError(MECHANISM, 'a server token must be bytes');
      const context = this.context;
      switch (this.stage) {
        case 'context': {
          if (context === null) throw new SaslError(MECHANISM, 'no security context');
          const token = await this.call('the server\'s token does not complete the Kerberos context (mutual authentication failed)', () =>
            context.step(Buffer.from(challenge).toString('base64')),
          );
          if (context.contextComplete) this.stage = 'security-layer';
          return fromBase64(token);
        }
        case 'security-layer':
          if (context === null) throw new SaslError(MECHANISM, 'no security context');
          return await this.chooseSecurityLayer(context, challenge);
        case 'outcome':
          // ZooKeeperSaslClient reads nothing from this reply: it only says the server accepted.
          this.stage = 'complete';
          return Buffer.alloc(0);
        default:
          throw new SaslError(MECHANISM, `no more tokens expected: the exchange has ${this.stage === 'complete' ? 'completed' : this.stage === 'failed' ? 'failed' : 'not started'}`);
      }
    });
  }

  /**
   * RFC 4752 §3.1: the server's wrapped offer is 4 octets, a bit mask of the
   * layers it supports and the largest message it receives. This client
   * takes none (1) with size 0, which the RFC requires when no layer is
   * chosen, and adds the authorisation id.
   */
  private async chooseSecurityLayer(context: KerberosContext, challenge: Uint8Array): Promise<Buffer> {
    const offer = fromBase64(await this.call('cannot unwrap the server\'s security layer offer', () => context.unwrap(Buffer.from(challenge).toString('base64'))));
    if (offer.length !== 4) throw new SaslError(MECHANISM, `the server's security layer offer is ${offer.length} bytes, not 4`);
    if ((offer[0] & NO_SECURITY_LAYER) === 0) {
      const offered = Object.entries(LAYER_NAMES).filter(([bit]) => (offer[0] & Number(bit)) !== 0).map(([, name]) => name);
      throw new SaslError(MECHANISM, `the server requires a security layer (${offered.join(', ') || 'none named'}), which this client does not offer: set the server's qop to auth`);
    }
    const authzid = context.username ? Buffer.from(context.username, 'utf8') : Buffer.alloc(0);
    const answer = Buffer.concat([Buffer.from([NO_SECURITY_LAYER, 0, 0, 0]), authzid]);
    const wrapped = await this.call('cannot wrap the security layer answer', () => context.wrap(answer.toString('base64'), { protect: false }));
    this.stage = 'outcome';
    return fromBase64(wrapped);
  }

  /** One call into the binding, in this client's Kerberos environment; its failure becomes a SaslError saying what failed. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withKerberosEnvironment(this.env, fn);
    } catch (err) {
      throw new SaslError(MECHANISM, `${what}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Runs a step; any failure ends the exchange as a SaslError. */
  private async guard(step: () => Promise<Buffer>): Promise<Buffer> {
    try {
      return await step();
    } catch (err) {
      this.stage = 'failed';
      if (err instanceof SaslError) throw err;
      throw new SaslError(MECHANISM, `cannot evaluate the server token: ${errorMessage(err)}`, { cause: err });
    }
  }

  private expect(stage: Stage): void {
    if (this.stage !== stage) throw new SaslError(MECHANISM, `initialResponse() comes first, and once (the exchange is at ${this.stage})`);
  }
}

/**
 * With a keytab: MIT takes tickets from it by itself (`KRB5_CLIENT_KTNAME`,
 * the client keytab, again when they expire) into an in-memory cache of this
 * keytab and principal alone, so the user's own ticket cache is neither read
 * nor overwritten. Without one: the process's environment as it is (the
 * default cache, `KRB5CCNAME`).
 */
function kerberosEnvironment(keytab: string | undefined, principal: string | undefined): KerberosEnvironment {
  if (keytab === undefined) return {};
  const cache = createHash('sha256').update(`${keytab}\0${principal ?? ''}`).digest('hex').slice(0, 16);
  return { KRB5_CLIENT_KTNAME: `FILE:${keytab}`, KRB5CCNAME: `MEMORY:rxzk-${cache}` };
}

function fromBase64(token: string | null | undefined): Buffer {
  return Buffer.from(token ?? '', 'base64');
}
