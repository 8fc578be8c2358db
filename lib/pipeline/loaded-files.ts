/**
 * loaded_files (sql/incremental/loaded_files.sql): which file version each published day was loaded from.
 * A run builds the rows of what it loaded under a build name (loaded_files_day, loaded_files_next) before it
 * publishes; the publishing transaction moves them in with the star tables' rows, so the record and the
 * tables never disagree.
 */
import { MAX_BATCH_STATEMENTS } from '../warehouse/redshift/statement-requests';
import type { Statement, Warehouse } from '../warehouse/warehouse';
import type { SourceFile } from './source-files';
import { dayOfKey } from './days';
import { tableExists } from './run-ledger';
import { statementsOf } from './sql-files';

export const LOADED_FILES = 'loaded_files';

/**
 * Files per INSERT: four parameters each. The Data API documents no limit on a statement's parameters; this
 * keeps each one small (under 20 KB of SQL and parameters).
 */
const ROWS_PER_INSERT = 50;

/** What a run records as loaded: its id and the files, as the listing gave them. */
export interface FilesLoaded {
  readonly runId: string;
  readonly files: readonly (SourceFile & { readonly day?: string })[];
}

/** Creates loaded_files, empty, where it is missing. */
export function ensureLoadedFilesStatements(): Statement[] {
  return statementsOf('incremental/loaded_files.sql', { table: LOADED_FILES, exists: 'IF NOT EXISTS' }).map((sql) => ({ sql, label: 'create loaded_files' }));
}

/**
 * The build table `table` (re)created holding `loaded`'s files; empty when they are not known, so that
 * publishing it forgets what the day (or the whole warehouse) was loaded from and --new loads it again.
 */
export function buildLoadedFiles(table: string, loaded: FilesLoaded | undefined, eventsPrefix: string): Statement[] {
  const label = `record the files loaded in ${table}`;
  const statements: Statement[] = [
    ...ensureLoadedFilesStatements(),
    { sql: `DROP TABLE IF EXISTS ${table}`, label },
    ...statementsOf('incremental/loaded_files.sql', { table, exists: '' }).map((sql) => ({ sql, label })),
  ];
  const files = loaded?.files ?? [];
  const loadedAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const prefix = eventsPrefix.replace(/\/+$/, '');
  for (let start = 0; start < files.length; start += ROWS_PER_INSERT) {
    const chunk = files.slice(start, start + ROWS_PER_INSERT);
    const params: Record<string, string> = { run_id: loaded!.runId, loaded_at: loadedAt };
    const rows = chunk.map((file, i) => {
      const day = file.day ?? (file.uri.startsWith(`${prefix}/`) ? dayOfKey(file.uri.slice(prefix.length)) : undefined);
      params[`u${i}`] = file.uri;
      params[`s${i}`] = String(file.size);
      // The Data API refuses an empty parameter; a listing without an ETag records one that matches nothing.
      params[`v${i}`] = file.version === '' ? '(none)' : file.version;
      if (day !== undefined) params[`d${i}`] = day;
      return `(${day === undefined ? 'NULL' : `CAST(:d${i} AS DATE)`}, :u${i}, CAST(:s${i} AS BIGINT), :v${i}, :run_id, CAST(:loaded_at AS TIMESTAMP))`;
    });
    statements.push(...statementsOf('incremental/loaded_files_rows.sql', { table, rows: rows.join(',\n       ') }).map((sql) => ({ sql, params, label })));
  }
  return statements;
}

/**
 * Runs buildLoadedFiles' statements: as one Data API batch when they fit in one (a day's always do), so a
 * day pays one round trip for its record; otherwise one by one (the build table is not published yet).
 */
export async function runBuildLoadedFiles(warehouse: Warehouse, statements: readonly Statement[]): Promise<void> {
  await warehouse.run(statements, { transaction: statements.length <= MAX_BATCH_STATEMENTS });
}

/** The files each published day was loaded from, by day; empty where loaded_files does not exist yet. Reads only. */
export async function recordedFiles(warehouse: Warehouse): Promise<Map<string, SourceFile[]>> {
  if (!(await tableExists(warehouse, LOADED_FILES))) return new Map();
  const [sql] = statementsOf('incremental/loaded_files_recorded.sql');
  const rows = await warehouse.query<{ day: string; uri: string; size: number; version: string }>(sql!);
  const byDay = new Map<string, SourceFile[]>();
  for (const r of rows) {
    const day = String(r.day);
    byDay.set(day, [...(byDay.get(day) ?? []), { uri: String(r.uri), size: Number(r.size), version: String(r.version) }]);
  }
  return byDay;
}
