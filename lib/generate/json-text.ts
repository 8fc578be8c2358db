/**
 * JSON text the way the real Sparkify files spell it. Both the song files and the event logs escape every
 * character outside printable ASCII as `\uXXXX` (lower-case hex, UTF-16 code units, so an emoji becomes a
 * surrogate pair), which keeps every written file pure ASCII: its byte count is its string length. The
 * event logs also escape `/` as `\/`; the song files do not.
 */

const NON_ASCII = /[\u007f-\uffff]/g;
const NEEDS_WORK = /[\u007f-\uffff/]/;

function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A JSON string literal as the song files write it (Python's `json.dumps` with `ensure_ascii`). */
export function songJsonString(value: string): string {
  const json = JSON.stringify(value);
  return NEEDS_WORK.test(json) ? escapeNonAscii(json) : json;
}

/** A JSON string literal as the event logs write it: like the song files, and `/` escaped as `\/`. */
export function logJsonString(value: string): string {
  const json = JSON.stringify(value);
  return NEEDS_WORK.test(json) ? escapeNonAscii(json).replaceAll('/', '\\/') : json;
}

/**
 * A float as the real files write one: `JSON.stringify` drops the `.0` of a whole number
 * (1540919166796.0 becomes 1540919166796), the real files keep it, and loaders may type the column by it.
 */
export function jsonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Size of a string in UTF-8, the unit Redshift's VARCHAR limits count in. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** The longest prefix of `value` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function clampUtf8(value: string, maxBytes: number): string {
  if (utf8Bytes(value) <= maxBytes) return value;
  let out = '';
  let bytes = 0;
  for (const char of value) {
    const size = utf8Bytes(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}
