/**
 * The CPU-heavy half of the COPY emulation: reads the objects' JSON records, picks each column's value,
 * converts it by Redshift's rules (column-values.ts) and writes the rows as binary COPY streams
 * (binary.ts) into chunk files that Postgres then reads. It needs no database, so the loader can run it
 * in a worker thread (worker.ts) while the main thread feeds the previous chunk to Postgres.
 *
 * Everything here is plain data in, plain data out (the plan, the chunks, the rejects), so it crosses to
 * and from a worker as it is.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadReject } from '../../../errors';
import { CopyBuffer } from './binary';
import { type ColumnInfo, type ConversionOptions, converterFor, FieldError } from './column-values';
import { jsonRecords, jsonRecordsOfBytes } from './json-records';
import type { S3Object } from './s3-mounts';
import { rejectsThatFail } from '../../max-error';

export type PathStep = string | number;

/** How a record's fields are found: by column name ('auto'), or by one JSONPath per column. */
export type FieldMapping = { readonly kind: 'auto'; readonly ignoreCase: boolean } | { readonly kind: 'paths'; readonly paths: readonly (readonly PathStep[])[] };

export interface EncodePlan {
  readonly objects: readonly S3Object[];
  readonly columns: readonly ColumnInfo[];
  readonly conversion: ConversionOptions;
  readonly mapping: FieldMapping;
  /** COPY … MAXERROR: see rejectsThatFail. */
  readonly maxError: number;
  /** Folder the chunk files are written to, the start of their names, and the size at which one is cut. */
  readonly chunkDir: string;
  readonly chunkPrefix: string;
  readonly chunkBytes: number;
}

/** A plan without its objects: what every batch of one load shares. */
export type EncodeSettings = Omit<EncodePlan, 'objects' | 'chunkPrefix'>;

/** A chunk file: a complete binary COPY stream. */
export interface Chunk {
  readonly path: string;
  readonly rows: number;
}

export interface EncodeOutcome {
  readonly rejects: readonly LoadReject[];
  /** As many rows were rejected as make the load fail under MAXERROR: reading stopped at the end of that object. */
  readonly tooMany: boolean;
}

/** Encoded rows go to the chunk file this many bytes at a time. */
const FLUSH_BYTES = 1 << 20;

export const AUTO_NEEDS_OBJECT = "FORMAT AS JSON 'auto' needs a JSON object per record; map arrays with a JSONPaths file";

/** Yields each chunk once it is written; returns the rejected rows. */
export function* encodeChunks(plan: EncodePlan): Generator<Chunk, EncodeOutcome> {
  const converters = plan.columns.map((c) => converterFor(c, plan.conversion));
  const { accepts, getters } = fieldGetters(plan.mapping, plan.columns);
  const names = plan.columns.map((c) => c.name);
  const out = new CopyBuffer(2 * FLUSH_BYTES);
  const rejects: LoadReject[] = [];
  const tooMany = () => rejects.length >= rejectsThatFail(plan.maxError);
  // The chunk file being written: rows reach it FLUSH_BYTES at a time, so memory stays small.
  let chunkNo = 0;
  let file: { path: string; fd: number; bytes: number } | undefined;
  const write = (bytes: Buffer) => {
    if (file === undefined) {
      const path = join(plan.chunkDir, `${plan.chunkPrefix}${++chunkNo}.bin`);
      file = { path, fd: openSync(path, 'w'), bytes: 0 };
    }
    for (let done = 0; done < bytes.length; ) done += writeSync(file.fd, bytes, done);
    file.bytes += bytes.length;
  };
  const finishChunk = (): Chunk => {
    const rows = out.rows;
    write(out.finish());
    closeSync(file!.fd);
    const chunk = { path: file!.path, rows };
    file = undefined;
    return chunk;
  };

  try {
    for (const object of plan.objects) {
      for (const record of readRecords(object.path)) {
        if (!record.ok) {
          rejects.push({ file: object.uri, line: record.line, column: '', reason: record.reason, code: 1224, rawValue: record.raw.slice(0, 1024) });
          if (tooMany()) break;
          continue;
        }
        const value = record.value;
        if (!accepts(value)) {
          rejects.push({ file: object.uri, line: record.line, column: '', reason: AUTO_NEEDS_OBJECT, code: 1224, rawValue: JSON.stringify(value).slice(0, 1024) });
          if (tooMany()) break;
          continue;
        }
        out.beginRow(converters.length);
        let c = 0;
        try {
          for (; c < converters.length; c++) converters[c]!(getters[c]!(value), out);
        } catch (e) {
          if (!(e instanceof FieldError)) throw e;
          out.abandonRow();
          const raw = getters[c]!(value);
          rejects.push({
            file: object.uri,
            line: record.line,
            column: names[c]!,
            reason: e.message,
            code: e.code,
            rawValue: (typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '').slice(0, 1024),
          });
          if (tooMany()) break;
          continue;
        }
        out.endRow();
        if (out.bytes >= FLUSH_BYTES) {
          write(out.drain());
          if (file!.bytes >= plan.chunkBytes) yield finishChunk();
        }
      }
      if (tooMany()) return { rejects, tooMany: true };
    }
    if (out.rows > 0) yield finishChunk();
    return { rejects, tooMany: false };
  } finally {
    if (file !== undefined) closeSync(file.fd); // stopped early: the loader deletes the file
  }
}

