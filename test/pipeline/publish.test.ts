/**
 * Re-runs next to what analysts keep in the warehouse. Publishing changes rows, not tables: no statement of a
 * run drops, renames or alters a published table; a view and a grant made by hand over songplays survive full
 * and daily runs, the view still answering; the readers the settings name can read every table from its first
 * commit, and a reader added later is granted by the next run of any kind. Through the local Data API
 * endpoint, which runs each caller as its own database user, a second identity is refused with the owner
 * named, and nothing changes.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DEFAULT_SOURCES } from '../../lib/config';
import { DataApiEndpoint } from '../../lib/data-api-endpoint/endpoint';
import { SparkifyError } from '../../lib/errors';
import { type EtlRunOptions, type RunRequest, runEtl } from '../../lib/pipeline/etl-run';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { STAR_TABLES, STATE_TABLES } from '../../lib/pipeline/tables';
import { RedshiftDataApiWarehouse } from '../../lib/warehouse/redshift/redshift-warehouse';
import type { RunOptions, Statement, Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import { starSnapshot } from '../helpers/star-snapshot';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const etlOptions = (readers: EtlRunOptions['readers'] = []): EtlRunOptions => ({ sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest', readers });
const day = (d: string, reloadCatalogue = false): RunRequest => ({ mode: 'day', from: d, to: d, strict: false, reloadCatalogue });
const PUBLISHED = [...STAR_TABLES, ...STATE_TABLES];

/** The warehouse, with every statement it is sent recorded (and whether it ran inside a transaction). */
function recording(warehouse: Warehouse): { warehouse: Warehouse; sent: { sql: string; transaction: boolean }[] } {
  const sent: { sql: string; transaction: boolean }[] = [];
  const proxy: Warehouse = {
    description: warehouse.description,
    run(statements: readonly Statement[], options?: RunOptions) {
      for (const s of statements) sent.push({ sql: s.sql, transaction: options?.transaction === true });
      return warehouse.run(statements, options);
    },
    query: (sql, params) => warehouse.query(sql, params),
    close: () => warehouse.close(),
  };
  return { warehouse: proxy, sent };
}

/** Statements that drop, rename, alter or truncate a published table (its builds, *_next and *_day, aside). */
function ddlOnPublished(sent: readonly { sql: string }[]): string[] {
  const names = PUBLISHED.join('|');
  const ddl = new RegExp(`^\\s*(DROP\\s+TABLE(\\s+IF\\s+EXISTS)?|ALTER\\s+TABLE|TRUNCATE(\\s+TABLE)?)\\s+(public\\.)?(${names})\\b(?!_)`, 'i');
  return sent.map((s) => s.sql.replace(/--[^\n]*\n/g, '')).filter((sql) => ddl.test(sql) || /\bRENAME\s+TO\s+(\w+)/i.exec(sql)?.[1]?.match(new RegExp(`^(${names})$`, 'i')));
}

