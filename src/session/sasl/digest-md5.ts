import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError } from './sasl-error';

/** Options of {@link DigestMd5Client}. */
export interface DigestMd5Options {
  /** The user, as listed in the server's JAAS `Server` section (`user_<name>="<password>"`). */
  username: string;
  password: string;
  /** The identity to act as, when it differs from `username` (RFC 2831 `authzid`). */
  authzid?: string;
  /**
   * The digest-uri's service and host. ZooKeeper fixes both: its Java client
   * and server create the mechanism with protocol 'zookeeper' and server name
   * 'zk-sasl-md5' (ZooKeeperSaslClient, ZooKeeperSaslServer), whatever host is
   * actually connected to, and Java's server refuses another digest-uri.
   */
  service?: string;
  host?: string;
  /** The realm to authenticate in; by default the first one the server offers ('zk-sasl-md5' for ZooKeeper). */
  realm?: string;
  /** The client nonce; tests fix it, by default 16 random bytes in base64. */
  cnonce?: () => string;
}

const MECHANISM = 'DIGEST-MD5';

/** RFC 2831 §2.1.1: "The size of a digest-challenge MUST be less than 2048 bytes." */
const MAX_CHALLENGE_BYTES = 2048;

/** nc: this client answers one challenge per exchange, so the nonce count is always 1. */
const NONCE_COUNT = '00000001';

type Step = 'challenge' | 'rspauth' | 'complete' | 'failed';

/**
 * The client side of the SASL DIGEST-MD5 mechanism (RFC 2831), authentication
 * only (qop=auth, no security layer), as ZooKeeper's server runs it through
 * Java's DIGEST-MD5 SaslServer.
 *
 * The exchange over ZooKeeper's sasl op: the client sends
 * {@link initialResponse} (empty: DIGEST-MD5 has no initial response); the
 * server answers with a challenge, which {@link evaluateChallenge} turns into
 * the response to send; the server answers with `rspauth=…`, which
 * {@link evaluateChallenge} checks, returning an empty token that is not sent:
 * {@link complete} is then true (ZooKeeperSaslClient sends nothing more
 * either). Any failure throws a {@link SaslError} and ends the exchange.
 *
 * @example
 * const sasl = new DigestMd5Client({ username: 'bob', password: 'secret' });
 * let token = sasl.initialResponse();
 * while (!sasl.complete) {
 *   const challenge = await sendSaslToken(token);  // the sasl op's reply
 *   token = sasl.evaluateChallenge(challenge);
 * }
 */
export class DigestMd5Client {
  readonly mechanism = MECHANISM;
  private step: Step = 'challenge';
  private expectedRspauth = '';
  private readonly options: Required<Omit<DigestMd5Options, 'authzid' | 'realm'>> & Pick<DigestMd5Options, 'authzid' | 'realm'>;

  /** @throws SaslError when username or password is missing, or an option has the wrong type */
  constructor(options: DigestMd5Options) {
    for (const key of ['username', 'password', 'service', 'host', 'authzid', 'realm'] as const) {
      const value: unknown = options[key];
      if (value !== undefined && typeof value !== 'string') throw new SaslError(MECHANISM, `${key} must be a string`);
    }
    if (options.username === undefined || options.password === undefined) {
      throw new SaslError(MECHANISM, 'username and password are required');
    }
    if (options.cnonce !== undefined && typeof options.cnonce !== 'function') throw new SaslError(MECHANISM, 'cnonce must be a function');
    this.options = {
      username: options.username,
      password: options.password,
      authzid: options.authzid,
      realm: options.realm,
      service: options.service ?? 'zookeeper',
      host: options.host ?? 'zk-sasl-md5',
      // RFC 2831 §2.1.2: the cnonce must be unpredictable; 128 random bits.
      cnonce: options.cnonce ?? (() => randomBytes(16).toString('base64')),
    };
  }

  /**
   * The user authenticating, for logs.
   *
   * @example
   * new DigestMd5Client({ username: 'bob', password: 'secret' }).identity;  // 'bob'
   */
  get identity(): string {
    return this.options.username;
  }

  /** Whether the server has proved it knows the password: authentication succeeded. */
  get complete(): boolean {
    return this.step === 'complete';
  }