/**
 * Files are read into one buffer, reused and grown to the largest file: a new buffer per file would leave
 * several of them waiting for the garbage collector. Nothing read from it outlives the file (strings are
 * decoded copies).
 */
let readBuffer = Buffer.allocUnsafeSlow(1 << 20);

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > readBuffer.length) readBuffer = Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, readBuffer, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return readBuffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** Reads one file's records; bytes that are not UTF-8 reject their line, as Redshift does without ACCEPTINVCHARS. */
function* readRecords(path: string): ReturnType<typeof jsonRecords> {
  const bytes = readWhole(path);
  if (isUtf8(bytes)) {
    yield* jsonRecordsOfBytes(bytes);
    return;
  }
  const lines = bytes.toString('latin1').split('\n');
  const cleaned: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = Buffer.from(lines[i]!, 'latin1');
    if (isUtf8(raw)) cleaned.push(raw.toString('utf8'));
    else {
      cleaned.push('');
      yield { ok: false, reason: 'Invalid UTF8 character in the record (ACCEPTINVCHARS is not set)', line: i + 1, raw: raw.toString('utf8') };
    }
  }
  yield* jsonRecords(cleaned.join('\n'));
}

type Getter = (record: unknown) => unknown;

/** Which records can be mapped at all, and per column the function that picks its value out of one. */
function fieldGetters(mapping: FieldMapping, columns: readonly ColumnInfo[]): { accepts: (record: unknown) => boolean; getters: Getter[] } {
  if (mapping.kind === 'paths') {
    const getters = mapping.paths.map((path): Getter => {
      if (path.length !== 1) return (record) => evaluate(record, path);
      const step = path[0]!;
      return (record) => (record === null || typeof record !== 'object' ? undefined : (record as Record<PathStep, unknown>)[step]);
    });
    return { accepts: () => true, getters };
  }
  const names = columns.map((c) => c.name);
  if (!mapping.ignoreCase) {
    // Case-sensitive, as Redshift documents: the key "userId" does not fill the column userid.
    return { accepts: isObject, getters: names.map((n) => (record) => (Object.hasOwn(record as object, n) ? (record as Record<string, unknown>)[n] : undefined)) };
  }
  // The first key (in the object's key order) whose lowercase form is the column's name.
  return {
    accepts: isObject,
    getters: names.map((n) => (record) => {
      for (const key of Object.keys(record as object)) if (key.toLowerCase() === n) return (record as Record<string, unknown>)[key];
      return undefined;
    }),
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evaluate(record: unknown, path: readonly PathStep[]): unknown {
  let v: unknown = record;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}
