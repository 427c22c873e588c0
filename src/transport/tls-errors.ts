/**
 * Socket error codes that retrying the same server cannot mend: its
 * certificate does not verify against the given CA, names another host, has
 * expired, or the TLS handshake itself is refused (e.g. a client certificate
 * the server requires is missing). OpenSSL's verification codes and Node's
 * ERR_TLS_* / ERR_SSL_* / ERR_OSSL_* codes.
 */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);

/**
 * ERR_SSL_* codes that say the bytes or the connection went wrong, not the
 * configuration: a server dying mid-handshake, a corrupted record. The next
 * attempt may well succeed, so they do not end the client.
 */
const TRANSIENT_SSL_CODES = new Set([
  'ERR_SSL_UNEXPECTED_EOF_WHILE_READING',
  'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
  'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC',
  'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR',
]);

/**
 * The first string `code` along an error's `cause` chain that passes `test`.
 * Errors are recognised as objects, not with `instanceof Error`: errors made
 * by Node's core belong to another realm than code run in a `vm` context
 * (as under jest), and there `instanceof Error` is false for them.
 */
function findCode(err: unknown, test: (code: string) => boolean): string | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && test(code)) return code;
  }
  return undefined;
}

function isPermanentCode(code: string): boolean {
  if (CERTIFICATE_CODES.has(code)) return true;
  if (code.startsWith('ERR_SSL_')) return !TRANSIENT_SSL_CODES.has(code);
  // ERR_TLS_*: Node's own checks (ERR_TLS_CERT_ALTNAME_INVALID: the certificate names another host).
  // ERR_OSSL_*: OpenSSL refusing the configuration itself (an unreadable certificate or key).
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_OSSL_');
}

/**
 * True for a TLS failure that the same configuration will meet again on every attempt.
 *
 * @example
 * isPermanentTlsError(Object.assign(new Error('unable to verify'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }));  // true
 * isPermanentTlsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));                        // false
 */
export function isPermanentTlsError(err: unknown): boolean {
  return findCode(err, isPermanentCode) !== undefined;
}

/**
 * What a TLS failure most likely means for the user's `tls` options, to append
 * to the error message; undefined when there is nothing useful to add.
 *
 * @example
 * tlsHint(Object.assign(new Error('…'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }));
 * // "the server's certificate does not name this host (tls.verifyHostname: false skips that check and still verifies the chain)"
 */
export function tlsHint(err: unknown): string | undefined {
  const code = findCode(err, () => true);
  if (code === undefined) return undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return "the server's certificate does not name this host (tls.verifyHostname: false skips that check and still verifies the chain)";
  }
  if (CERTIFICATE_CODES.has(code)) {
    return "the server's certificate does not verify against the trusted CAs (tls.ca)";
  }
  if (
    code === 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' ||
    code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' ||
    code === 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN' ||
    code === 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'
  ) {
    return 'the server refused the client certificate, or its absence (tls.cert and tls.key, signed by a CA the server trusts)';
  }
  if (code.startsWith('ERR_OSSL_')) return 'the certificate, key or CA in the tls options cannot be used';
  return undefined;
}

/**
 * Node's TLS error messages quote OpenSSL's error queue, e.g.
 * `80CC…:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/…:SSL alert number 42\n`:
 * keep the reason, drop the source location and the line break.
 *
 * @example
 * tlsMessage('80CC:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../x.c:1601:SSL alert number 42\n');
 * // 'sslv3 alert bad certificate (SSL alert number 42)'
 */
export function tlsMessage(message: string): string {
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^:]*:\d+:?(.*)$/s.exec(message.trim());
  if (openssl === null) return message.trim();
  const detail = openssl[2].trim();
  return detail === '' ? openssl[1] : `${openssl[1]} (${detail})`;
}
