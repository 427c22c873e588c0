export { Lock, type LockOptions } from './lock';
