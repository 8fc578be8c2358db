/** What npm run etl prints of a run: its table of rows loaded (stdout) and a line per published day (stderr). */
import { formatMs, formatTable } from '../cli';
import type { EtlRunSummary } from './etl-run';
import type { DayLoadResult } from './incremental';

/**
 * The rows each table got, as a table; undefined when the run loaded nothing (every day of it skipped for
 * want of a log file), whose stderr lines already say so: an empty table on stdout says nothing.
 */
export function loadedTable(summary: Pick<EtlRunSummary, 'full' | 'rowsLoaded'>): string | undefined {
  const counts = summary.full?.tables ?? summary.rowsLoaded;
  const rows = Object.entries(counts).map(([table, n]) => ({ table, rows: n }));
  return rows.length === 0 ? undefined : formatTable(rows);
}

/** "Published 2018-11-05 (1/3): 2,968 plays, 1.20 s". */
export function publishedLine(day: Pick<DayLoadResult, 'day' | 'rows' | 'ms'>, index: number, of: number): string {
  return `Published ${day.day} (${index + 1}/${of}): ${(day.rows['songplays'] ?? 0).toLocaleString('en-US')} plays, ${formatMs(day.ms)}`;
}
