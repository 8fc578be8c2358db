/**
 * What `npm run status` reports about a warehouse: its last runs (etl_runs), the days its star schema holds
 * and the gaps between them (loaded_days), the file versions they were loaded from (loaded_files), and the
 * size of every table the pipeline owns. Reads only.
 */
import { formatRecords as formatTable } from '../format/result-table';
import type { Warehouse } from '../warehouse/warehouse';
import { gaps } from './days';
import { existingTables, type LedgerRow, lastRuns } from './run-ledger';
import { LOADED_FILES } from './loaded-files';
import { STAGING_TABLES, STAR_TABLES, STATE_TABLES } from './tables';

export interface LoadedDay {
  readonly day: string;
  readonly events: number;
  readonly songplays: number;
  readonly loaded_at: string;
}

export interface WarehouseStatus {
  readonly runs: readonly LedgerRow[];
  readonly days: readonly LoadedDay[];
  /** Runs of missing days between the first and the last day loaded, as [first, last]. */
  readonly gaps: readonly (readonly [string, string])[];
  /** Rows per table, for the tables that exist. */
  readonly tables: Readonly<Record<string, number>>;
  /** Which file each published day was loaded from (loaded_files), newest first. */
  readonly files: readonly LoadedFile[];
}

export interface LoadedFile {
  /** null for a file that names no day (only a full run reads one). */
  readonly day: string | null;
  readonly uri: string;
  readonly size: number;
  /** The ETag S3 listed, or mtime:<ms> locally. */
  readonly version: string;
  readonly run_id: string;
  readonly loaded_at: string;
}

/** Files shown in the text status; --json has them all. */
const FILES_SHOWN = 5;

export async function warehouseStatus(warehouse: Warehouse, runs = 10): Promise<WarehouseStatus> {
  const owned = [...STAR_TABLES, ...STATE_TABLES, ...STAGING_TABLES.map((t) => t.name), LOADED_FILES, 'etl_runs'];
  const present = await existingTables(warehouse, owned);
  const names = owned.filter((t) => present.has(t));
  const tables: Record<string, number> = {};
  if (names.length > 0) {
    const rows = await warehouse.query<{ name: string; n: number }>(names.map((t) => `SELECT '${t}' AS name, COUNT(*) AS n FROM ${t}`).join(' UNION ALL '));
    for (const r of rows) tables[String(r.name).trim()] = Number(r.n);
  }
  const days = present.has('loaded_days')
    ? (await warehouse.query<{ day: string; events: number; songplays: number; loaded_at: string }>(
        'SELECT day, events, songplays, loaded_at FROM loaded_days ORDER BY day',
      )).map((r) => ({ day: String(r.day), events: Number(r.events), songplays: Number(r.songplays), loaded_at: String(r.loaded_at) }))
    : [];
  const files = present.has(LOADED_FILES)
    ? (await warehouse.query<{ day: string | null; uri: string; size: number; version: string; run_id: string; loaded_at: string }>(
        'SELECT day, uri, size, version, run_id, loaded_at FROM loaded_files ORDER BY loaded_at DESC, day DESC, uri',
      )).map((r) => ({ day: r.day === null ? null : String(r.day), uri: String(r.uri), size: Number(r.size), version: String(r.version), run_id: String(r.run_id), loaded_at: String(r.loaded_at) }))
    : [];
  return { runs: await lastRuns(warehouse, runs), days, gaps: gaps(days.map((d) => d.day)), tables: Object.fromEntries(names.map((t) => [t, tables[t] ?? 0])), files };
}

/** Days as compact spans: 2018-11-01…2018-11-04, 2018-11-06. */
export function spans(days: readonly string[]): string[] {
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  const flush = () => {
    if (start !== undefined) out.push(start === prev ? start : `${start}…${prev}`);
  };
  for (const day of days) {
    if (prev !== undefined && gaps([prev, day]).length === 0) {
      prev = day;
      continue;
    }
    flush();
    start = day;
    prev = day;
  }
  flush();
  return out;
}

/** The status as `npm run status` prints it (after the target line): the runs, the days and gaps, the tables. */
export function formatStatus(status: WarehouseStatus): string {
  const runs =
    status.runs.length === 0
      ? '  none recorded (no run has written etl_runs yet)'
      : formatTable(
          status.runs.map((r) => ({
            started: r.started_at,
            mode: r.mode,
            days: r.mode === 'full' ? 'all' : r.mode === 'new' ? (r.days === null ? 'none' : spans(r.days.split(',')).join(', ')) : r.first_day === r.last_day ? r.first_day : `${r.first_day}…${r.last_day}`,
            status: r.status,
            seconds: r.ended_at === null ? '' : ((Date.parse(`${r.ended_at}Z`) - Date.parse(`${r.started_at}Z`)) / 1000).toFixed(1),
            events: rowsOf(r.rows_loaded, 'staging_events'),
            plays: rowsOf(r.rows_loaded, 'songplays'),
            rejected: Object.values(parsed(r.rows_rejected)).reduce((a, b) => a + b, 0),
            by: r.run_by,
            message: (r.message ?? '').length > 60 ? `${r.message!.slice(0, 59)}…` : (r.message ?? ''),
          })),
        );
  const days = status.days.length === 0 ? 'none' : `${status.days.length} (${spans(status.days.map((d) => d.day)).join(', ')})`;
  const gapList = status.gaps.length === 0 ? 'none' : status.gaps.map(([a, b]) => (a === b ? a : `${a}…${b}`)).join(', ');
  const tables = Object.entries(status.tables).map(([table, n]) => ({ table, rows: n.toLocaleString('en-US') }));
  return (
    `Last runs (newest first):\n${runs}\n\nDays loaded: ${days}\nGaps: ${gapList}\n\n${formatFiles(status)}\n\n` +
    `${tables.length === 0 ? 'Tables: none yet (run npm run etl)' : formatTable(tables)}\n`
  );
}

/** What the days were loaded from: how many files are recorded, and the latest few. */
function formatFiles(status: WarehouseStatus): string {
  const { files } = status;
  if (files.length === 0) return 'Files loaded: none recorded (npm run etl -- --new loads every day whose file is not)';
  const dated = new Set(files.filter((f) => f.day !== null).map((f) => f.day));
  const head = `Files loaded: ${files.length.toLocaleString('en-US')} for ${dated.size.toLocaleString('en-US')} day${dated.size === 1 ? '' : 's'}${files.length > FILES_SHOWN ? `; the latest ${FILES_SHOWN}` : ''}:`;
  const rows = files.slice(0, FILES_SHOWN).map((f) => ({ day: f.day ?? '', file: f.uri, bytes: f.size.toLocaleString('en-US'), version: f.version, loaded: f.loaded_at }));
  return `${head}\n${formatTable(rows)}`;
}

/** The rows per table a ledger row holds (JSON), or none. */
function parsed(json: string | null): Record<string, number> {
  try {
    return json === null ? {} : (JSON.parse(json) as Record<string, number>);
  } catch {
    return {};
  }
}

function rowsOf(json: string | null, table: string): string {
  const n = parsed(json)[table];
  return n === undefined ? '' : n.toLocaleString('en-US');
}
