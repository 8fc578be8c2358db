/**
 * How many parts the catalogue is cut into, by AWS's guidance for COPY ("Loading data files" and "Load takes
 * too long", Amazon Redshift Database Developer Guide): JSON files are never split by COPY, so each file is
 * one slice's work; the number of files should be a multiple of the slices, and each file between 1 MB and
 * 125 MB. So: the fewest multiple of the slices that keeps every part at most 125 MB; if that makes parts
 * smaller than 1 MB (a small catalogue), fewer parts of at least 1 MB each instead, since a part below 1 MB
 * costs its per-file set-up for little work.
 */

export const MIN_PART_BYTES = 1024 * 1024;
export const MAX_PART_BYTES = 125 * 1024 * 1024;
/**
 * Redshift Serverless does not publish its slice count; 16 is a dc2.8xlarge/ra3.4xlarge node's. A multiple
 * of 16 is also a multiple of 2, 4 and 8, so it spreads evenly on any smaller count.
 */
export const DEFAULT_SLICES = 16;

export interface PartPlan {
  readonly parts: number;
  /** The bytes of source each part takes, about (the last one may take less). */
  readonly bytesPerPart: number;
  /** One sentence: why this many. */
  readonly why: string;
}

export function planParts(totalBytes: number, slices: number): PartPlan {
  const bySlices = slices * Math.max(1, Math.ceil(totalBytes / (slices * MAX_PART_BYTES)));
  if (totalBytes / bySlices >= MIN_PART_BYTES) {
    return {
      parts: bySlices,
      bytesPerPart: Math.ceil(totalBytes / bySlices),
      why: `${bySlices} parts: the fewest multiple of ${slices} slices that keeps each part under 125 MB`,
    };
  }
  const parts = Math.max(1, Math.floor(totalBytes / MIN_PART_BYTES));
  return {
    parts,
    bytesPerPart: Math.ceil(totalBytes / parts),
    why: `${parts} part${parts === 1 ? '' : 's'}: ${slices} slices would make parts under 1 MB, so as many parts of at least 1 MB as the source fills`,
  };
}

/** Which part an object goes to, from where its bytes start in the listing: consecutive objects, parts of about equal size. */
export function partOf(offset: number, totalBytes: number, parts: number): number {
  if (totalBytes === 0) return 0;
  return Math.min(parts - 1, Math.floor((offset * parts) / totalBytes));
}