  /**
   * The first token to send: empty, since DIGEST-MD5 starts with the server's challenge.
   *
   * @example
   * new DigestMd5Client({ username: 'bob', password: 'secret' }).initialResponse();  // <Buffer >
   */
  initialResponse(): Buffer {
    return Buffer.alloc(0);
  }

  /**
   * Answers a token from the server: the digest-challenge gives the
   * digest-response to send, the final `rspauth=…` is verified and gives an
   * empty token not to be sent (then {@link complete} is true).
   *
   * @throws SaslError on a malformed or unacceptable challenge, a wrong
   *   rspauth, or a call after the exchange has completed or failed
   * @example
   * const response = sasl.evaluateChallenge(challenge);  // 'charset=utf-8,username="bob",…'
   * sasl.evaluateChallenge(Buffer.from('rspauth=…'));     // <Buffer >, sasl.complete === true
   */
  evaluateChallenge(challenge: Uint8Array): Buffer {
    try {
      if (!(challenge instanceof Uint8Array)) throw new SaslError(MECHANISM, 'a server token must be bytes');
      switch (this.step) {
        case 'challenge':
          return this.answerChallenge(challenge);
        case 'rspauth':
          this.checkRspauth(challenge);
          return Buffer.alloc(0);
        default:
          throw new SaslError(MECHANISM, `no more tokens expected: the exchange has ${this.step === 'complete' ? 'completed' : 'failed'}`);
      }
    } catch (error) {
      this.step = 'failed';
      if (error instanceof SaslError) throw error;
      throw new SaslError(MECHANISM, 'cannot evaluate the server token', { cause: error });
    }
  }

  /** RFC 2831 §2.1.1 (digest-challenge) and §2.1.2 (digest-response). */
  private answerChallenge(bytes: Uint8Array): Buffer {
    if (bytes.length === 0) {
      // What ZooKeeper answers when it has no SASL server for the connection (no JAAS 'Server'
      // section: it logs "cnxn.saslServer is null") instead of a challenge.
      throw new SaslError(MECHANISM, "the server sent an empty challenge: SASL is not enabled on it (the server needs a JAAS 'Server' section)");
    }
    if (bytes.length >= MAX_CHALLENGE_BYTES) {
      throw new SaslError(MECHANISM, `the challenge is ${bytes.length} bytes, not less than ${MAX_CHALLENGE_BYTES}`);
    }
    const directives = parseDirectives(bytes);
    const challenge = readChallenge(directives);
    const { username, password, authzid, service, host } = this.options;
    const utf8 = challenge.utf8;
    const realm = this.options.realm ?? challenge.realms[0] ?? '';
    const cnonce = Buffer.from(this.options.cnonce(), 'utf8');
    if (cnonce.length === 0) throw new SaslError(MECHANISM, 'the cnonce must not be empty');
    const digestUri = `${service}/${host}`;

    // A1 = { H({ username, ":", realm, ":", passwd }), ":", nonce, ":", cnonce [ ":", authzid ] }
    const userHash = md5(
      credentialBytes(username, 'username', utf8),
      COLON,
      credentialBytes(realm, 'realm', utf8),
      COLON,
      credentialBytes(password, 'password', utf8),
    );
    const a1 = [userHash, COLON, challenge.nonce, COLON, cnonce];
    if (authzid !== undefined) a1.push(COLON, text(authzid, utf8));
    const ha1 = md5(...a1).toString('hex');
    // HEX(KD(HEX(H(A1)), { nonce, ":", nc, ":", cnonce, ":", qop, ":", HEX(H(A2)) })) with qop=auth
    const kd = (a2: string): string => {
      const ha2 = md5(text(a2, utf8)).toString('hex');
      return md5(Buffer.from(`${ha1}:`), challenge.nonce, Buffer.from(`:${NONCE_COUNT}:`), cnonce, Buffer.from(`:auth:${ha2}`)).toString('hex');
    };

    this.expectedRspauth = kd(`:${digestUri}`);
    const response: Buffer[] = [];
    if (utf8) response.push(Buffer.from('charset=utf-8,'));
    response.push(Buffer.from('username='), quoted(text(username, utf8)));
    if (realm !== '' || challenge.realms.length > 0) response.push(Buffer.from(',realm='), quoted(text(realm, utf8)));
    response.push(Buffer.from(',nonce='), quoted(challenge.nonce), Buffer.from(`,nc=${NONCE_COUNT},cnonce=`), quoted(cnonce));
    response.push(Buffer.from(',digest-uri='), quoted(text(digestUri, utf8)));
    response.push(Buffer.from(`,response=${kd(`AUTHENTICATE:${digestUri}`)},qop=auth`));
    if (authzid !== undefined) response.push(Buffer.from(',authzid='), quoted(text(authzid, utf8)));
    this.step = 'rspauth';
    return Buffer.concat(response);
  }

