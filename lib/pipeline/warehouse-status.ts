/**
 * What `npm run status` reports about a warehouse: its last runs (etl_runs), the days its star schema holds
 * and the gaps between them (loaded_days), and the size of every table the pipeline owns. Reads only.
 */
import { formatRecords as formatTable } from '../format/result-table';
import type { Warehouse } from '../warehouse/warehouse';
import { gaps } from './days';
import { existingTables, type LedgerRow, lastRuns } from './run-ledger';
import { STAGING_TABLES, STAR_TABLES, STATE_TABLES } from './tables';

export interface LoadedDay {
  readonly day: string;
  readonly events: number;
  readonly songplays: number;
  readonly loaded_at: string;
}

/** A run as the status reports it: rows per table as objects (etl_runs keeps them as JSON text). */
export interface StatusRun extends Omit<LedgerRow, 'rows_loaded' | 'rows_rejected'> {
  readonly rows_loaded: Readonly<Record<string, number>> | null;
  readonly rows_rejected: Readonly<Record<string, number>> | null;
}

export interface WarehouseStatus {
  readonly runs: readonly StatusRun[];
  readonly days: readonly LoadedDay[];
  /** Runs of missing days between the first and the last day loaded, as [first, last]. */
  readonly gaps: readonly (readonly [string, string])[];
  /** Rows per table, for the tables that exist. */
  readonly tables: Readonly<Record<string, number>>;
}

export async function warehouseStatus(warehouse: Warehouse, runs = 10): Promise<WarehouseStatus> {
  const owned = [...STAR_TABLES, ...STATE_TABLES, ...STAGING_TABLES.map((t) => t.name), 'etl_runs'];
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
  const ledger = (await lastRuns(warehouse, runs)).map((r) => ({ ...r, rows_loaded: parsed(r.rows_loaded), rows_rejected: parsed(r.rows_rejected) }));
  return { runs: ledger, days, gaps: gaps(days.map((d) => d.day)), tables: Object.fromEntries(names.map((t) => [t, tables[t] ?? 0])) };
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
            days: r.mode === 'full' ? 'all' : r.first_day === r.last_day ? r.first_day : `${r.first_day}…${r.last_day}`,
            status: r.status,
            seconds: r.ended_at === null ? '' : ((Date.parse(`${r.ended_at}Z`) - Date.parse(`${r.started_at}Z`)) / 1000).toFixed(1),
            events: rowsOf(r.rows_loaded, 'staging_events'),
            plays: rowsOf(r.rows_loaded, 'songplays'),
            rejected: Object.values(r.rows_rejected ?? {}).reduce((a, b) => a + b, 0),
            by: r.run_by,
            message: (r.message ?? '').length > 60 ? `${r.message!.slice(0, 59)}…` : (r.message ?? ''),
          })),
        );
  const days = status.days.length === 0 ? 'none' : `${status.days.length} (${spans(status.days.map((d) => d.day)).join(', ')})`;
  const gapList = status.gaps.length === 0 ? 'none' : status.gaps.map(([a, b]) => (a === b ? a : `${a}…${b}`)).join(', ');
  const tables = Object.entries(status.tables).map(([table, n]) => ({ table, rows: n.toLocaleString('en-US') }));
  return (
    `Last runs (newest first):\n${runs}\n\nDays loaded: ${days}\nGaps: ${gapList}\n\n` +
    `${tables.length === 0 ? 'Tables: none yet (run npm run etl)' : formatTable(tables)}\n`
  );
}

/** The rows per table a ledger row holds (JSON text), or null when it holds none or cannot be read. */
function parsed(json: string | null): Record<string, number> | null {
  try {
    return json === null ? null : (JSON.parse(json) as Record<string, number>);
  } catch {
    return null;
  }
}

function rowsOf(rows: Readonly<Record<string, number>> | null, table: string): string {
  const n = rows?.[table];
  return n === undefined ? '' : n.toLocaleString('en-US');
}
