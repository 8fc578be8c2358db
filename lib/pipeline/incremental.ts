/**
 * Daily loads: one day's log file merged into the published star schema, with the full load's guarantees —
 * data tests before anything is published, one transaction for the merge, the same rows a full load gives.
 *
 *   create staging_events → COPY the day's prefix into staging_events (checked, and every event on the day)
 *   → build the day's part of each table under *_day names (one transaction) → user agents parsed → test
 *   the day's tables → merge: delete the day's rows and insert the new ones, recompute the users the day
 *   touches (one transaction).
 *
 * The catalogue is not read: plays are matched against song_catalogue, which a full run or reloadCatalogue
 * keeps. SQL: sql/incremental/; why delete-and-insert and not MERGE: docs/daily-loads.md.
 */
import type { Reader, SourceSettings } from '../config';
import { SparkifyError } from '../errors';
import type { Statement, Warehouse } from '../warehouse/warehouse';
import { dayParams, dayUri } from './days';
import { loadDetail, type LoadRejectRow, loadStaging, warnLoad } from './load-staging';
import { buildLoadedFiles, type FilesLoaded, runBuildLoadedFiles } from './loaded-files';
import { copyTemplateValues } from './pipeline';
import { type Progress, type StepResult, silentProgress, stepper } from './progress';
import { assertPassed, type CheckResult, runChecks, type TableTests } from './quality-checks';
import { existingTables } from './run-ledger';
import { publishStatements } from './publish';
import { dataTestsOf, statementsOf } from './sql-files';
import { BUILD_SUFFIX, modelFile, stagingTable, STAR_TABLES, STATE_TABLES, stateFile } from './tables';
import { loadUserAgents } from './user-agents';

const DAY_SUFFIX = '_day';

export interface DayLoadOptions {
  readonly sources: SourceSettings;
  readonly day: string;
  readonly progress?: Progress;
  /**
   * The day's files as listed, recorded in loaded_files when the day is published (in the same transaction).
   * @default unknown: the day's record is removed, so --new loads the day again
   */
  readonly files?: FilesLoaded;
}

export interface DayLoadResult {
  readonly day: string;
  readonly steps: readonly StepResult[];
  readonly checks: readonly CheckResult[];
  readonly rejected: readonly LoadRejectRow[];
  /** Rows COPY loaded into staging_events, and rows the day gives each star table. */
  readonly rows: Readonly<Record<string, number>>;
  readonly ms: number;
}

/** A check step's work: its tests, failing the step itself when one fails (so it is marked failed, not ticked). */
function checked(work: () => Promise<CheckResult[]>, consequence: string): () => Promise<CheckResult[]> {
  return async () => {
    const results = await work();
    assertPassed(results, consequence);
    return results;
  };
}

/** Statements of a SQL file, each with the parameters it uses (the rest are not sent). */
function withParams(file: string, params: Readonly<Record<string, string>>, label: string, values: Readonly<Record<string, string>> = {}): Statement[] {
  return statementsOf(file, values).map((sql) => ({ sql, params, label }));
}

/** The table an INSERT statement writes, after any comments; undefined for another statement. */
function insertTarget(sql: string): string | undefined {
  return /^(?:\s*--[^\n]*\n)*\s*INSERT\s+INTO\s+(\w+)/i.exec(sql)?.[1]?.toLowerCase();
}

/** The build of a state table (sql/incremental/<table>.sql) under another name. */
function stateStatements(table: (typeof STATE_TABLES)[number], name: string): Statement[] {
  return [`DROP TABLE IF EXISTS ${name}`, ...statementsOf(stateFile(table), { table: name })].map((sql) => ({ sql, label: `build ${name}` }));
}

/**
 * Whether the catalogue has been loaded (song_catalogue exists), and which published tables a daily load
 * merges into are missing.
 */
export async function incrementalReadiness(warehouse: Warehouse): Promise<{ catalogue: boolean; missing: string[] }> {
  const needed = [...STAR_TABLES, ...STATE_TABLES];
  const present = await existingTables(warehouse, needed);
  return { catalogue: present.has('song_catalogue'), missing: needed.filter((t) => !present.has(t)) };
}

