import { Subject, firstValueFrom, map, toArray } from 'rxjs';
import { ProtocolError } from '../../src/errors';
import { frameBytes } from './frame-bytes';
import { frames } from '../../src/transport/frames';

function frame(text: string): Buffer {
  const body = Buffer.from(text);
  const out = Buffer.alloc(4);
  out.writeInt32BE(body.length, 0);
  return Buffer.concat([out, body]);
}

describe('frames()', () => {
  it('turns chunks into frames and completes with its source', async () => {
    const chunks = new Subject<Buffer>();
    const result = firstValueFrom(chunks.pipe(frames(100), map(frameBytes), toArray()));
    const stream = Buffer.concat([frame('one'), frame('two')]);
    chunks.next(stream.subarray(0, 5));
    chunks.next(stream.subarray(5));
    chunks.complete();
    expect((await result).map(String)).toEqual(['one', 'two']);
  });

  it('errors with a ProtocolError on a malformed length, after the frames before it', async () => {
    const chunks = new Subject<Buffer>();
    const seen: string[] = [];
    const errored = new Promise<unknown>((resolve) =>
      chunks.pipe(frames(100)).subscribe({ next: (f) => seen.push(frameBytes(f).toString()), error: resolve }),
    );
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(101, 0);
    chunks.next(Buffer.concat([frame('ok'), bad]));
    expect(await errored).toBeInstanceOf(ProtocolError);
    expect(seen).toEqual(['ok']);
  });
});