  /** RFC 2831 §2.1.3: the server proves it knows the password too. */
  private checkRspauth(bytes: Uint8Array): void {
    const directives = parseDirectives(bytes);
    const rspauth = single(directives, 'rspauth');
    if (rspauth === undefined) throw new SaslError(MECHANISM, 'the server sent no rspauth');
    const expected = Buffer.from(this.expectedRspauth, 'latin1');
    const received = Buffer.from(rspauth.toString('latin1').toLowerCase(), 'latin1');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw new SaslError(MECHANISM, 'the server\'s rspauth does not match: it does not know this password');
    }
    this.step = 'complete';
  }
}

interface Challenge {
  realms: string[];
  nonce: Buffer;
  utf8: boolean;
}

/** Checks the directives RFC 2831 §2.1.1 requires of a digest-challenge. */
function readChallenge(directives: Map<string, Buffer[]>): Challenge {
  for (const name of ['nonce', 'qop', 'stale', 'maxbuf', 'charset', 'algorithm', 'cipher']) single(directives, name);
  const charset = single(directives, 'charset')?.toString('latin1');
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') throw new SaslError(MECHANISM, `unsupported charset ${JSON.stringify(charset)}`);
  const utf8 = charset !== undefined;

  const nonce = single(directives, 'nonce');
  if (nonce === undefined || nonce.length === 0) throw new SaslError(MECHANISM, 'the challenge has no nonce');
  const algorithm = single(directives, 'algorithm')?.toString('latin1');
  if (algorithm?.toLowerCase() !== 'md5-sess') throw new SaslError(MECHANISM, `the challenge's algorithm must be md5-sess, not ${JSON.stringify(algorithm)}`);
  // qop-options default to "auth" when absent; this client needs no security layer.
  const qop = single(directives, 'qop')?.toString('latin1') ?? 'auth';
  if (!qop.split(',').some((option) => option.trim().toLowerCase() === 'auth')) {
    throw new SaslError(MECHANISM, `the server offers qop ${JSON.stringify(qop)} but not "auth"`);
  }
  const realms = (directives.get('realm') ?? []).map((realm) => decodeValue(realm, utf8));
  return { realms, nonce, utf8 };
}

/** The one value of a directive; more than one is a protocol error (RFC 2831 §2.1.1). */
function single(directives: Map<string, Buffer[]>, name: string): Buffer | undefined {
  const values = directives.get(name);
  if (values !== undefined && values.length > 1) throw new SaslError(MECHANISM, `the server sent more than one ${name} directive`);
  return values?.[0];
}

/**
 * Parses a comma-separated list of `name=token` and `name="quoted string"`
 * directives (RFC 2831 §7.1 #rule: empty elements and linear white space are
 * allowed) into lower-case names and raw, unescaped value bytes.
 */
