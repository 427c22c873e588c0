import type { FrameView } from '../../src/transport/frame-view';

/** A copy of a frame's bytes: the decoder reuses its FrameView, so a spec that keeps frames copies them. */
export function frameBytes(frame: FrameView): Buffer {
  return Buffer.from(frame.buffer.subarray(frame.start, frame.end));
}
