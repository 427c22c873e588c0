// The `tls` option as the client prepares it, and how TLS failures are classified and worded.
import * as tls from 'node:tls';
import { InvalidArgumentError, createClient } from '../../src';
import { resolveOptions } from '../../src/client/options';
import { prepareTls } from '../../src/transport/socket-connector';
import { isPermanentTlsError, tlsHint, tlsMessage } from '../../src/transport/tls-errors';

const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('prepareTls', () => {
  it('means plain TCP for undefined and false', () => {
    expect(prepareTls(undefined)).toBeUndefined();
    expect(prepareTls(false)).toBeUndefined();
  });

  it("builds one secure context up front, for true and for Node's options", () => {
    const prepared = prepareTls(true);
    expect(prepared?.secureContext).toBeDefined();
    const withOptions = prepareTls({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    expect(withOptions).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    expect(withOptions?.secureContext).toBeDefined();
  });

  it("keeps a caller's secure context", () => {
    const secureContext = tls.createSecureContext({});
    expect(prepareTls({ secureContext })?.secureContext).toBe(secureContext);
  });

  it('turns verifyHostname: false into a checkServerIdentity that accepts any name, and drops the key', () => {
    const prepared = prepareTls({ verifyHostname: false });
    expect(prepared).not.toHaveProperty('verifyHostname');
    expect(prepared?.checkServerIdentity?.('elsewhere.example', {} as tls.PeerCertificate)).toBeUndefined();
    const checked = prepareTls({ verifyHostname: true });
    expect(checked).not.toHaveProperty('verifyHostname');
    expect(checked?.checkServerIdentity).toBeUndefined();
  });

  it('refuses verifyHostname beside checkServerIdentity, a non-boolean verifyHostname, and unreadable PEMs', () => {
    expect(() => prepareTls({ verifyHostname: false, checkServerIdentity: () => undefined })).toThrow(/give only one/);
    expect(() => prepareTls({ verifyHostname: 'no' as unknown as boolean })).toThrow(/must be a boolean/);
    expect(() => prepareTls({ cert: 'not a certificate', key: 'not a key' })).toThrow();
  });
});

describe('the tls and sasl options', () => {
  it('are checked by createClient with InvalidArgumentError', () => {
    const hosts = '127.0.0.1:2181';
    expect(() => createClient({ hosts, tls: 'yes' as unknown as boolean })).toThrow(InvalidArgumentError);
    expect(() => createClient({ hosts, tls: { cert: 'not a PEM certificate', key: 'not a PEM key' } })).toThrow(InvalidArgumentError);
    expect(() => createClient({ hosts, sasl: { mechanism: 'PLAIN' as 'DIGEST-MD5', username: 'a', password: 'b' } })).toThrow(/DIGEST-MD5/);
    expect(() => createClient({ hosts, sasl: { mechanism: 'DIGEST-MD5', username: '', password: 'b' } })).toThrow(InvalidArgumentError);
    expect(() => createClient({ hosts, sasl: { mechanism: 'DIGEST-MD5', username: 'a' } as unknown as { mechanism: 'DIGEST-MD5'; username: string; password: string } })).toThrow(
      InvalidArgumentError,
    );
  });

  it('keep the cause of an unreadable certificate', () => {
    try {
      createClient({ hosts: '127.0.0.1:2181', tls: { cert: 'garbage', key: 'garbage' } });
      throw new Error('createClient accepted an unreadable certificate');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(((err as Error).cause as { code?: unknown }).code).toMatch(/^ERR_OSSL_/);
    }
  });

  it('copies sasl, so a later change by the caller does not change what is sent', () => {
    const sasl = { mechanism: 'DIGEST-MD5' as const, username: 'alice', password: 'secret' };
    const resolved = resolveOptions({ hosts: '127.0.0.1:2181', sasl });
    sasl.password = 'changed';
    expect(resolved.session.sasl).toEqual({ mechanism: 'DIGEST-MD5', username: 'alice', password: 'secret' });
  });
});

describe('isPermanentTlsError', () => {
  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
    'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_OSSL_PEM_NO_START_LINE',
  ])('is true for %s, also as a cause', (code) => {
    expect(isPermanentTlsError(withCode(code))).toBe(true);
    expect(isPermanentTlsError(new Error('connect failed', { cause: withCode(code) }))).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'])(
    'is false for %s (the next attempt may work)',
    (code) => {
      expect(isPermanentTlsError(withCode(code))).toBe(false);
    },
  );

  it('reads codes from error-like objects of any realm, not only instances of this realm\'s Error', () => {
    // Node's own errors are not `instanceof Error` in code run in a vm context (as under jest).
    expect(isPermanentTlsError({ message: 'x', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })).toBe(true);
    expect(isPermanentTlsError(new Error('wrapped', { cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } }))).toBe(true);
    expect(isPermanentTlsError(null)).toBe(false);
    expect(isPermanentTlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe(false);
  });
});

describe('tlsHint and tlsMessage', () => {
  it('say what a TLS failure means for the options', () => {
    expect(tlsHint(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))).toMatch(/verifyHostname: false/);
    expect(tlsHint(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toMatch(/tls\.ca/);
    expect(tlsHint(withCode('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'))).toMatch(/client certificate/);
    expect(tlsHint(withCode('ECONNREFUSED'))).toBeUndefined();
  });

  it("shortens OpenSSL's error queue to its reason", () => {
    expect(
      tlsMessage(
        '80CC4486667F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n',
      ),
    ).toBe('sslv3 alert bad certificate (SSL alert number 42)');
    expect(tlsMessage('unable to verify the first certificate')).toBe('unable to verify the first certificate');
  });
});
