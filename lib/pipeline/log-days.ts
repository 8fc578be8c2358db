/**
 * Which days the source holds log files for, and which files each day has, read from the listing of the
 * events prefix (source-files.ts; local-files.ts for the local target): before a daily run opens the warehouse, a date outside the data is refused
 * up front and a backfill reports and skips the days that have no file; --new compares each day's files with
 * what was loaded from them (loaded_files). Locally the listing is the source folder's (the same S3 prefix
 * rules the COPY emulation follows); on Redshift it is S3's ListObjectsV2, with the credentials of whoever
 * runs the ETL.
 */
import { ConfigError } from '../errors';
import { dayOfKey } from './days';
import { type ListFiles, type SourceFile } from './source-files';

export interface LogListing {
  /** Days with at least one log file, sorted. */
  readonly days: readonly string[];
  /** Keys under the events prefix that name no day: a full load reads them, a daily load never does. */
  readonly undated: readonly string[];
  /** Every file under the events prefix, with the day it names (undefined for the undated ones). */
  readonly files: readonly DatedFile[];
}

export interface DatedFile extends SourceFile {
  readonly day?: string;
}

export type ListLogDays = (eventsUri: string) => Promise<LogListing>;

/** The days of a prefix's files. */
export function listingOf(eventsUri: string, listed: readonly SourceFile[]): LogListing {
  const prefix = eventsUri.replace(/\/+$/, '');
  const days = new Set<string>();
  const undated: string[] = [];
  const files = listed.map((file) => {
    const day = file.uri.startsWith(`${prefix}/`) ? dayOfKey(file.uri.slice(prefix.length)) : undefined;
    if (day === undefined) undated.push(file.uri);
    else days.add(day);
    return { ...file, day };
  });
  return { days: [...days].sort(), undated, files };
}

/** The log days of whatever `list` lists. */
export function logDays(list: ListFiles): ListLogDays {
  return async (eventsUri) => listingOf(eventsUri, await list(eventsUri));
}

/** The files of one day among a listing's. */
export function filesOfDay(files: readonly DatedFile[], day: string): DatedFile[] {
  return files.filter((f) => f.day === day);
}

/** Refuses a listing with no day at all: nothing a daily load could read. */
export function assertHasDays(listing: LogListing, eventsUri: string): void {
  if (listing.days.length === 0) {
    throw new ConfigError(
      `No log file under ${eventsUri} is named by a day (log_data/YYYY/MM/YYYY-MM-DD-events.json), so there is no day to load. ` +
        'Check SPARKIFY_EVENTS_URI or --source, or run a full load.',
    );
  }
}
