/**
 * Ends a wait from outside: a timeout, the caller's signal, or the
 * subscriber leaving. `race` makes any step of the wait reject once stopped.
 */
export class Stopper {
  private reason: unknown = undefined;
  private stoppedFlag = false;
  private readonly listeners: ((reason: unknown) => void)[] = [];

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  stop(reason: unknown): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    this.reason = reason;
    for (const l of this.listeners.splice(0)) l(reason);
  }

  /** `promise`, or a rejection with the stop's reason, whichever comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.stoppedFlag) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      const onStop = (reason: unknown) => reject(reason);
      this.listeners.push(onStop);
      promise.then(
        (value) => {
          this.forget(onStop);
          resolve(value);
        },
        (err: unknown) => {
          this.forget(onStop);
          reject(err);
        },
      );
    });
  }

  private forget(listener: (reason: unknown) => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }
}
