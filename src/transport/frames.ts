import { Observable, type OperatorFunction } from 'rxjs';
import { FrameDecoder } from './frame-decoder';
import type { FrameView } from './frame-view';

/**
 * Turns a stream of byte chunks into a stream of frame bodies (length prefix
 * removed), each a FrameView to read at once: the same object comes back for
 * the next frame. A malformed length errors the stream with a `ProtocolError`.
 *
 * @example
 * socketData$.pipe(frames(1024 * 1024)).subscribe((frame) => handle(frame.buffer, frame.start, frame.end));
 */
export function frames(maxFrameSize: number): OperatorFunction<Buffer, FrameView> {
  return (chunks$) =>
    new Observable<FrameView>((subscriber) => {
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
