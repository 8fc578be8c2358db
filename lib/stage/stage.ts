/**
 * Stages a song catalogue: many small JSON files become a few large newline-delimited parts, which COPY
 * loads with one request and one set-up per part instead of per song.
 *
 *   list the source (count, bytes, digest) → unchanged since the last stage? done, nothing uploaded →
 *   plan the parts → list again, read objects with bounded concurrency, compact each record to one line,
 *   append to its part in listing order, upload each part when full → commit: the record, written last.
 *
 * Memory stays flat in the number of objects: the listing is streamed twice instead of kept (the second
 * pass must give the same digest, or the source changed underneath and nothing is committed), and at most
 * `concurrency` objects plus the part being filled are held.
 */
import { createHash } from 'node:crypto';
import { SparkifyError } from '../errors';
import { compactRecords } from './json-lines';
import { partOf, planParts } from './plan';
import type { RejectedRecord, StageRecord } from './record';
import type { CatalogueSource, SourceObject, StageTarget } from './stores';

export interface StageOptions {
  /** Objects read at once. @default 64 */
  readonly concurrency?: number;
  /** As COPY's MAXERROR: the stage fails when bad records reach this many; 0 fails at the first. @default 0 */
  readonly maxErrors?: number;
  /** @default DEFAULT_SLICES */
  readonly slices: number;
  /** A part count chosen by the user instead of the plan's. */
  readonly parts?: number;
  /** Stage again even when the source is unchanged. */
  readonly force?: boolean;
  readonly onProgress?: (progress: StageProgress) => void;
}

export interface StageProgress {
  readonly phase: 'listing' | 'staging';
  readonly objectsDone: number;
  readonly objectsTotal?: number;
  readonly bytesDone: number;
  readonly bytesTotal?: number;
  readonly partsUploaded: number;
  readonly elapsedMs: number;
}

export interface StageResult {
  /** False when the source was unchanged and nothing was read or uploaded. */
  readonly staged: boolean;
  readonly record: StageRecord;
  readonly ms: number;
}

/** A stage that could not finish: the previous record and its parts are still the current ones. */
export class StageError extends SparkifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
  }
}

/** The rejected records a record lists; the rest are only counted. */
const REJECTS_LISTED = 100;
/** Progress at most this often. */
const PROGRESS_MS = 500;

