/**
 * The ETL, engine-agnostic: it only speaks the Warehouse interface, so it runs the same on the local
 * warehouse and on Redshift.
 *
 *   create staging tables → COPY songs, COPY events (each checked) → build the star tables under *_next
 *   (one transaction) → test them → publish: swap them in for the previous ones (one transaction).
 *
 * A run that fails anywhere before the publish leaves the previous star tables exactly as they were.
 */
import type { Reader, SourceSettings } from '../config';
import { iamRoleLiteral, integerLiteral, quoteLiteral, regionLiteral, s3UriLiteral } from '../sql-literals';
import type { Statement, Warehouse } from '../warehouse/warehouse';
import { type Progress, type StepResult, silentProgress, stepper } from './progress';
import { assertPassed, type CheckResult, runChecks, type TableTests } from './quality-checks';
import { loadDetail, loadStaging, type LoadRejectRow, warnLoad } from './load-staging';
import { buildLoadedFiles, type FilesLoaded, LOADED_FILES, runBuildLoadedFiles } from './loaded-files';
import { assertReplaceable, publishStatements } from './publish';
import { dataTestsOf, statementsOf } from './sql-files';
import { BUILD_SUFFIX, modelFile, STAGING_TABLES, STAR_TABLES, type StarTable, STATE_TABLES, stateFile } from './tables';
import { loadUserAgents } from './user-agents';

export interface PipelineOptions {
  readonly sources: SourceSettings;
  /**
   * Drop the staging and unpublished build tables before starting. The published star tables stay until
   * the publish replaces them, as in every run, so a --fresh run that fails or is interrupted leaves them.
   */
  readonly fresh?: boolean;
  readonly progress?: Progress;
  /**
   * Granted SELECT on every star table each time it is published.
   * @default none
   */
  readonly readers?: readonly Reader[];
  /** The caller has already run assertReplaceable (lib/pipeline/publish.ts), before changing anything of its own. */
  readonly replaceableChecked?: boolean;
  /**
   * The files under the events prefix as listed before the load, published as loaded_files with the star tables.
   * @default unknown: loaded_files is emptied, so --new loads every day once more
   */
  readonly files?: FilesLoaded;
}

export interface PipelineSummary {
  readonly steps: readonly StepResult[];
  /** Row counts of the published star tables. */
  readonly tables: Readonly<Record<StarTable, number>>;
  readonly checks: readonly CheckResult[];
  /** Rows the loads rejected but tolerated under MAXERROR. */
  readonly rejected: readonly LoadRejectRow[];
  readonly ms: number;
}

/** The step that swaps the new star tables in; once it is done, they are the published ones. */
export const PUBLISH_STEP = 'publish star tables';

export async function runPipeline(warehouse: Warehouse, options: PipelineOptions): Promise<PipelineSummary> {
  const progress = options.progress ?? silentProgress;
  const steps: StepResult[] = [];
  const checks: CheckResult[] = [];
  const rejected: LoadRejectRow[] = [];
  const started = performance.now();

  const step = stepper(progress, steps);

  // Views over the star tables and tables owned by another identity would make a DROP fail midway: refuse first.
  if (!options.replaceableChecked) await step('check the tables can be replaced', () => assertReplaceable(warehouse));
  if (options.fresh) {
    await step('drop leftover tables (--fresh)', () => warehouse.run(dropLeftoverStatements()));
  }
  await step('create staging tables', () => warehouse.run(STAGING_TABLES.flatMap((t) => statementsOf(t.createFile)).map((sql) => ({ sql }))));

  const templateValues = copyTemplateValues(options.sources);
  for (const staging of STAGING_TABLES) {
    const uri = staging.name === 'staging_events' ? options.sources.eventsUri : options.sources.songsUri;
    const loaded = await step(
      `load ${staging.name}`,
      () => loadStaging(warehouse, staging.name, statementsOf(staging.copyFile, templateValues), uri, options.sources.maxErrors),
      loadDetail,
    );
    warnLoad(progress, staging.name, loaded);
    rejected.push(...loaded.rejects);
    const results = await step(
      `check ${staging.name}`,
      async () => {
        const r = await runChecks(warehouse, [{ table: staging.name, tests: dataTestsOf(staging.copyFile) }]);
        checks.push(...r);
        assertPassed(r, `The staging table ${staging.name} holds the bad rows; the star tables were not touched.`);
        return r;
      },
      testsDetail,
    );
    warnAbout(results, progress);
  }

  const built = await step(
    'build star tables',
    async () => {
      // Each star table is created empty and filled in this transaction, so its rows are the rows its
      // statements report inserting: no count has to read the tables again.
      const statements = buildStatements();
      // The state tables first: users is read from user_day_states_next, songplays matched against song_catalogue_next.
      const state = stateBuildStatements();
      const results = (await warehouse.run([...state, ...statements], { transaction: true })).slice(state.length);
      const counts = Object.fromEntries(STAR_TABLES.map((t) => [t, 0])) as Record<StarTable, number>;
      statements.forEach((statement, i) => (counts[statement.table] += results[i]!.rowsAffected));
      counts.user_agents += await loadUserAgents(warehouse, BUILD_SUFFIX);
      // What the run loaded, published with the tables as loaded_files (a full run replaces the whole record).
      await runBuildLoadedFiles(warehouse, buildLoadedFiles(`${LOADED_FILES}${BUILD_SUFFIX}`, options.files, options.sources.eventsUri));
      return counts;
    },
    (counts) => ({ rows: Object.values(counts).reduce((a, b) => a + b, 0), detail: STAR_TABLES.map((t) => `${t} ${counts[t]}`).join(', ') }),
  );

  const starTests: TableTests[] = [
    ...STAR_TABLES.map((table) => ({ table, tests: dataTestsOf(modelFile(table)) })),
    ...STATE_TABLES.map((table) => ({ table, tests: dataTestsOf(stateFile(table)) })),
  ];
  const starResults = await step(
    'check star tables',
    async () => {
      const r = await runChecks(warehouse, starTests, (t) => `${t}${BUILD_SUFFIX}`);
      checks.push(...r);
      assertPassed(r, `The previous star tables are untouched; the rejected build is left in the ${BUILD_SUFFIX} tables for inspection.`);
      return r;
    },
    testsDetail,
  );
  warnAbout(starResults, progress);

  await step(PUBLISH_STEP, () =>
    warehouse.run(publishStatements([...STAR_TABLES, ...STATE_TABLES, LOADED_FILES], options.readers ?? [], 'publish star tables'), { transaction: true }),
  );

  return { steps, tables: built, checks, rejected, ms: Math.round(performance.now() - started) };
}

