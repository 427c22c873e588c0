/**
 * Re-throws an error from user code (a subscriber, a watch callback) on a
 * later tick, outside the frame stream: it is seen where errors are seen
 * (`uncaughtException`), and it can neither break the decoder nor be taken
 * for malformed bytes from the server (ioredis' DataHandler does the same).
 */
export function rethrowOutside(err: unknown): void {
  process.nextTick(() => {
    throw err;
  });
}
