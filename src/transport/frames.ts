import { Observable, type OperatorFunction } from 'rxjs';
import { FrameDecoder } from './frame-decoder';

/**
 * Turns a stream of byte chunks into a stream of frame bodies (length prefix
 * removed). A malformed length errors the stream with a `ProtocolError`.
 *
 * @example
 * socketData$.pipe(frames(1024 * 1024)).subscribe((frame) => handle(frame));
 */
export function frames(maxFrameSize: number): OperatorFunction<Buffer, Buffer> {
  return (chunks$) =>
    new Observable<Buffer>((subscriber) => {
      const decoder = new FrameDecoder(maxFrameSize, (frame) => subscriber.next(frame));
      return chunks$.subscribe({
        next(chunk) {
          try {
            decoder.push(chunk);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
