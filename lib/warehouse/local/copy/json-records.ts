/**
 * Reads the JSON records of one file the way Redshift's COPY does: a file holds JSON objects (or arrays)
 * one after another, separated by whitespace; usually one per line, but an object may span lines.
 * Each record carries the number of its LAST line, which is what sys_load_error_detail reports for JSON.
 * A record that is not valid JSON is yielded as an error, so the loader can count it against MAXERROR.
 */

export type JsonRecord =
  | { readonly ok: true; readonly value: unknown; readonly line: number }
  | { readonly ok: false; readonly reason: string; readonly line: number; readonly raw: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * The records of a file given as bytes of valid UTF-8. Lines that hold one whole record each, the shape of
 * every log file, are decoded and parsed one at a time, so the file never becomes one large string (half the
 * memory for ASCII text, and a string of two bytes a character as soon as one character is not ASCII). From
 * the first line that is anything else, the rest of the file is read as text by jsonRecords, line numbers
 * going on, so the records and errors are exactly jsonRecords' on the whole text.
 */
export function* jsonRecordsOfBytes(bytes: Buffer): Generator<JsonRecord> {
  let pos = 0;
  let line = 1;
  while (pos < bytes.length) {
    let end = bytes.indexOf(NEWLINE, pos);
    if (end < 0) end = bytes.length;
    let first = pos;
    let last = end;
    while (first < last && isAsciiSpace(bytes[first]!)) first++;
    while (last > first && isAsciiSpace(bytes[last - 1]!)) last--;
    if (first === last) {
      pos = end + 1;
      line++;
      continue;
    }
    const open = bytes[first]!;
    const close = bytes[last - 1]!;
    let value: unknown;
    let parsed = false;
    if ((open === OPEN_BRACE && close === 0x7d) || (open === OPEN_BRACKET && close === 0x5d)) {
      try {
        value = JSON.parse(bytes.toString('utf8', first, last));
        parsed = true;
      } catch {
        // Several records on one line, or a malformed one: jsonRecords decides.
      }
    }
    if (!parsed) {
      yield* jsonRecords(bytes.toString('utf8', pos), line);
      return;
    }
    yield { ok: true, value, line };
    pos = end + 1;
    line++;
  }
}

/** Space, tab, line feed, vertical tab, form feed, carriage return: what String.prototype.trim removes in ASCII. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** @param firstLine the number of the text's first line, when it is the rest of a file */
export function* jsonRecords(text: string, firstLine = 1): Generator<JsonRecord> {
  let pos = 0;
  let line = firstLine;
  while (pos < text.length) {
    // Fast path: a whole record on one line, the shape of every log file.
    const eol = text.indexOf('\n', pos);
    const end = eol < 0 ? text.length : eol;
    const content = text.slice(pos, end).trim();
    if (content === '') {
      pos = end + 1;
      line++;
      continue;
    }
    const first = content.charCodeAt(0);
    const last = content.charCodeAt(content.length - 1);
    if ((first === OPEN_BRACE && last === 0x7d) || (first === OPEN_BRACKET && last === 0x5d)) {
      try {
        yield { ok: true, value: JSON.parse(content), line };
        pos = end + 1;
        line++;
        continue;
      } catch {
        // Maybe several records on one line, or a malformed one: the scanner below decides.
      }
    }
    // Slow path: find where the value that starts here ends, across lines if need be.
    const start = text.indexOf(content[0]!, pos);
    const scan = scanValue(text, start);
    let reason = scan.reason;
    let value: unknown;
    if (reason === undefined) {
      try {
        value = JSON.parse(text.slice(start, scan.end));
      } catch (e) {
        reason = `Invalid JSON: ${(e as Error).message}`;
      }
    }
    // A broken record ends where the next line that starts a record begins, so one bad line costs one
    // record and the error names that line, not the end of the file.
    const recordEnd = reason === undefined ? scan.end : nextRecordLine(text, start);
    const raw = text.slice(start, recordEnd).trimEnd();
    const lastLine = line + countNewlines(text, pos, start + raw.length);
    yield reason === undefined ? { ok: true, value, line: lastLine } : { ok: false, reason, line: lastLine, raw };
    line += countNewlines(text, pos, recordEnd);
    pos = recordEnd;
  }
}

/** The start of the first line after `from`'s line whose content begins with `{` or `[`, or the end. */
function nextRecordLine(text: string, from: number): number {
  let eol = text.indexOf('\n', from);
  while (eol >= 0) {
    const m = /^[ \t\r]*[{[]/.exec(text.slice(eol + 1, eol + 65));
    if (m) return eol + 1;
    eol = text.indexOf('\n', eol + 1);
  }
  return text.length;
}

/** The end (exclusive) of the object or array starting at `start`, or why it has none. */
function scanValue(text: string, start: number): { end: number; reason?: string } {
  const c = text.charCodeAt(start);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    return { end: start, reason: 'Invalid JSON: a record must be an object or an array' };
  }
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) inString = true;
    else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
    else if (ch === 0x7d || ch === 0x5d) {
      if (--depth === 0) return { end: i + 1 };
    }
  }
  return { end: text.length, reason: 'Invalid JSON: the record is not closed before the end of the file' };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === NEWLINE) n++;
  return n;
}
