/**
 * The build tables a run makes and drops or renames before it ends: the full run's and the catalogue reload's
 * `*_next`, a daily load's `*_day`. A run killed before its end leaves them (a day that merely fails leaves
 * its `*_day` tables for inspection, and its next load replaces them); the run that closes the killed run's
 * ledger row drops them, whichever kind of run it is.
 */
import type { Warehouse } from '../warehouse/warehouse';
import { LOADED_FILES } from './loaded-files';
import { existingTables } from './run-ledger';
import { BUILD_SUFFIX, STAR_TABLES, STATE_TABLES } from './tables';

/** Every build table a run can leave (the daily ones as sql/incremental/day_tables.sql and day_build.sql name them). */
export function buildTables(): string[] {
  const owned = [...STAR_TABLES, ...STATE_TABLES, LOADED_FILES];
  return [...owned.map((t) => `${t}${BUILD_SUFFIX}`), ...owned.map((t) => `${t}_day`), 'user_agents_gone_day', 'users_affected_day'];
}

/** Drops the build tables that exist; returns their names. */
export async function dropLeftoverBuilds(warehouse: Warehouse): Promise<string[]> {
  const present = [...(await existingTables(warehouse, buildTables()))].sort();
  if (present.length > 0) await warehouse.run(present.map((t) => ({ sql: `DROP TABLE IF EXISTS ${t}`, label: `drop ${t}, left by a killed run` })));
  return present;
}
