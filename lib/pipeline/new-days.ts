/**
 * What `npm run etl -- --new` loads: every day the source holds whose files are not exactly the ones its
 * published rows were loaded from (loaded_files) — a day never loaded, a day loaded before its files were
 * recorded, a day whose file changed (size or version) or gained or lost a file — oldest first.
 */
import { filesOfDay, type LogListing } from './log-days';
import type { SourceFile } from './source-files';

export interface NewDays {
  /** Days to load, oldest first. */
  readonly days: readonly string[];
  /** Of those, the ones loaded before from other files (changed or re-uploaded). */
  readonly changed: readonly string[];
  /** Days loaded from exactly the files the source holds now. */
  readonly unchanged: number;
}

export function newDays(listing: LogListing, recorded: ReadonlyMap<string, readonly SourceFile[]>): NewDays {
  const days: string[] = [];
  const changed: string[] = [];
  for (const day of listing.days) {
    const listed = filesOfDay(listing.files, day);
    const loaded = recorded.get(day);
    if (loaded !== undefined && sameFiles(listed, loaded)) continue;
    days.push(day);
    if (loaded !== undefined) changed.push(day);
  }
  return { days, changed, unchanged: listing.days.length - days.length };
}

function sameFiles(listed: readonly SourceFile[], loaded: readonly SourceFile[]): boolean {
  if (listed.length !== loaded.length) return false;
  const byUri = new Map(loaded.map((f) => [f.uri, f]));
  return listed.every((f) => {
    const was = byUri.get(f.uri);
    return was !== undefined && was.size === f.size && was.version === f.version;
  });
}