/**
 * Creates, empty, the star and state tables a daily load merges into, where they are missing (a warehouse
 * whose first load is a daily one): each from its own model's CREATE TABLE, under the build name, then
 * renamed (each star table granted to the readers), all in one transaction. song_catalogue is never created
 * empty: only a catalogue load makes it.
 *
 * Refused when some of them hold data already (star tables from an earlier version, or a state table
 * dropped by hand): an empty user_day_states would lose the users' earlier states, and an empty loaded_days
 * would let a day already loaded be loaded again without its old rows being deleted (day_publish.sql).
 */
export async function createMissingTables(warehouse: Warehouse, missing: readonly string[], readers: readonly Reader[] = []): Promise<void> {
  const created = missing.filter((t) => t !== 'song_catalogue');
  const present = [...STAR_TABLES, ...STATE_TABLES].filter((t) => t !== 'song_catalogue' && !missing.includes(t));
  if (created.length > 0 && present.length > 0) {
    throw new SparkifyError(
      `The warehouse has ${present.join(', ')} but not ${created.join(', ')}, which daily loads keep beside the star tables ` +
        '(tables built by an earlier version, or dropped by hand). A daily load cannot merge into them: run a full load once ' +
        '(npm run etl -- --full-refresh), which builds them all, then load days again.',
    );
  }
  const statements: Statement[] = [];
  for (const table of created) {
    const file = (STAR_TABLES as readonly string[]).includes(table) ? modelFile(table as (typeof STAR_TABLES)[number]) : stateFile(table as (typeof STATE_TABLES)[number]);
    const next = `${table}${BUILD_SUFFIX}`;
    const create = statementsOf(file, { table: next }).find((sql) => /^\s*(--[^\n]*\n\s*)*CREATE\s+TABLE/i.test(sql));
    if (create === undefined) throw new SparkifyError(`sql/${file} has no CREATE TABLE statement to create ${table} from.`);
    statements.push(
      { sql: `DROP TABLE IF EXISTS ${next}`, label: `create ${table}` },
      { sql: create, label: `create ${table}` },
      // Published as every run publishes: renamed into place, and SELECT granted to the readers on a star table.
      ...publishStatements([table], readers, `create ${table}`),
    );
  }
  if (statements.length > 0) await warehouse.run(statements, { transaction: true });
}

