/**
 * Builds the input of Postgres's `COPY … FROM … WITH (FORMAT binary)`: a signature and header, then per row
 * a field count and, per field, its length (-1 for NULL) and bytes in the type's binary ("receive") format,
 * then a trailer. Postgres reads this several times faster than CSV because it parses no text: under
 * WebAssembly, CSV parsing was most of the COPY's cost.
 *
 * The buffer grows as needed; a row can be rolled back (a rejected value); `drain()` hands out what is
 * written so far, so a long stream goes to a file piece by piece, and `finish()` ends the stream.
 */

/** "PGCOPY\n\377\r\n\0", flags 0, header extension length 0. */
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const TWO_32 = 2 ** 32;
/** Strings up to this long are copied by a loop here while they are ASCII (see text()). */
const ASCII_LOOP_MAX = 256;

export class CopyBuffer {
  #buf: Buffer;
  /** The same memory as #buf, for big-endian numbers (DataView's default, and fast). */
  #view: DataView;
  #pos = 0;
  #rows = 0;
  #rowStart = 0;
  /** Whether the current stream's header is written. */
  #headed = false;

  constructor(initialBytes = 1 << 20) {
    this.#buf = Buffer.allocUnsafeSlow(Math.max(initialBytes, 64));
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.length);
  }

  /** Bytes in the buffer (written since the last drain). */
  get bytes(): number {
    return this.#pos;
  }

  /** Rows completed in this stream so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Starts a row of `fields` fields. */
  beginRow(fields: number): void {
    if (!this.#headed) this.#header();
    this.#rowStart = this.#pos;
    this.#ensure(2);
    this.#view.setInt16(this.#pos, fields);
    this.#pos += 2;
  }

  endRow(): void {
    this.#rows++;
  }

  /** Forgets the row begun last (one of its values was rejected). */
  abandonRow(): void {
    this.#pos = this.#rowStart;
  }

  null(): void {
    this.#ensure(4);
    this.#view.setInt32(this.#pos, -1);
    this.#pos += 4;
  }

  int16(v: number): void {
    this.#ensure(6);
    this.#view.setInt32(this.#pos, 2);
    this.#view.setInt16(this.#pos + 4, v);
    this.#pos += 6;
  }

  int32(v: number): void {
    this.#ensure(8);
    this.#view.setInt32(this.#pos, 4);
    this.#view.setInt32(this.#pos + 4, v);
    this.#pos += 8;
  }

  /** A 64-bit integer given exactly, as a safe-integer number or a bigint. */
  int64(v: number | bigint): void {
    this.#ensure(12);
    this.#view.setInt32(this.#pos, 8);
    if (typeof v === 'bigint') this.#view.setBigInt64(this.#pos + 4, v);
    else {
      const high = Math.floor(v / TWO_32);
      this.#view.setInt32(this.#pos + 4, high);
      this.#view.setUint32(this.#pos + 8, v - high * TWO_32);
    }
    this.#pos += 12;
  }

  float64(v: number): void {
    this.#ensure(12);
    this.#view.setInt32(this.#pos, 8);
    this.#view.setFloat64(this.#pos + 4, v);
    this.#pos += 12;
  }

  bool(v: boolean): void {
    this.#ensure(5);
    this.#view.setInt32(this.#pos, 1);
    this.#buf[this.#pos + 4] = v ? 1 : 0;
    this.#pos += 5;
  }

  /** A string as UTF-8; returns its length in bytes. */
  text(s: string): number {
    const length = s.length;
    this.#ensure(4 + length * 3);
    const start = this.#pos + 4;
    let bytes = -1;
    if (length <= ASCII_LOOP_MAX) {
      // Most strings are ASCII: copying them here is cheaper than a call into C++.
      const buf = this.#buf;
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === length) bytes = length;
    }
    if (bytes < 0) bytes = this.#buf.write(s, start, 'utf8');
    this.#view.setInt32(this.#pos, bytes);
    this.#pos = start + bytes;
    return bytes;
  }

  /** Cuts the string written last (`lengthBefore` bytes) to at most `maxBytes` bytes, never inside a character. */
  truncateText(lengthBefore: number, maxBytes: number): void {
    const start = this.#pos - lengthBefore;
    let end = maxBytes;
    while (end > 0 && (this.#buf[start + end]! & 0xc0) === 0x80) end--;
    this.#view.setInt32(start - 4, end);
    this.#pos = start + end;
  }

  /**
   * The bytes written so far (the header, if this is the start of a stream, and complete rows); the buffer
   * is then empty and goes on with the same stream. Call it between rows. The bytes are a view of the
   * buffer: use them before writing anything else.
   */
  drain(): Buffer {
    const out = this.#buf.subarray(0, this.#pos);
    this.#pos = 0;
    return out;
  }

  /** The rest of the stream, trailer included; the buffer then starts a new stream. A view, as for drain(). */
  finish(): Buffer {
    if (!this.#headed) this.#header();
    this.#ensure(2);
    this.#view.setInt16(this.#pos, -1);
    const out = this.#buf.subarray(0, this.#pos + 2);
    this.#pos = 0;
    this.#rows = 0;
    this.#headed = false; // the next stream's header is written with its first row, after these bytes are used
    return out;
  }

  #header(): void {
    this.#ensure(HEADER.length);
    HEADER.copy(this.#buf, this.#pos);
    this.#pos += HEADER.length;
    this.#headed = true;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(bigger, 0, 0, this.#pos);
    this.#buf = bigger;
    this.#view = new DataView(bigger.buffer, bigger.byteOffset, bigger.length);
  }
}
