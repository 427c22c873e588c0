import { Observable, type BehaviorSubject } from 'rxjs';
import type { HoldingState } from '../holding';

/** Whether a holding's state is final (LOST or RELEASED). */
export function isTerminal(state: HoldingState): boolean {
  return state === 'LOST' || state === 'RELEASED';
}

/**
 * A holding's `state$`: the current state replayed, terminal ones included, for every Holding of the recipes
 * (a completed BehaviorSubject would give a late subscriber nothing: it must still learn LOST or RELEASED).
 */
export function replayStates(states: BehaviorSubject<HoldingState>): Observable<HoldingState> {
  return new Observable<HoldingState>((subscriber) => {
    if (!isTerminal(states.value)) return states.subscribe(subscriber);
    subscriber.next(states.value);
    subscriber.complete();
    return undefined;
  });
}