/** Loads one day into the published star schema. The catalogue must have been loaded (incrementalReadiness). */
export async function loadDay(warehouse: Warehouse, options: DayLoadOptions): Promise<DayLoadResult> {
  const progress = options.progress ?? silentProgress;
  const steps: StepResult[] = [];
  const checks: CheckResult[] = [];
  const step = stepper(progress, steps);
  const started = performance.now();
  const { day } = options;
  const params = dayParams(day);
  const uri = dayUri(options.sources.eventsUri, day);

  const staging = stagingTable('staging_events');
  await step(`${day}: create staging_events`, () => warehouse.run(statementsOf(staging.createFile).map((sql) => ({ sql }))));
  const values = { ...copyTemplateValues(options.sources), events_uri: copyTemplateValues({ ...options.sources, eventsUri: uri }).events_uri };
  const loaded = await step(
    `${day}: load staging_events`,
    () => loadStaging(warehouse, 'staging_events', statementsOf(staging.copyFile, values), uri, options.sources.maxErrors, "the day's log file is empty"),
    loadDetail,
  );
  warnLoad(progress, 'staging_events', loaded);

  const stagingChecks = await step(
    `${day}: check staging_events`,
    checked(
      async () => {
        const results = await runChecks(warehouse, [{ table: 'staging_events', tests: dataTestsOf(staging.copyFile) }]);
        const [window] = await warehouse.query<{ outside: number | null; first_ts: string; last_ts: string }>(statementsOf('incremental/day_window.sql')[0]!, params);
        return [...results, { table: 'staging_events', test: `every ts on ${day} (UTC)`, failures: Number(window?.outside ?? 0), severity: 'error' as const }];
      },
      `The day's events are in staging_events; the star tables were not touched. A daily load replaces a day's rows by event time, so ` +
        `a log file must hold only its own day's events (load such data with a full run).`,
    ),
    (r) => ({ detail: `${r.length} tests` }),
  );
  checks.push(...stagingChecks);

  const built = await step(
    `${day}: build the day`,
    async () => {
      const statements = [
        ...stateStatements('user_day_states', `user_day_states${DAY_SUFFIX}`),
        ...stateStatements('loaded_days', `loaded_days${DAY_SUFFIX}`),
        ...withParams('incremental/day_tables.sql', params, `build ${day}`),
        ...withParams('marts/songplays_rows.sql', params, `build ${day}`, { target: 'songplays_day', catalogue: 'song_catalogue' }),
        ...withParams('marts/time_rows.sql', params, `build ${day}`, { target: 'time_day', plays: 'songplays_day' }),
        ...withParams('incremental/day_build.sql', params, `build ${day}`),
      ];
      const results = await warehouse.run(statements, { transaction: true });
      const inserted = (table: string) => statements.reduce((n, s, i) => (insertTarget(s.sql) === table ? n + results[i]!.rowsAffected : n), 0);
      const userAgents = await loadUserAgents(warehouse, DAY_SUFFIX);
      // What the day is loaded from, for loaded_files: published with the day's rows (day_publish.sql).
      await runBuildLoadedFiles(warehouse, buildLoadedFiles(`loaded_files${DAY_SUFFIX}`, options.files, options.sources.eventsUri));
      const [gone] = await warehouse.query<{ n: number }>('SELECT COUNT(*) AS n FROM user_agents_gone_day');
      return {
        songplays: inserted('songplays_day'),
        users: inserted('users_day'),
        time: inserted('time_day'),
        user_agents: userAgents,
        user_day_states: inserted('user_day_states_day'),
        goneAgents: Number(gone?.n ?? 0),
      };
    },
    (r) => ({ rows: r.songplays, detail: `songplays ${r.songplays}, users ${r.users}, time ${r.time}, user_agents ${r.user_agents}` }),
  );

  // The declared tests of each model, on the day's tables (not_empty aside: a day may hold no plays). A
  // relationship to users, time or user_agents is checked against the day's own rows, which hold every
  // parent the day's plays need; to songs and artists, against the published catalogue.
  const dayTable = (t: string) => (['songplays', 'users', 'time', 'user_agents', 'user_day_states', 'loaded_days'].includes(t) ? `${t}${DAY_SUFFIX}` : t);
  const dayTests: TableTests[] = [
    ...(['songplays', 'users', 'time', 'user_agents'] as const).map((table) => ({ table, tests: dataTestsOf(modelFile(table)).filter((t) => t.kind !== 'not_empty') })),
    ...(['user_day_states', 'loaded_days'] as const).map((table) => ({ table, tests: dataTestsOf(stateFile(table)) })),
  ];
  const dayChecks = await step(
    `${day}: check the day`,
    checked(() => runChecks(warehouse, dayTests, dayTable), `The published star tables are untouched; the day's build is left in the ${DAY_SUFFIX} tables for inspection.`),
    (r) => ({ detail: `${r.length} tests` }),
  );
  checks.push(...dayChecks);

  await step(`${day}: publish the day`, () =>
    warehouse.run(
      [
        ...withParams('incremental/day_publish.sql', params, `publish ${day}`),
        ...(built.goneAgents > 0 ? withParams('incremental/day_forget_agents.sql', params, `publish ${day}`) : []),
        ...withParams('incremental/day_cleanup.sql', params, `publish ${day}`),
      ],
      { transaction: true },
    ),
  );

  const rejected = loaded.rejects;
  return {
    day,
    steps,
    checks,
    rejected,
    rows: {
      staging_events: loaded.rows,
      songplays: built.songplays,
      users: built.users,
      time: built.time,
      user_agents: built.user_agents,
    },
    ms: Math.round(performance.now() - started),
  };
}

export interface CatalogueReloadResult {
  readonly steps: readonly StepResult[];
  readonly checks: readonly CheckResult[];
  readonly rejected: readonly LoadRejectRow[];
  readonly rows: Readonly<Record<string, number>>;
}