export async function stageCatalogue(source: CatalogueSource, target: StageTarget, options: StageOptions): Promise<StageResult> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 64;
  const maxErrors = options.maxErrors ?? 0;
  let lastProgress = 0;
  const report = (p: Omit<StageProgress, 'elapsedMs'>, force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    options.onProgress?.({ ...p, elapsedMs: Math.round(now - started) });
  };

  // Pass 1: what is there, without keeping it.
  const first = await digestListing(source, (objects, bytes) => report({ phase: 'listing', objectsDone: objects, bytesDone: bytes, partsUploaded: 0 }));
  if (first.objects === 0) {
    throw new StageError(`${source.description} holds no objects: there is nothing to stage. Check the source prefix (--from or --source).`);
  }
  const plan =
    options.parts === undefined
      ? planParts(first.bytes, options.slices)
      : { parts: options.parts, bytesPerPart: Math.ceil(first.bytes / options.parts), why: `${options.parts} part${options.parts === 1 ? '' : 's'}, as --parts asked` };
  const generation = createHash('sha256')
    .update(`${first.digest}\nparts=${plan.parts}\nmaxErrors=${maxErrors}\n`)
    .digest('hex')
    .slice(0, 16);

  const previous = await target.readRecord(source.name);
  if (!options.force && previous?.generation === generation && (await target.hasParts(previous))) {
    return { staged: false, record: previous, ms: Math.round(performance.now() - started) };
  }

  // Pass 2: read, compact, write.
  const writer = await target.begin(source.name, generation);
  const partRecords = new Array<number>(plan.parts).fill(0);
  const partBytes = new Array<number>(plan.parts).fill(0);
  const rejected: RejectedRecord[] = [];
  let rejectedCount = 0;
  let records = 0;
  let current = 0;
  let buffer: Buffer[] = [];
  let uploaded = 0;
  // Uploads run while the next part fills; they never reject, a failure is kept and thrown at the next check.
  const uploads = new Set<Promise<void>>();
  let uploadError: unknown;
  const upload = async (index: number, chunks: Buffer[]) => {
    const body = Buffer.concat(chunks);
    partBytes[index] = body.length;
    const done: Promise<void> = writer.put(index, body).then(
      () => {
        uploaded++;
        uploads.delete(done);
      },
      (e: unknown) => {
        uploadError ??= e;
        uploads.delete(done);
      },
    );
    uploads.add(done);
    // At most two parts in flight: the stage keeps reading while one uploads, and memory stays bounded.
    if (uploads.size >= 2) await Promise.race(uploads);
    if (uploadError !== undefined) throw uploadError;
  };

  const hash = createHash('sha256');
  let objectsDone = 0;
  let offset = 0;
  let bytesDone = 0;
  const consume = async (object: SourceObject, body: Uint8Array) => {
    const part = partOf(offset, first.bytes, plan.parts);
    offset += object.size;
    while (current < part) {
      await upload(current, buffer);
      buffer = [];
      current++;
    }
    const { lines, errors } = compactRecords(body);
    for (const error of errors) {
      rejectedCount++;
      const reject = { key: source.where(object.key), line: error.line, reason: error.reason };
      if (rejected.length < REJECTS_LISTED) rejected.push(reject);
      if (rejectedCount >= Math.max(1, maxErrors)) {
        throw new StageError(
          `${reject.key} line ${reject.line}: ${reject.reason}. ` +
            (maxErrors === 0
              ? 'A record that is not valid JSON stops the stage (COPY would reject it too); fix or remove the file, or give --max-errors n to leave up to n-1 such records out and count them.'
              : `That makes ${rejectedCount} bad records, the limit --max-errors ${maxErrors} allows is ${maxErrors - 1}. Nothing was committed; the previous stage is still the current one.`),
        );
      }
    }
    if (lines.length > 0) {
      const chunk = Buffer.from(lines.join(''), 'utf8');
      buffer.push(chunk);
      partRecords[part] += lines.length;
      records += lines.length;
    }
    objectsDone++;
    bytesDone += object.size;
    report({ phase: 'staging', objectsDone, objectsTotal: first.objects, bytesDone, bytesTotal: first.bytes, partsUploaded: uploaded });
  };

  // A window of `concurrency` reads in flight, consumed in listing order (so the parts' content is the same every run).
  const window: { object: SourceObject; body: Promise<Uint8Array> }[] = [];
  let secondObjects = 0;
  let secondBytes = 0;
  for await (const object of source.list()) {
    hash.update(`${object.key}\t${object.etag}\t${object.size}\n`);
    secondObjects++;
    secondBytes += object.size;
    const body = object.size === 0 ? Promise.resolve(new Uint8Array()) : source.read(object);
    body.catch(() => {}); // awaited in order below; a failure is not unhandled meanwhile
    window.push({ object, body });
    if (window.length >= concurrency) {
      const next = window.shift()!;
      await consume(next.object, await next.body);
    }
  }
  while (window.length > 0) {
    const next = window.shift()!;
    await consume(next.object, await next.body);
  }
  const digest = hash.digest('hex');
  if (digest !== first.digest || secondObjects !== first.objects || secondBytes !== first.bytes) {
    throw new StageError(
      `${source.description} changed while it was being staged (${first.objects} objects at the start, ${secondObjects} at the end, or changed ETags). ` +
        'Nothing was committed; run npm run stage again.',
    );
  }
  while (current < plan.parts) {
    await upload(current, buffer);
    buffer = [];
    current++;
  }
  await Promise.all(uploads);
  if (uploadError !== undefined) throw uploadError;
  if (records === 0) {
    throw new StageError(`${source.description} holds ${first.objects} objects but not one JSON record: nothing was committed. Check the source.`);
  }
  report({ phase: 'staging', objectsDone, objectsTotal: first.objects, bytesDone, bytesTotal: first.bytes, partsUploaded: uploaded }, true);

  const record: StageRecord = {
    version: 1,
    source: source.description,
    objects: first.objects,
    sourceBytes: first.bytes,
    listingDigest: first.digest,
    generation,
    partsPrefix: writer.partsPrefix,
    parts: partBytes.map((bytes, i) => ({ key: writer.partKey(i), bytes, records: partRecords[i]! })),
    records,
    rejectedCount,
    rejected,
    slices: options.slices,
    maxErrors,
    plan: plan.why,
    stagedAt: new Date().toISOString(),
  };
  await writer.commit(record);
  return { staged: true, record, ms: Math.round(performance.now() - started) };
}

async function digestListing(source: CatalogueSource, onObject: (objects: number, bytes: number) => void) {
  const hash = createHash('sha256');
  let objects = 0;
  let bytes = 0;
  for await (const object of source.list()) {
    hash.update(`${object.key}\t${object.etag}\t${object.size}\n`);
    objects++;
    bytes += object.size;
    onObject(objects, bytes);
  }
  return { objects, bytes, digest: hash.digest('hex') };
}
