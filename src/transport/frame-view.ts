/**
 * Where a frame body lies: `buffer[start, end)`. The decoder hands out the same
 * object for every frame, so a consumer reads it during the callback and keeps
 * nothing of it (one object per connection instead of one Buffer per frame).
 */
export interface FrameView {
  buffer: Buffer;
  start: number;
  end: number;
  /**
   * True when the frame was assembled into a buffer of its own, which nothing
   * else uses: parts of it may be handed out without a copy. False when it is a
   * slice of a socket chunk, which a small value must not keep alive.
   */
  owned: boolean;
}
