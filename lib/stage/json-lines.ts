/**
 * Cuts a song file into its JSON records, one compact line each, the way COPY … FORMAT AS JSON reads a
 * file: values one after another, separated by whitespace, an object possibly spanning lines. Each record's
 * text is kept token for token (numbers and escapes exactly as written) and only the whitespace between
 * tokens is dropped, so the line loads exactly as the original record did; pretty-printed objects become one
 * line. A file that is not UTF-8, text outside a record, or a record that is not valid JSON is reported with
 * the line it starts on.
 */

export interface BadRecord {
  readonly line: number;
  readonly reason: string;
}

export interface CompactedFile {
  /** Each record as one line, with its newline. */
  readonly lines: string[];
  readonly errors: BadRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function compactRecords(bytes: Uint8Array): CompactedFile {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { lines: [], errors: [{ line: 1, reason: 'the file is not valid UTF-8 (COPY rejects it too)' }] };
  }
  const lines: string[] = [];
  const errors: BadRecord[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark is not content
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const startLine = line;
    if (c !== '{' && c !== '[') {
      // Not the start of a record: report the rest of this line and go on after it.
      const end = text.indexOf('\n', i);
      const junk = text.slice(i, end < 0 ? text.length : end);
      errors.push({ line: startLine, reason: `text outside any JSON object: ${JSON.stringify(junk.slice(0, 60))}` });
      i = end < 0 ? text.length : end;
      continue;
    }
    // Scan to the end of this value, dropping whitespace between tokens.
    let out = '';
    let depth = 0;
    let inString = false;
    let runStart = i;
    let j = i;
    for (; j < text.length; j++) {
      const d = text[j]!;
      if (inString) {
        if (d === '\\') j++;
        else if (d === '"') inString = false;
        else if (d === '\n') break; // a raw newline cannot be inside a JSON string: the record is broken
        continue;
      }
      if (d === '"') inString = true;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) break;
      } else if (d === ' ' || d === '\t' || d === '\r' || d === '\n') {
        out += text.slice(runStart, j);
        if (d === '\n') line++;
        runStart = j + 1;
      }
    }
    if (depth !== 0 || j >= text.length) {
      errors.push({ line: startLine, reason: 'the record is not closed (truncated, or a raw line break inside a string)' });
      // Resynchronise at the next line that starts a record.
      const next = text.indexOf('\n', Math.min(j, text.length - 1));
      if (next < 0) break;
      line = startLine + countNewlines(text, i, next + 1);
      i = next + 1;
      continue;
    }
    out += text.slice(runStart, j + 1);
    i = j + 1;
    try {
      JSON.parse(out);
      lines.push(`${out}\n`);
    } catch (e) {
      errors.push({ line: startLine, reason: `not valid JSON: ${(e as Error).message}` });
    }
  }
  return { lines, errors };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === 10) n++;
  return n;
}
