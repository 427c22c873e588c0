/**
 * A digest user the server treats as super user: every ACL check passes for it.
 *
 * @example
 * const { username, password } = zkServer.superUser!;
 * await firstValueFrom(zk.addAuth('digest', `${username}:${password}`));
 */
export interface Credentials {
  /** The user name, as in `addAuth('digest', 'username:password')`. */
  username: string;
  /** The user's password. */
  password: string;
}

/**
 * The super user of every server this module starts. `reconfig` needs it:
 * 3.5.3+ checks WRITE on /zookeeper/config, which only the super user has.
 */
export const SUPER_USER: Readonly<Credentials> = Object.freeze({ username: 'super', password: 'super-secret' });
