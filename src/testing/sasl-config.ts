/**
 * Users the server accepts by default when `sasl: true`: alice and bob.
 *
 * @example
 * const zk = createClient({ hosts: zkServer.connectString, sasl: { mechanism: 'DIGEST-MD5', username: 'alice', password: DEFAULT_SASL_USERS.alice } });
 */
export const DEFAULT_SASL_USERS: Readonly<Record<string, string>> = Object.freeze({
  alice: 'alice-secret',
  bob: 'bob-secret',
});

/**
 * The JAAS file for DIGEST-MD5 on the server: a `Server` section (the name
 * ZooKeeper looks up, `zookeeper.sasl.serverconfig`) with one `user_<name>`
 * option per user.
 *
 * @example
 * jaasConfig({ alice: 'alice-secret' });
 * // Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_alice="alice-secret";\n};
 */
export function jaasConfig(users: Readonly<Record<string, string>>): string {
  const names = Object.keys(users);
  if (names.length === 0) throw new Error('sasl needs at least one user');
  const options = names.map((name) => {
    // JAAS option names are bare words; values are quoted strings.
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`unusable SASL user name ${JSON.stringify(name)}`);
    return `  user_${name}=${JSON.stringify(users[name])}`;
  });
  return ['Server {', '  org.apache.zookeeper.server.auth.DigestLoginModule required', `${options.join('\n')};`, '};', ''].join('\n');
}
