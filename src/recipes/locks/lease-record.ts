/**
 * What kazoo's NonBlockingLease keeps in `<path>/lease_holder`
 * (kazoo/recipe/lease.py): `{"version": 1, "holder": <identifier>, "end": <UTC>}`.
 */
export interface LeaseRecord {
  readonly version: number;
  readonly holder: string;
  /** The end of the lease, ms since the epoch (whole seconds). */
  readonly end: number;
}

/** kazoo's storage format version (`NonBlockingLease._version`): another one is left to the client that knows it. */
export const LEASE_VERSION = 1;

/** The last instant kazoo's `%Y-%m-%dT%H:%M:%S` can write: 9999-12-31T23:59:59 UTC. */
const LAST_END = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * kazoo's `strftime("%Y-%m-%dT%H:%M:%S")` of a naive UTC datetime: the
 * fraction of a second dropped, no zone; `null` past year 9999.
 */
export function formatEnd(ms: number): string | null {
  if (!Number.isFinite(ms) || ms > LAST_END || ms < 0) return null;
  return new Date(ms).toISOString().slice(0, 19);
}

/** kazoo's `strptime(end, "%Y-%m-%dT%H:%M:%S")`, read as UTC (kazoo writes utcnow()); NaN when it is not that format. */
export function parseEnd(end: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(end);
  if (m === null) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * The record as kazoo writes it: Python's `json.dumps` with its defaults, so
 * the bytes are the same — `", "` and `": "` separators, the keys in kazoo's
 * order, and `ensure_ascii` (every character outside printable ASCII as a
 * lowercase `\uXXXX`, a character beyond the BMP as its surrogate pair).
 */
export function encodeLease(holder: string, end: string): Buffer {
  const text = `{"version": ${LEASE_VERSION}, "holder": ${pythonString(holder)}, "end": ${pythonString(end)}}`;
  return Buffer.from(text, 'utf8');
}

function pythonString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as json.dumps does; the rest is ensure_ascii.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The record read back; `null` when it is not kazoo's JSON (or not a version this code knows the fields of). */
export function decodeLease(raw: Buffer): LeaseRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { version, holder, end } = value as Record<string, unknown>;
  if (typeof version !== 'number') return null;
  if (version !== LEASE_VERSION) return { version, holder: '', end: Number.NaN };
  if (typeof holder !== 'string' || typeof end !== 'string') return null;
  const endMs = parseEnd(end);
  return Number.isNaN(endMs) ? null : { version, holder, end: endMs };
}
