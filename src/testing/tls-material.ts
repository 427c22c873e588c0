import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * PEM strings a client needs to talk TLS to the test servers.
 *
 * @example
 * const zkServer = await startZooKeeper({ tls: true });
 * const zk = createClient({ hosts: zkServer.secureConnectString!, tls: { ...zkServer.tls!, verifyHostname: false } });
 */
export interface ClientTlsMaterial {
  /** The throwaway CA that signed the server's and the client's certificates. */
  ca: string;
  /** The client's certificate (subject CN=rxzk-client; x509 authenticates it as that). */
  cert: string;
  /** The client's private key (PKCS#8). */
  key: string;
}

/** Everything generated, with the files the server reads. */
export interface TlsMaterial extends ClientTlsMaterial {
  /** PEM: the server's key followed by its certificate (ZooKeeper's PEM key store). */
  keyStoreFile: string;
  /** PEM: the CA certificate (ZooKeeper's PEM trust store). */
  trustStoreFile: string;
}

// A private config, so the result does not depend on the machine's openssl.cnf
// (whose defaults for `req -x509` differ between OpenSSL/LibreSSL versions).
const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = rxzk
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/** Valid for a few days: long enough for any test run, useless if it leaks. */
const DAYS = '3';

/**
 * Generates a CA, a server certificate (SAN IP:127.0.0.1, DNS:localhost) and
 * a client certificate with the `openssl` command, EC P-256 keys, in `dir`.
 *
 * @example
 * const material = await generateTlsMaterial('/tmp/rxzk-zk-abc/tls');
 * tls.connect({ port, ca: material.ca, cert: material.cert, key: material.key });
 */
export async function generateTlsMaterial(dir: string): Promise<TlsMaterial> {
  await fs.mkdir(dir, { recursive: true });
  const f = (name: string): string => path.join(dir, name);
  await fs.writeFile(f('openssl.cnf'), OPENSSL_CNF);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const cnf = ['-config', f('openssl.cnf')];

  await openssl(['req', '-x509', '-new', ...newKey, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', DAYS, '-subj', '/CN=rxzk test CA', ...cnf, '-extensions', 'ca_ext']);
  for (const [who, cn] of [
    ['server', 'localhost'],
    ['client', 'rxzk-client'],
  ] as const) {
    await openssl(['req', '-new', ...newKey, '-keyout', f(`${who}.raw.key`), '-out', f(`${who}.csr`), '-subj', `/CN=${cn}`, ...cnf]);
    // ZooKeeper's PEM reader wants PKCS#8 ('BEGIN PRIVATE KEY'); older openssl writes other forms.
    await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', f(`${who}.raw.key`), '-out', f(`${who}.key`)]);
    await openssl([
      'x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', DAYS,
      '-out', f(`${who}.pem`), '-extfile', f('openssl.cnf'), '-extensions', `${who}_ext`,
    ]);
  }

  const [ca, serverKey, serverCert, cert, key] = await Promise.all(
    ['ca.pem', 'server.key', 'server.pem', 'client.pem', 'client.key'].map((name) => fs.readFile(f(name), 'utf8')),
  );
  await fs.writeFile(f('server-keystore.pem'), serverKey + serverCert, { mode: 0o600 });
  return { ca, cert, key, keyStoreFile: f('server-keystore.pem'), trustStoreFile: f('ca.pem') };
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30000 }, (err, _stdout, stderr) => {
      if (!err) resolve();
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('tls: true needs the openssl command on the PATH'));
      else reject(new Error(`openssl ${args[0]} failed: ${stderr.trim() || err.message}`, { cause: err }));
    });
  });
}
