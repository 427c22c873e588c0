import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

// `vector<ustring>` appears in many records (children, watches, ephemerals).

/** A ustring is at least its 4-byte length on the wire. */
export const USTRING_MIN_SIZE = 4;

const writeItem = (w: JuteWriter, s: string): void => {
  w.ustring(s);
};
const readItem = (r: JuteReader): string => r.ustring();

/** Writes a jute `vector<ustring>`. */
export function writeStringVector(w: JuteWriter, items: readonly string[]): void {
  w.vector(items, writeItem);
}

/** Reads a jute `vector<ustring>`; a null vector reads as []. */
export function readStringVector(r: JuteReader): string[] {
  return r.vector(readItem, USTRING_MIN_SIZE);
}
