/** The data set sizes a bench run measures: the bundled sample, or a generated set of N events. */
import { parseCount } from '../cli';

export interface BenchSize {
  /** As the user wrote it, normalised: 'sample', '10k', '100k', '1m', '2.5m', '12345'. */
  readonly label: string;
  /** Events to generate; undefined for the bundled sample. */
  readonly events?: number;
}

export const DEFAULT_SIZES = 'sample,10k,100k,1m';

/** Parses 'sample,10k,100k,1m' (k = thousand, m = million; plain numbers too). Throws on anything else. */
export function parseSizes(text: string): BenchSize[] {
  const sizes: BenchSize[] = [];
  for (const part of text.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === '') continue;
    if (part === 'sample') {
      sizes.push({ label: 'sample' });
      continue;
    }
    const events = parseCount(part);
    if (!Number.isSafeInteger(events) || events < 1) {
      throw new Error(`"${part}" is not a size: use sample, or a number of events such as 10k, 100k, 1m or 250000.`);
    }
    sizes.push({ label: part, events });
  }
  if (sizes.length === 0) throw new Error('No sizes given: use for example --sizes sample,10k,100k,1m.');
  const labels = sizes.map((s) => s.label);
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated !== undefined) throw new Error(`The size ${repeated} is listed twice.`);
  return sizes;
}