function parseDirectives(bytes: Uint8Array): Map<string, Buffer[]> {
  const directives = new Map<string, Buffer[]>();
  let i = 0;
  const skipLws = (): void => {
    while (i < bytes.length && isLws(bytes[i])) i++;
  };
  for (;;) {
    while (i < bytes.length && (isLws(bytes[i]) || bytes[i] === COMMA_BYTE)) i++;
    if (i >= bytes.length) return directives;
    const nameStart = i;
    while (i < bytes.length && isNameByte(bytes[i])) i++;
    if (i === nameStart) throw malformed(`unexpected byte 0x${bytes[i].toString(16)} at ${i}`);
    const name = Buffer.from(bytes.subarray(nameStart, i)).toString('latin1').toLowerCase();
    skipLws();
    if (bytes[i] !== EQUALS_BYTE) throw malformed(`expected '=' after ${name}`);
    i++;
    skipLws();
    let value: Buffer;
    if (bytes[i] === QUOTE_BYTE) {
      const unescaped: number[] = [];
      for (i++; ; i++) {
        if (i >= bytes.length) throw malformed(`unterminated quoted value of ${name}`);
        const byte = bytes[i];
        if (byte === QUOTE_BYTE) break;
        if (byte === BACKSLASH_BYTE) i++; // quoted-pair: the next byte stands for itself
        if (i >= bytes.length) throw malformed(`unterminated quoted value of ${name}`);
        unescaped.push(bytes[i]);
      }
      i++;
      value = Buffer.from(unescaped);
    } else {
      const valueStart = i;
      while (i < bytes.length && isTokenValueByte(bytes[i])) i++;
      if (i === valueStart) throw malformed(`no value for ${name}`);
      value = Buffer.from(bytes.subarray(valueStart, i));
    }
    skipLws();
    if (i < bytes.length && bytes[i] !== COMMA_BYTE) throw malformed(`expected ',' after the value of ${name}`);
    const values = directives.get(name);
    if (values === undefined) directives.set(name, [value]);
    else values.push(value);
  }
}

function malformed(detail: string): SaslError {
  return new SaslError(MECHANISM, `malformed server token: ${detail}`);
}

const COMMA_BYTE = 0x2c;
const EQUALS_BYTE = 0x3d;
const QUOTE_BYTE = 0x22;
const BACKSLASH_BYTE = 0x5c;
const COLON = Buffer.from(':');

function isLws(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}

/** A directive name: printable ASCII except the separators that end it. */
function isNameByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && byte !== COMMA_BYTE && byte !== EQUALS_BYTE && byte !== QUOTE_BYTE && byte !== BACKSLASH_BYTE;
}

/** An unquoted value runs to the next comma or white space (as Java's parser reads it). */
function isTokenValueByte(byte: number): boolean {
  return byte > 0x20 && byte !== 0x7f && byte !== COMMA_BYTE && byte !== QUOTE_BYTE;
}

/** A quoted-string: `"` and `\` escaped, and control bytes too (as Java's DigestMD5Base.quotedStringValue). */
function quoted(value: Buffer): Buffer {
  const out: number[] = [QUOTE_BYTE];
  for (const byte of value) {
    const control = byte === 0x7f || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
    if (byte === QUOTE_BYTE || byte === BACKSLASH_BYTE || control) out.push(BACKSLASH_BYTE);
    out.push(byte);
  }
  out.push(QUOTE_BYTE);
  return Buffer.from(out);
}

/** A value as text: UTF-8 when the server announced charset=utf-8, else ISO 8859-1. */
function decodeValue(value: Buffer, utf8: boolean): string {
  if (!utf8) return value.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch (error) {
    throw new SaslError(MECHANISM, 'the challenge is not valid UTF-8', { cause: error });
  }
}

/** Text on the wire: UTF-8 after charset=utf-8, else ISO 8859-1 (RFC 2831 §2.1.2). */
function text(value: string, utf8: boolean): Buffer {
  if (!utf8 && !isLatin1(value)) throw new SaslError(MECHANISM, 'a value has characters outside ISO 8859-1 and the server did not offer charset=utf-8');
  return Buffer.from(value, utf8 ? 'utf8' : 'latin1');
}

/**
 * Username, realm and password as hashed into A1 (RFC 2831 §2.1.2.1): in
 * ISO 8859-1 when every character fits, else in UTF-8 (only allowed after
 * charset=utf-8). Each is converted on its own, as Java's
 * DigestMD5Base.stringToByte_8859_1 does, which the server runs.
 */
function credentialBytes(value: string, what: string, utf8: boolean): Buffer {
  if (isLatin1(value)) return Buffer.from(value, 'latin1');
  if (!utf8) throw new SaslError(MECHANISM, `the ${what} has characters outside ISO 8859-1 and the server did not offer charset=utf-8`);
  return Buffer.from(value, 'utf8');
}

function isLatin1(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

function md5(...parts: Uint8Array[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}
