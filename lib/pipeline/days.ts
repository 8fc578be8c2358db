/**
 * Days as the daily loads name them: `YYYY-MM-DD`, a UTC calendar day, which is how the source names its
 * log files (`log_data/2018/11/2018-11-05-events.json`) and how the star schema's event times are kept.
 */
import { ConfigError } from '../errors';

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day given on the command line, checked to be a real calendar date; otherwise a ConfigError naming the flag. */
export function parseDay(flag: string, text: string): string {
  const m = DAY.exec(text.trim());
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  // A month or day out of range (2018-13-01) is an invalid Date, whose toISOString throws; 2019-02-29 rolls
  // over to March. Either way it is not the day written.
  const date = new Date(`${day}T00:00:00Z`);
  if (!m || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw new ConfigError(`${flag} must be a calendar date written YYYY-MM-DD, such as 2018-11-05; got ${JSON.stringify(text)}.`);
  }
  return day;
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(isoDay(t));
  return days;
}

/** The SQL parameters that bound a day: the day itself and its first and following midnight (UTC). */
export function dayParams(day: string): { day: string; day_start: string; day_end: string } {
  return { day, day_start: `${day} 00:00:00`, day_end: `${isoDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS)} 00:00:00` };
}

/** The S3 prefix of a day's log files under the events prefix: `s3://udacity-dend/log_data/2018/11/2018-11-05`. */
export function dayUri(eventsUri: string, day: string): string {
  return `${eventsUri.replace(/\/+$/, '')}/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}`;
}

/**
 * The day a log file's key names, relative to the events prefix (`/2018/11/2018-11-05-events.json`), or
 * undefined for a key not laid out that way (a full load reads it; no daily load does).
 */
export function dayOfKey(relativeKey: string): string | undefined {
  const m = /^\/?(\d{4})\/(\d{2})\/((\d{4})-(\d{2})-\d{2})[^/]*$/.exec(relativeKey);
  if (!m || m[1] !== m[4] || m[2] !== m[5]) return undefined;
  try {
    return parseDay('key', m[3]!);
  } catch {
    return undefined;
  }
}

/** Runs of consecutive days missing between the first and last of `days` (sorted), as [first, last] pairs. */
export function gaps(days: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 1; i < days.length; i++) {
    const after = Date.parse(`${days[i - 1]}T00:00:00Z`) + DAY_MS;
    const next = Date.parse(`${days[i]}T00:00:00Z`);
    if (next > after) out.push([isoDay(after), isoDay(next - DAY_MS)]);
  }
  return out;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
