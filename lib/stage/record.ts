/**
 * The stage record: what a finished stage wrote, kept beside the parts (`_stage/<name>.json` under the
 * target). It is written last, so it only ever names a complete set of parts; the ETL reads it to find the
 * parts, and the next stage compares its listing digest to know the source is unchanged.
 */

/** Where the records and manifests live under a target, away from any COPY prefix (`song_data` matches `song_data.json`). */
export const STAGE_FOLDER = '_stage';

export interface StagedPart {
  /** Key under the target root, e.g. `song_data/3f2a…/part-00000.json`. */
  readonly key: string;
  readonly bytes: number;
  readonly records: number;
}

export interface RejectedRecord {
  readonly key: string;
  readonly line: number;
  readonly reason: string;
}

export interface StageRecord {
  readonly version: 1;
  /** The source, as an s3:// URI or a folder path. */
  readonly source: string;
  /** Objects and bytes the source listing held, and the SHA-256 of its keys and ETags in listing order. */
  readonly objects: number;
  readonly sourceBytes: number;
  readonly listingDigest: string;
  /** Names this set of parts: the digest of the listing and the options that shape the parts. */
  readonly generation: string;
  /** The prefix COPY reads, relative to the target root (ends with /). */
  readonly partsPrefix: string;
  readonly parts: readonly StagedPart[];
  readonly records: number;
  /** Records left out under --max-errors (the first 100 are listed). */
  readonly rejectedCount: number;
  readonly rejected: readonly RejectedRecord[];
  readonly slices: number;
  readonly maxErrors: number;
  readonly plan: string;
  readonly stagedAt: string;
}

/** The record's file name under the target root: `_stage/song_data.json` for the source prefix `…/song_data`. */
export function recordKey(name: string): string {
  return `${STAGE_FOLDER}/${name}.json`;
}

/** The Redshift COPY manifest's key: `_stage/song_data.manifest`. */
export function manifestKey(name: string): string {
  return `${STAGE_FOLDER}/${name}.manifest`;
}

/** The record read back from JSON, or undefined if it is not one this version wrote (treated as absent: staged again). */
export function parseRecord(text: string): StageRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<StageRecord>;
    if (value.version !== 1 || typeof value.partsPrefix !== 'string' || !Array.isArray(value.parts) || typeof value.generation !== 'string') {
      return undefined;
    }
    return value as StageRecord;
  } catch {
    return undefined;
  }
}
