import { Inject } from '@nestjs/common';
import { getZooKeeperToken } from './tokens';

/**
 * Injects the client registered by `ZooKeeperModule` (the one named `name`, or the default one).
 *
 * @example
 * @Injectable()
 * class Registry {
 *   constructor(@InjectZooKeeper() private readonly zk: ZooKeeperClient, @InjectZooKeeper('audit') private readonly audit: ZooKeeperClient) {}
 * }
 */
export function InjectZooKeeper(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZooKeeperToken(name));
}
