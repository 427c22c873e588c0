import type { Observable } from 'rxjs';
import type { Holding } from '../holding';
import type { WaitOptions } from '../kernel/wait';
import { Lock } from './lock';

/**
 * The mutex a Semaphore takes around creating and counting its lease:
 * Curator InterProcessSemaphoreV2's `<path>/locks`, an InterProcessMutex
 * (`_c_<uuid>-lock-<seq>`). `take` is one attempt: it emits the holding once
 * held and never errors on a LOST holding (the lease count is safe without
 * the mutex; it only keeps Curator's acquirers in step), and unsubscribing
 * releases it (or stops waiting, removing the node).
 */
export class SemaphoreMutex extends Lock {
  take(wait: WaitOptions): Observable<Holding> {
    return this.attempt(wait);
  }
}
