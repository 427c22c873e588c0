/** The provider token of the default client. */
const DEFAULT_TOKEN = 'rxzk:ZooKeeperClient';

/** The name of the unnamed client, as the NestJS ecosystem names it (`@nestjs/typeorm`'s DEFAULT_DATA_SOURCE_NAME). */
const DEFAULT_NAME = 'default';

/**
 * The injection token of a client registered by `ZooKeeperModule` (the
 * default one without a name, or named `'default'`), for
 * `@Inject(getZooKeeperToken('audit'))` or `moduleRef.get(getZooKeeperToken())`.
 *
 * @example
 * const zk = app.get<ZooKeeperClient>(getZooKeeperToken());
 * getZooKeeperToken('default') === getZooKeeperToken(); // true
 */
export function getZooKeeperToken(name?: string): string {
  return name === undefined || name === '' || name === DEFAULT_NAME ? DEFAULT_TOKEN : `${DEFAULT_TOKEN}:${name}`;
}

/** The token of a client's resolved options (forRootAsync's factory result). */
export function getOptionsToken(name?: string): string {
  return `${getZooKeeperToken(name)}:options`;
}
