// Curator's item format (ItemSerializer.java): the bytes a DistributedQueue node holds, built here by hand from the
// Java source's layout (DataOutputStream, big-endian) rather than by the code under test.
import { parseItems, serializeItems } from '../../../src/recipes/curator-queues/item-format';

/** The bytes Curator writes for `items`: int VERSION, then { byte 1, int size, bytes } per item, then byte 2. */
function curatorBytes(items: Buffer[]): Buffer {
  const parts: number[] = [0x00, 0x01, 0x00, 0x01];
  for (const item of items) parts.push(0x01, (item.length >>> 24) & 0xff, (item.length >>> 16) & 0xff, (item.length >>> 8) & 0xff, item.length & 0xff, ...item);
  parts.push(0x02);
  return Buffer.from(parts);
}

describe("Curator's item format", () => {
  it('writes what ItemSerializer.serialize writes: one item, a batch, empty items, a large item', () => {
    const cases = [[Buffer.from('a')], [Buffer.from('x'), Buffer.alloc(0), Buffer.from([0xff, 0])], [], [Buffer.alloc(70_000, 7)]];
    for (const items of cases) expect(serializeItems(items)).toEqual(curatorBytes(items));
  });

  it('reads what Curator writes, item by item, as copies', () => {
    const items = [Buffer.from('one'), Buffer.alloc(0), Buffer.from([1, 2, 3])];
    const bytes = curatorBytes(items);
    const read = parseItems(bytes);
    expect(read).toEqual(items);
    bytes.fill(0);
    expect(read?.[0].toString()).toBe('one');
    expect(parseItems(curatorBytes([]))).toEqual([]);
  });

  it('refuses what Curator refuses: another version, an unknown opcode, a negative or too long size, no EOF', () => {
    const good = curatorBytes([Buffer.from('ab')]);
    const other = Buffer.from(good);
    other.writeInt32BE(0x00010002, 0);
    const opcode = Buffer.from(good);
    opcode[4] = 0x03;
    const negative = Buffer.from(good);
    negative.writeInt32BE(-1, 5);
    const long = Buffer.from(good);
    long.writeInt32BE(3, 5);
    for (const bad of [other, opcode, negative, long, good.subarray(0, good.length - 1), Buffer.from('plain text'), Buffer.alloc(0)]) {
      expect(parseItems(bad)).toBeNull();
    }
  });
});
