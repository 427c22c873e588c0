import fc from 'fast-check';
import { ZxidTracker } from '../../src/session/zxid-tracker';

describe('ZxidTracker', () => {
  it('keeps the highest positive zxid seen, as a bigint', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 30 }), (zxids) => {
        const tracker = new ZxidTracker();
        for (const z of zxids) {
          const buf = Buffer.alloc(8);
          buf.writeBigInt64BE(z);
          tracker.observe(buf.readInt32BE(0), buf.readUInt32BE(4));
        }
        const expected = zxids.reduce((max, z) => (z > max ? z : max), 0n);
        expect(tracker.value).toBe(expected);
      }),
    );
  });
});
