/**
 * Curator's item format (curator-recipes `queue/ItemSerializer.java`): the bytes of one queue node, holding one item
 * (`put`) or a batch (`putMulti`, a MultiItem):
 *
 * ```
 * int32 VERSION = 0x00010001
 * { byte ITEM_OPCODE = 0x01, int32 size, byte[size] item } …   (big-endian, as Java's DataOutputStream writes)
 * byte EOF_OPCODE = 0x02
 * ```
 *
 * The items are the QueueSerializer's bytes: rxzk hands them out as they are.
 */

const VERSION = 0x00010001;
const ITEM_OPCODE = 0x01;
const EOF_OPCODE = 0x02;

/**
 * The bytes of a node holding `items`, in order, as Curator's ItemSerializer.serialize writes them.
 *
 * @example
 * serializeItems([Buffer.from('a')]); // 00 01 00 01 | 01 00 00 00 01 61 | 02
 */
export function serializeItems(items: readonly Buffer[]): Buffer {
  let size = 4 + 1;
  for (const item of items) size += 1 + 4 + item.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt32BE(VERSION, 0);
  for (const item of items) {
    at = out.writeUInt8(ITEM_OPCODE, at);
    at = out.writeInt32BE(item.length, at);
    at += item.copy(out, at);
  }
  out.writeUInt8(EOF_OPCODE, at);
  return out;
}

/**
 * The items of a node, as Curator's ItemSerializer.deserialize reads them; `null` when the bytes are not in that
 * format (another version, an unknown opcode, a bad size, cut short) — Curator logs such a node as a
 * "Corrupted queue item" and removes it. Bytes after the EOF opcode are ignored, as Curator ignores them.
 *
 * @example
 * parseItems(serializeItems([Buffer.from('a'), Buffer.from('b')])); // [<61>, <62>]
 */
export function parseItems(bytes: Buffer): Buffer[] | null {
  if (bytes.length < 5 || bytes.readInt32BE(0) !== VERSION) return null;
  const items: Buffer[] = [];
  let at = 4;
  for (;;) {
    if (at >= bytes.length) return null;
    const opcode = bytes[at++];
    if (opcode === EOF_OPCODE) return items;
    if (opcode !== ITEM_OPCODE || at + 4 > bytes.length) return null;
    const size = bytes.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > bytes.length) return null;
    // A copy: the node's buffer is not kept alive by one small item of it.
    items.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
}