/**
 * --reload-catalogue: the song files loaded again into songs, artists and song_catalogue, and every published
 * play matched again against them (sql/incremental/rematch_songplays.sql), tested and published in one
 * transaction, so the star schema stays what a full load with this catalogue gives. The star and state
 * tables must exist (createMissingTables).
 */
export async function reloadCatalogue(
  warehouse: Warehouse,
  options: { readonly sources: SourceSettings; readonly progress?: Progress; readonly readers?: readonly Reader[] },
): Promise<CatalogueReloadResult> {
  const progress = options.progress ?? silentProgress;
  const steps: StepResult[] = [];
  const checks: CheckResult[] = [];
  const step = stepper(progress, steps);
  const staging = stagingTable('staging_songs');

  await step('catalogue: create staging_songs', () => warehouse.run(statementsOf(staging.createFile).map((sql) => ({ sql }))));
  const loaded = await step(
    'catalogue: load staging_songs',
    () =>
      loadStaging(warehouse, 'staging_songs', statementsOf(staging.copyFile, copyTemplateValues(options.sources)), options.sources.songsUri, options.sources.maxErrors, 'the song files are empty or missing'),
    loadDetail,
  );
  warnLoad(progress, 'staging_songs', loaded);
  const stagingChecks = await step(
    'catalogue: check staging_songs',
    checked(() => runChecks(warehouse, [{ table: 'staging_songs', tests: dataTestsOf(staging.copyFile) }]), 'The staging table staging_songs holds the bad rows; the star tables were not touched.'),
  );
  checks.push(...stagingChecks);

  const rebuilt = ['songs', 'artists', 'song_catalogue', 'songplays'] as const;
  const built = await step(
    'catalogue: build songs, artists, song_catalogue, songplays',
    async () => {
      const statements: Statement[] = [
        ...(['songs', 'artists'] as const).flatMap((t) =>
          [`DROP TABLE IF EXISTS ${t}${BUILD_SUFFIX}`, ...statementsOf(modelFile(t))].map((sql) => ({ sql, label: `build ${t}` })),
        ),
        ...stateStatements('song_catalogue', `song_catalogue${BUILD_SUFFIX}`),
        ...statementsOf('incremental/rematch_songplays.sql').map((sql) => ({ sql, label: 'match songplays again' })),
      ];
      const results = await warehouse.run(statements, { transaction: true });
      const counts: Record<string, number> = {};
      statements.forEach((s, i) => {
        const table = insertTarget(s.sql)?.replace(new RegExp(`${BUILD_SUFFIX}$`), '');
        if (table !== undefined) counts[table] = (counts[table] ?? 0) + results[i]!.rowsAffected;
      });
      return counts;
    },
    (r) => ({ detail: rebuilt.map((t) => `${t} ${r[t] ?? 0}`).join(', ') }),
  );

  // songplays is tested whole here: every play was matched again. not_empty is left out for it, since a
  // catalogue may be loaded before any day.
  const tests: TableTests[] = [
    ...(['songs', 'artists'] as const).map((table) => ({ table, tests: dataTestsOf(modelFile(table)) })),
    { table: 'song_catalogue', tests: dataTestsOf(stateFile('song_catalogue')) },
    { table: 'songplays', tests: dataTestsOf(modelFile('songplays')).filter((t) => t.kind !== 'not_empty') },
  ];
  const results = await step(
    'catalogue: check',
    checked(
      () => runChecks(warehouse, tests, (t) => ((rebuilt as readonly string[]).includes(t) ? `${t}${BUILD_SUFFIX}` : t)),
      `The published tables are untouched; the rejected build is left in the ${BUILD_SUFFIX} tables for inspection.`,
    ),
    (r) => ({ detail: `${r.length} tests` }),
  );
  checks.push(...results);

  // songs and artists are replaced, so their readers are granted SELECT again (publish.ts).
  await step('catalogue: publish', () => warehouse.run(publishStatements(rebuilt, options.readers ?? [], 'publish the catalogue'), { transaction: true }));
  return { steps, checks, rejected: loaded.rejects, rows: { staging_songs: loaded.rows, ...built } };
}
