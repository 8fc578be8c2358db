/**
 * Re-runs next to what analysts keep in the warehouse: a view over a star table makes the run refuse before
 * it changes anything; SELECT granted to the readers the settings name survives every publish; through the
 * local Data API endpoint, which runs each caller as its own database user, a second identity is refused
 * with the owner named, and nothing changes.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DEFAULT_SOURCES } from '../../lib/config';
import { DataApiEndpoint } from '../../lib/data-api-endpoint/endpoint';
import { SparkifyError } from '../../lib/errors';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { RedshiftDataApiWarehouse } from '../../lib/warehouse/redshift/redshift-warehouse';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/** What a refused run must not have touched: the published songplays and the staging tables. */
async function state(warehouse: Warehouse) {
  const [row] = await warehouse.query(
    `SELECT (SELECT COUNT(*) FROM songplays) AS plays, (SELECT COUNT(*) FROM staging_events) AS events,
            (SELECT MIN(start_time) FROM songplays) AS first_play`,
  );
  return row;
}

describe('on the local warehouse', () => {
  let db: TestWarehouse;
  beforeAll(async () => {
    db = await openTestWarehouse();
    await db.warehouse.run([{ sql: 'CREATE ROLE analysts' }]);
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES, readers: [{ kind: 'role', name: 'analysts' }] });
  });
  afterAll(() => db.dispose());

  test('SELECT granted to a reader role is granted again by every publish', async () => {
    const granted = () => db.warehouse.query("SELECT has_table_privilege('analysts', 'songplays', 'SELECT') AS s, has_table_privilege('analysts', 'user_agents', 'SELECT') AS u");
    expect(await granted()).toEqual([{ s: true, u: true }]);
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES, readers: [{ kind: 'role', name: 'analysts' }] });
    expect(await granted()).toEqual([{ s: true, u: true }]);
    // Without the setting, the new tables carry no grant: the setting is what keeps it.
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    expect(await granted()).toEqual([{ s: false, u: false }]);
  });

  test.each(['', ' WITH NO SCHEMA BINDING'])('a view over songplays%s: the run refuses before changing anything, naming it', async (binding) => {
    await db.warehouse.run([{ sql: `CREATE VIEW plays_per_user AS SELECT user_id, COUNT(*) AS plays FROM public.songplays GROUP BY user_id${binding}` }]);
    try {
      const before = await state(db.warehouse);
      const error: SparkifyError = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES, fresh: true }).catch((e) => e);
      expect(error).toBeInstanceOf(SparkifyError);
      expect(error.message).toMatch(/^The run would replace tables that a view depends on: public\.plays_per_user \(on songplays\)\. .*nothing was changed/);
      expect(error.message).toContain('WITH NO SCHEMA BINDING');
      expect(await state(db.warehouse)).toEqual(before);
      expect(await db.warehouse.query('SELECT COUNT(*) AS n FROM plays_per_user')).toEqual([{ n: 96 }]);
    } finally {
      await db.warehouse.run([{ sql: 'DROP VIEW plays_per_user' }]);
    }
  });
});

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
    expect(error.message).toMatch(new RegExp(`^The run signs in as ${user}, but artists, loaded_days, loaded_files, song_catalogue, songplays, songs, staging_events, staging_songs, time, user_agents, user_day_states, users belong to IAM:AKIAFIRST, `));
    expect(error.message).toContain(`ALTER TABLE songplays OWNER TO "${user}";`);
    expect(await state(db.warehouse)).toEqual(before);
  });
});