/** "14 tests", or "14 tests, 1 warning". */
function testsDetail(results: readonly CheckResult[]): Omit<StepResult, 'step' | 'ms'> {
  const warned = results.filter((r) => r.severity === 'warn' && r.failures > 0).length;
  return { detail: `${results.length} tests${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}` };
}

/** A warning test that found rows says so; the run goes on (dbt's severity: warn). */
function warnAbout(results: readonly CheckResult[], progress: Progress): void {
  for (const r of results) if (r.severity === 'warn' && r.failures > 0) progress.warn(`${r.table}: ${r.test} (${r.failures.toLocaleString('en-US')} found)`);
}

export function copyTemplateValues(sources: SourceSettings): Record<string, string> {
  return {
    events_uri: s3UriLiteral('events URI', sources.eventsUri),
    songs_uri: s3UriLiteral('songs URI', sources.songsUri),
    jsonpaths_uri: s3UriLiteral('JSONPaths URI', sources.jsonPathsUri),
    region: regionLiteral('source region', sources.region),
    songs_region: regionLiteral('songs region', sources.songsRegion ?? sources.region),
    iam_role: iamRoleLiteral('IAM role', sources.iamRole),
    max_errors: integerLiteral('max errors', sources.maxErrors, 0, 100000),
  };
}

function buildStatements(): (Statement & { readonly table: StarTable })[] {
  return STAR_TABLES.flatMap((table) => {
    return [`DROP TABLE IF EXISTS ${table}${BUILD_SUFFIX}`, ...statementsOf(modelFile(table)), ...rowsOf(table)].map((sql) => ({ sql, label: `build ${table}`, table }));
  });
}

/** The rows of the star tables whose INSERT a daily load shares (sql/marts/<table>_rows.sql). */
function rowsOf(table: StarTable): string[] {
  if (table === 'songplays') return statementsOf('marts/songplays_rows.sql', { target: `songplays${BUILD_SUFFIX}`, catalogue: `song_catalogue${BUILD_SUFFIX}` });
  if (table === 'time') return statementsOf('marts/time_rows.sql', { target: `time${BUILD_SUFFIX}`, plays: `songplays${BUILD_SUFFIX}` });
  return [];
}

/** The tables the daily loads keep (lib/pipeline/tables.ts), built from staging like the star tables. */
export function stateBuildStatements(): Statement[] {
  return STATE_TABLES.flatMap((table) => {
    const name = `${table}${BUILD_SUFFIX}`;
    return [`DROP TABLE IF EXISTS ${name}`, ...statementsOf(stateFile(table), { table: name })].map((sql) => ({ sql, label: `build ${table}` }));
  });
}

/** The published tables are not among them: only the publish replaces those. */
function dropLeftoverStatements() {
  const owned = [...STAR_TABLES, ...STATE_TABLES];
  const tables = [...STAGING_TABLES.map((t) => t.name), ...owned.map((t) => `${t}${BUILD_SUFFIX}`)];
  return tables.map((t) => ({ sql: `DROP TABLE IF EXISTS ${t}`, label: `drop ${t}` }));
}

/** Row counts of every published star table, in one query. */
export async function countAll(warehouse: Warehouse): Promise<Record<StarTable, number>> {
  // Redshift types a string literal as CHAR, which a UNION of names of several lengths would pad: VARCHAR keeps them exact.
  const sql = STAR_TABLES.map((t) => `SELECT CAST(${quoteLiteral(t)} AS VARCHAR(32)) AS name, COUNT(*) AS n FROM ${t}`).join(' UNION ALL ');
  const rows = await warehouse.query<{ name: StarTable; n: number }>(sql);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)])) as Record<StarTable, number>;
}
