/** The provider token of the default client. */
const DEFAULT_TOKEN = 'rxzk:ZooKeeperClient';

/**
 * The injection token of a client registered by `ZooKeeperModule` (the
 * default one without a name), for `@Inject(getZooKeeperToken('audit'))` or
 * `moduleRef.get(getZooKeeperToken())`.
 *
 * @example
 * const zk = app.get<ZooKeeperClient>(getZooKeeperToken());
 */
export function getZooKeeperToken(name?: string): string {
  return name === undefined || name === '' ? DEFAULT_TOKEN : `${DEFAULT_TOKEN}:${name}`;
}

/** The token of a client's resolved options (forRootAsync's factory result). */
export function getOptionsToken(name?: string): string {
  return `${getZooKeeperToken(name)}:options`;
}
