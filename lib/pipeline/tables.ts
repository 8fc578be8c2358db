/** The tables the pipeline owns, and the SQL file that defines or loads each. */

export interface StagingTable {
  readonly name: 'staging_events' | 'staging_songs';
  /** Drops and creates it. */
  readonly createFile: string;
  /** The COPY that loads it, with its data tests. */
  readonly copyFile: string;
}

/** Songs first: a small catalogue fails fast before the larger event load. */
export const STAGING_TABLES: readonly StagingTable[] = [
  { name: 'staging_songs', createFile: 'staging/staging_songs.sql', copyFile: 'staging/staging_songs.copy.sql' },
  { name: 'staging_events', createFile: 'staging/staging_events.sql', copyFile: 'staging/staging_events.copy.sql' },
];

export function stagingTable(name: StagingTable['name']): StagingTable {
  return STAGING_TABLES.find((t) => t.name === name)!;
}

/**
 * In build order: users reads user_day_states_next, songplays reads staging_events and song_catalogue_next
 * (state tables, built before the star tables), time reads songplays. user_agents is created empty by its SQL
 * and filled from songplays by lib/pipeline/user-agents.ts, after the rest of the build.
 */
export const STAR_TABLES = ['songs', 'artists', 'users', 'songplays', 'time', 'user_agents'] as const;
export type StarTable = (typeof STAR_TABLES)[number];

/** The star tables are built under this suffix, tested, then renamed into place in one transaction. */
export const BUILD_SUFFIX = '_next';

export function modelFile(table: StarTable): string {
  return `marts/${table}.sql`;
}

/**
 * What the daily loads keep beside the star schema (sql/incremental/<name>.sql): the catalogue as the song
 * match reads it, each user's latest state per day, and the days loaded. A full run builds them under the
 * build suffix with the star tables and publishes them in the same transaction.
 */
export const STATE_TABLES = ['song_catalogue', 'user_day_states', 'loaded_days'] as const;
export type StateTable = (typeof STATE_TABLES)[number];

export function stateFile(table: StateTable): string {
  return `incremental/${table}.sql`;
}