describe('on the local warehouse, with a view and a grant made by hand', () => {
  let db: TestWarehouse;
  const analysts = [{ kind: 'role' as const, name: 'analysts' }];
  const granted = (role: string) =>
    db.warehouse.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM (VALUES ${STAR_TABLES.map((t) => `('${t}')`).join(', ')}) AS t (name) WHERE has_table_privilege('${role}', name, 'SELECT')`,
    );
  beforeAll(async () => {
    db = await openTestWarehouse();
    await db.warehouse.run(['analysts', 'by_hand', 'added_later', 'added_last'].map((role) => ({ sql: `CREATE ROLE ${role}` })));
    await runEtl(db.warehouse, { mode: 'full' }, etlOptions(analysts));
    await db.warehouse.run([
      { sql: 'CREATE VIEW plays_per_user AS SELECT user_id, COUNT(*) AS plays FROM public.songplays GROUP BY user_id' },
      { sql: 'GRANT SELECT ON songplays TO by_hand' },
    ]);
  });
  afterAll(() => db.dispose());

  test('a full run, a day and a catalogue reload send no DROP, RENAME, ALTER or TRUNCATE of a published table; the view answers after each', async () => {
    const viewed = () => db.warehouse.query<{ users: number; plays: number }>('SELECT COUNT(*) AS users, CAST(SUM(plays) AS INTEGER) AS plays FROM plays_per_user');
    const before = await viewed();
    expect(before).toEqual([{ users: 96, plays: 6820 }]);
    let full: Awaited<ReturnType<typeof starSnapshot>> | undefined;
    for (const [request, name] of [[{ mode: 'full' }, 'full'], [day('2018-11-05'), 'day'], [day('2018-11-05', true), 'catalogue reload']] as const) {
      const { warehouse, sent } = recording(db.warehouse);
      await runEtl(warehouse, request, etlOptions(analysts));
      expect({ run: name, ddl: ddlOnPublished(sent) }).toEqual({ run: name, ddl: [] });
      expect(sent.some((s) => s.transaction && /^\s*DELETE FROM songplays/im.test(s.sql))).toBe(true);
      expect(await viewed()).toEqual(before);
      // The same day and catalogue again: the same tables (the reload matches every published play again).
      full ??= await starSnapshot(db.warehouse);
      expect(await starSnapshot(db.warehouse)).toEqual(full);
    }
    // The builds are gone after the commit.
    expect(await db.warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%\\_next'")).toEqual([]);
  });

  test('SELECT granted by hand survives every kind of run; the readers named are granted by every kind, a reader added later by the next', async () => {
    expect(await db.warehouse.query("SELECT has_table_privilege('by_hand', 'songplays', 'SELECT') AS s")).toEqual([{ s: true }]);
    expect(await granted('analysts')).toEqual([{ n: STAR_TABLES.length }]);
    expect(await granted('added_later')).toEqual([{ n: 0 }]);
    await runEtl(db.warehouse, day('2018-11-06'), etlOptions([...analysts, { kind: 'role', name: 'added_later' }]));
    expect(await granted('added_later')).toEqual([{ n: STAR_TABLES.length }]);
    expect(await granted('added_last')).toEqual([{ n: 0 }]);
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES, readers: [{ kind: 'role', name: 'added_last' }] });
    expect(await granted('added_last')).toEqual([{ n: STAR_TABLES.length }]);
    expect(await db.warehouse.query("SELECT has_table_privilege('by_hand', 'songplays', 'SELECT') AS s")).toEqual([{ s: true }]);
  });
});

describe("a new warehouse's first load is a day", () => {
  let db: TestWarehouse;
  beforeAll(async () => {
    db = await openTestWarehouse();
    await db.warehouse.run([{ sql: 'CREATE ROLE analysts' }]);
  });
  afterAll(() => db.dispose());

  test('every table it creates is readable by the readers from its first commit', async () => {
    const { warehouse, sent } = recording(db.warehouse);
    await runEtl(warehouse, day('2018-11-05', true), etlOptions([{ kind: 'role', name: 'analysts' }]));
    const rows = await db.warehouse.query<{ t: string; s: boolean }>(
      `SELECT name AS t, has_table_privilege('analysts', name, 'SELECT') AS s FROM (VALUES ${STAR_TABLES.map((t) => `('${t}')`).join(', ')}) AS x (name) ORDER BY 1`,
    );
    expect(rows.filter((r) => !r.s)).toEqual([]);
    // Granted in the transaction that creates each table, in Redshift's words.
    const creating = sent.filter((s) => s.transaction && /RENAME TO users\b/.test(s.sql));
    expect(creating).toHaveLength(1);
    expect(sent.map((s) => s.sql)).toContain('GRANT SELECT ON users TO ROLE analysts');
  });
});

/** What a refused run must not have touched: the published songplays and the staging tables. */
async function state(warehouse: Warehouse) {
  const [row] = await warehouse.query(
    `SELECT (SELECT COUNT(*) FROM songplays) AS plays, (SELECT COUNT(*) FROM staging_events) AS events,
            (SELECT MIN(start_time) FROM songplays) AS first_play`,
  );
  return row;
}

describe('through the local Data API endpoint, each caller its own database user', () => {
  let db: TestWarehouse;
  let endpoint: DataApiEndpoint;
  const clients: RedshiftDataClient[] = [];
  /** The Redshift warehouse signed in as the IAM identity of `accessKeyId`, or with a secret. */
  const as = (accessKeyId: string, secretArn?: string) => {
    const client = new RedshiftDataClient({ endpoint: endpoint.url, region: 'us-west-2', credentials: { accessKeyId, secretAccessKey: 's' }, maxAttempts: 1 });
    clients.push(client);
    return new RedshiftDataApiWarehouse({ workgroupName: 'sparkify', database: 'dev', client, secretArn, polling: { firstMs: 2, capMs: 20 } });
  };
  beforeAll(async () => {
    db = await openTestWarehouse();
    endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse });
    await runPipeline(as('AKIAFIRST'), { sources: DEFAULT_SOURCES });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await endpoint.close();
    await db.dispose();
  });

  test('the identity that published runs again', async () => {
    const summary = await runPipeline(as('AKIAFIRST'), { sources: DEFAULT_SOURCES });
    expect(summary.tables.songplays).toBe(6820);
    expect(await db.warehouse.query("SELECT tableowner FROM pg_tables WHERE tablename = 'songplays'")).toEqual([{ tableowner: 'IAM:AKIAFIRST' }]);
  });

  test.each([
    ['another IAM identity', 'colleague', undefined, 'IAM:colleague'],
    ['the admin secret after IAM', 'AKIAFIRST', 'arn:aws:secretsmanager:us-west-2:123456789012:secret:admin-AbCdEf', 'admin'],
  ])('%s is refused before anything changes, with the owner named and the way out', async (_, key, secret, user) => {
    const before = await state(db.warehouse);
    const error: SparkifyError = await runPipeline(as(key, secret), { sources: DEFAULT_SOURCES }).catch((e) => e);
    expect(error).toBeInstanceOf(SparkifyError);
    expect(error.message).toMatch(
      new RegExp(
        `^The run signs in as ${user}, but staging_events, staging_songs belong to IAM:AKIAFIRST, and only a table's owner or a superuser may drop it; ` +
          'and it may not each change the rows of artists, loaded_days, loaded_files, song_catalogue, songplays, songs, time, user_agents, user_day_states, users ' +
          '\\(SELECT, INSERT, DELETE not granted\\); nothing was changed\\.',
      ),
    );
    expect(error.message).toContain(`ALTER TABLE songplays OWNER TO "${user}";`);
    expect(await state(db.warehouse)).toEqual(before);
  });
});
