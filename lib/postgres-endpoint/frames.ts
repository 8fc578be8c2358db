/**
 * The Postgres wire protocol (version 3) as far as a server that forwards messages to PGlite must read it:
 * cutting a client's bytes into messages and refusing anything that is not a well-formed frontend message
 * before PGlite sees it, and noting the transaction status a response ends with.
 *
 * Why refuse first: PGlite's backend waits forever on a message type it does not know (a frame of type
 * 'Z' sent to execProtocolRaw never returns), which would stop the server for every client. Well-framed
 * messages of known types with bad contents are answered by Postgres with an ErrorResponse, as usual.
 */

/** Messages a client may send after startup, except Terminate ('X'), which the server handles itself. */
const FRONTEND_TYPES = new Set('BCdcfDEHFPQS'.split('').map((c) => c.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Postgres's own ceiling for a startup packet. */
const MAX_STARTUP_BYTES = 10000;
/** Far above any statement the tools send; a length beyond it is garbage, not a message. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export type Frame =
  | { readonly kind: 'startup'; readonly bytes: Uint8Array }
  /** SSLRequest or GSSENCRequest: answered 'N' (not supported), after which the client starts up in the clear. */
  | { readonly kind: 'encryption-request' }
  | { readonly kind: 'cancel-request' }
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'terminate' }
  /** Not the protocol: the connection is closed with this reason. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Cuts a connection's bytes into frames as they arrive. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);
  #started = false;

  /** Adds bytes and returns the frames now complete; stops at the first invalid one. */
  push(data: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.#started ? this.#message() : this.#startup();
      if (frame === undefined) return frames;
      frames.push(frame);
      if (frame.kind === 'invalid' || frame.kind === 'terminate' || frame.kind === 'cancel-request') return frames;
    }
  }

  #startup(): Frame | undefined {
    if (this.#buffer.length < 8) return undefined;
    const length = this.#buffer.readInt32BE(0);
    const code = this.#buffer.readInt32BE(4);
    if (length < 8 || length > MAX_STARTUP_BYTES) return { kind: 'invalid', reason: `invalid length of startup packet (${length})` };
    if (this.#buffer.length < length) return undefined;
    const bytes = this.#take(length);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'encryption-request' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel-request' };
    if (code !== PROTOCOL_3) return { kind: 'invalid', reason: `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: only 3.0 is served` };
    if (bytes[bytes.length - 1] !== 0) return { kind: 'invalid', reason: 'invalid startup packet layout: expected terminator as last byte' };
    this.#started = true;
    return { kind: 'startup', bytes };
  }

  #message(): Frame | undefined {
    if (this.#buffer.length < 5) return undefined;
    const type = this.#buffer[0]!;
    const length = this.#buffer.readInt32BE(1);
    if (type !== TERMINATE && !FRONTEND_TYPES.has(type)) {
      return { kind: 'invalid', reason: `invalid frontend message type ${type} (${JSON.stringify(String.fromCharCode(type))})` };
    }
    if (length < 4 || length > MAX_MESSAGE_BYTES) return { kind: 'invalid', reason: `invalid message length ${length}` };
    if (this.#buffer.length < 1 + length) return undefined;
    const bytes = this.#take(1 + length);
    return type === TERMINATE ? { kind: 'terminate' } : { kind: 'message', bytes };
  }

  #take(n: number): Uint8Array {
    const bytes = new Uint8Array(this.#buffer.subarray(0, n));
    this.#buffer = this.#buffer.subarray(n);
    return bytes;
  }
}

/**
 * Follows the backend's messages in a response stream (which arrives in chunks cut anywhere) and keeps
 * what the server needs: the status of the last ReadyForQuery ('I' idle, 'T' in a transaction, 'E' in a
 * failed one) and whether the backend waits for COPY data.
 */
export class ResponseScanner {
  /** The last ReadyForQuery's status since `reset`, if one came. */
  status: 'I' | 'T' | 'E' | undefined;
  /** A CopyInResponse came after the last ReadyForQuery: the backend waits for CopyData/CopyDone/CopyFail. */
  copyIn = false;
  #header = Buffer.alloc(5);
  #headerBytes = 0;
  #remaining = 0;
  #type = 0;
  #atBodyStart = false;

  reset(): void {
    this.status = undefined;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        if (this.#atBodyStart && this.#type === 0x5a /* Z */) this.status = String.fromCharCode(chunk[i]!) as 'I' | 'T' | 'E';
        this.#atBodyStart = false;
        const n = Math.min(this.#remaining, chunk.length - i);
        i += n;
        this.#remaining -= n;
        continue;
      }
      this.#header[this.#headerBytes++] = chunk[i++]!;
      if (this.#headerBytes === 5) {
        this.#headerBytes = 0;
        this.#type = this.#header[0]!;
        this.#remaining = this.#header.readInt32BE(1) - 4;
        this.#atBodyStart = true;
        if (this.#type === 0x47 /* G */ || this.#type === 0x57 /* W */) this.copyIn = true;
        if (this.#type === 0x5a) this.copyIn = false;
      }
    }
  }
}

/** An ErrorResponse (severity, SQLSTATE, message), as the backend would send it. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

/** A message with no body, as the server sends on a client's behalf (Sync) or to it. */
export function bareMessage(type: string): Uint8Array {
  const bytes = Buffer.alloc(5);
  bytes.write(type, 0, 'latin1');
  bytes.writeInt32BE(4, 1);
  return bytes;
}

/** A simple Query message. */
export function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('Q', 0, 'latin1');
  head.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([head, text]);
}

/** A CopyFail message: ends a COPY FROM STDIN the client abandoned. */
export function copyFailMessage(reason: string): Uint8Array {
  const text = Buffer.from(`${reason}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('f', 0, 'latin1');
  head.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([head, text]);
}
