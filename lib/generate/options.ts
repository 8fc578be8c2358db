import { parseCount } from '../cli';
import { ConfigError } from '../errors';

/** What to generate. Built by `resolveOptions`, which fills the defaults and checks every value. */
export interface GenerateOptions {
  /** Folder to write `song_data/`, `log_data/` and `log_json_path.json` into. */
  readonly out: string;
  /** Number of events. @default 8056 (the real sample's) */
  readonly events: number;
  /** Number of songs in the catalogue. @default 14896 (s3://udacity-dend/song_data's) */
  readonly songs: number;
  /** Number of registered users. @default max(100, events / 80): the sample's ~84 events a user */
  readonly users: number;
  /**
   * Days the events span, from 2018-11-01 (UTC). @default min(30, ceil(events / 270)): the sample's
   * density (8,056 events in 30 days) up to one month, then denser days rather than more of them.
   * A day that gets no event gets no file.
   */
  readonly days: number;
  /** @default 1 */
  readonly seed: number;
  /** Share of NextSong events equal to a catalogue song on title, artist and duration. @default 0.05 */
  readonly matchRate: number;
  /** Share of NextSong events that nearly match (other artist, or duration off). @default 0.02 */
  readonly nearMissRate: number;
  /** Replace the generated entries of a non-empty `out`. @default false */
  readonly force: boolean;
}

/** Options as given: numbers, or strings straight from the command line. */
export type GenerateInput = { readonly out?: string; readonly force?: boolean } & {
  readonly [K in Exclude<keyof GenerateOptions, 'out' | 'force'>]?: number | string;
};

const LIMITS = { events: 1_000_000_000, songs: 500_000, users: 1_000_000, days: 3653, seed: 4_294_967_295 };

/** Defaults filled and every value checked; all problems reported at once as one `ConfigError` (exit 2). */
export function resolveOptions(input: GenerateInput): GenerateOptions {
  const problems: string[] = [];
  const events = wholeNumber('--events', input.events ?? 8056, 1, LIMITS.events, problems);
  // Defaults that scale with --events; a bad --events is reported once, not again through them.
  const basis = Number.isSafeInteger(events) ? events : 8056;
  const options: GenerateOptions = {
    out: input.out ?? '',
    events,
    songs: wholeNumber('--songs', input.songs ?? 14896, 1, LIMITS.songs, problems),
    users: wholeNumber('--users', input.users ?? Math.max(100, Math.round(basis / 80)), 1, LIMITS.users, problems),
    days: wholeNumber('--days', input.days ?? Math.min(30, Math.ceil(basis / 270)), 1, LIMITS.days, problems),
    seed: wholeNumber('--seed', input.seed ?? 1, 0, LIMITS.seed, problems),
    matchRate: rate('--match-rate', input.matchRate ?? 0.05, problems),
    nearMissRate: rate('--near-miss-rate', input.nearMissRate ?? 0.02, problems),
    force: input.force ?? false,
  };
  if (!options.out) problems.push('--out is required (the folder to write the data set into)');
  if (options.matchRate + options.nearMissRate > 1) {
    problems.push('--match-rate and --near-miss-rate together must not exceed 1');
  }
  if (problems.length > 0) throw new ConfigError(`${problems.join('; ')}. See npm run generate -- --help.`);
  return options;
}

function wholeNumber(flag: string, value: number | string, min: number, max: number, problems: string[]): number {
  // 100k and 1m as bench takes them, and 8,056 as people write it.
  const n = typeof value === 'number' ? value : parseCount(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const what = min === 0 ? 'a whole number' : 'a positive whole number';
    problems.push(`${flag} must be ${what} up to ${max.toLocaleString('en-US')} (got ${JSON.stringify(String(value))})`);
  }
  return n;
}

function rate(flag: string, value: number | string, problems: string[]): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    problems.push(`${flag} must be a number from 0 to 1 (got ${JSON.stringify(String(value))})`);
  }
  return n;
}
