/** What the stage reads from and writes to, whichever it is: an S3 prefix or a local folder laid out like the bucket. */
import type { StageRecord } from './record';

export interface SourceObject {
  /** The key, e.g. `song_data/A/A/A/TRAAAAW128F429D538.json`. */
  readonly key: string;
  /** S3's ETag; for a file, its size and modification time (what tells a change without reading it). */
  readonly etag: string;
  readonly size: number;
}

export interface CatalogueSource {
  /** For messages and the record: `s3://udacity-dend/song_data` or the folder's path. */
  readonly description: string;
  /** The catalogue's name, the last segment of its prefix: `song_data`. */
  readonly name: string;
  /** Every object under the prefix, in the same order each time. */
  list(): AsyncIterable<SourceObject>;
  read(object: SourceObject): Promise<Uint8Array>;
  /** How a key is named in messages: its s3:// URI or its path. */
  where(key: string): string;
}

export interface StageTarget {
  readonly description: string;
  /** The record of the last finished stage of this catalogue, if any. */
  readRecord(name: string): Promise<StageRecord | undefined>;
  /** Whether every part the record names is there with its size (a record without its parts is staged again). */
  hasParts(record: StageRecord): Promise<boolean>;
  begin(name: string, generation: string): Promise<PartWriter>;
}

export interface PartWriter {
  /** Where part `index` goes, relative to the target root. */
  partKey(index: number): string;
  /** The prefix COPY reads once committed, relative to the target root. */
  readonly partsPrefix: string;
  put(index: number, body: Buffer): Promise<void>;
  /** Makes the parts the current ones and writes the record, last; then removes earlier parts. */
  commit(record: StageRecord): Promise<void>;
}
