/**
 * Faults injected at the local endpoint, met by the Redshift warehouse through the real SDK: throttling,
 * a statement failing mid-batch, slow statements, a cancelled run. After each failure the previously
 * published star tables are exactly as they were.
 */
import { ListStatementsCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DEFAULT_SOURCES } from '../../lib/config';
import { SparkifyError, StatementError } from '../../lib/errors';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { STAR_TABLES, STATE_TABLES } from '../../lib/pipeline/tables';
import { DataApiEndpoint, type DataApiFaults } from '../../lib/data-api-endpoint/endpoint';
import { RedshiftDataApiWarehouse, type RedshiftDataApiWarehouseOptions } from '../../lib/warehouse/redshift/redshift-warehouse';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import { type LocalEndpoint, startLocalEndpoint } from './local-endpoint';

/** The Redshift warehouse on the endpoint through the SDK's client, polling and retrying quickly. */
function redshiftOn(local: Pick<LocalEndpoint, 'client'>, options: Partial<RedshiftDataApiWarehouseOptions> = {}): RedshiftDataApiWarehouse {
  return new RedshiftDataApiWarehouse({
    workgroupName: 'sparkify',
    database: 'dev',
    client: local.client,
    polling: { firstMs: 2, capMs: 20 },
    retry: { attempts: 5, baseMs: 5, capMs: 20 },
    ...options,
  });
}

/** Every star table's full contents. */
async function starTables(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of STAR_TABLES) tables[table] = (await warehouse.query(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(r)).sort();
  return tables;
}

test('a workgroup resuming from idle, throttling and too many active statements: the run waits, retries and completes', async () => {
  const local = await startLocalEndpoint({ faults: { throttle: { count: 2 }, activeStatementsExceeded: 2, coldStart: { statements: 2 } } });
  try {
    const progress: string[] = [];
    const warehouse = redshiftOn(local, { coldStart: { firstWaitMs: 5, capMs: 10 }, onProgress: (line) => progress.push(line) });
    const summary = await runPipeline(warehouse, { sources: DEFAULT_SOURCES });
    expect(summary.tables.songplays).toBe(6820);
    expect(warehouse.stats().retries).toBe(4);
    expect(progress.filter((line) => line.includes('resuming'))).toEqual([
      expect.stringMatching(/^the workgroup is resuming from idle \(.*ERROR: Query cancelled\..*\); running query ".*" again in 0 s \(\d+ s so far\)$/),
      expect.stringMatching(/^the workgroup is resuming from idle/),
    ]);
  } finally {
    await local.dispose();
  }
});

describe('on a warehouse holding a published star schema', () => {
  let db: TestWarehouse;
  let published: Record<string, string[]>;
  beforeAll(async () => {
    db = await openTestWarehouse();
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    published = await starTables(db.warehouse);
  });
  afterAll(() => db.dispose());

  /** An endpoint with faults over the same warehouse, for one test. */
  async function withEndpoint(faults: DataApiFaults, work: (local: Pick<LocalEndpoint, 'client' | 'endpoint'>) => Promise<void>): Promise<void> {
    // The mart was published by the superuser; the endpoint runs as it too, to replace that mart.
    const endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse, faults, databaseUsers: 'superuser' });
    const client = new RedshiftDataClient({ endpoint: endpoint.url, region: 'us-west-2', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 });
    try {
      await work({ client, endpoint });
    } finally {
      client.destroy();
      await endpoint.close();
    }
  }

  test('a statement failing mid-batch names the step and sub-statement, and leaves the previous mart intact', async () => {
    await withEndpoint({ fail: { match: /^ALTER TABLE songplays_next RENAME/, error: 'ERROR: could not rename: disk full (injected)' } }, async (local) => {
      const error: StatementError = await runPipeline(redshiftOn(local), { sources: DEFAULT_SOURCES }).catch((e) => e);
      expect(error).toBeInstanceOf(StatementError);
      const at = 2 * STAR_TABLES.indexOf('songplays') + 2;
      expect(error.message).toBe(
        `publish star tables failed on Redshift at statement ${at} of ${2 * (STAR_TABLES.length + STATE_TABLES.length + 1)}: ERROR: could not rename: disk full (injected). ` +
          'SQL: ALTER TABLE songplays_next RENAME TO songplays. The batch ran as one transaction, so none of it took effect.',
      );
    });
    expect(await starTables(db.warehouse)).toEqual(published);
  });

  test('a result larger than the Data API returns fails with a message that says so', async () => {
    await withEndpoint({ maxResultBytes: 10_000 }, async (local) => {
      await expect(redshiftOn(local).query('SELECT * FROM songplays')).rejects.toThrow(
        /^A query failed on Redshift: its result is too large for the Data API \(ERROR: Database response exceeded size limit\)\. .* UNLOAD/,
      );
      expect(await redshiftOn(local).query('SELECT COUNT(*) AS n FROM songplays')).toEqual([{ n: 6820 }]);
    });
  });

  test('a slow statement is shown as progress while it runs', async () => {
    await withEndpoint({ statementDelayMs: 250 }, async (local) => {
      const progress: string[] = [];
      const warehouse = redshiftOn(local, { polling: { firstMs: 2, capMs: 20, progressAfterMs: 100, progressEveryMs: 60_000 }, onProgress: (l) => progress.push(l) });
      expect(await warehouse.query('SELECT COUNT(*) AS n FROM songs')).toEqual([{ n: 71 }]);
      // The warehouse's first statement: it may be waiting for the workgroup to resume, and the line says so.
      expect(progress).toEqual([
        expect.stringMatching(/^query "SELECT COUNT\(\*\) AS n FROM songs": STARTED for 0 s \(Data API statement [0-9a-f-]{36}\); the workgroup may be resuming from idle$/),
      ]);
      // Polling stayed close behind: what it added is within the cap and a round trip, not the delay again.
      expect(warehouse.stats().maxOverheadMs).toBeLessThan(150);
    });
  });

  test('a statement that outlives its timeout is cancelled on the endpoint', async () => {
    await withEndpoint({ statementDelayMs: 2000 }, async (local) => {
      const warehouse = redshiftOn(local, { polling: { firstMs: 2, capMs: 20, timeoutMs: 200 } });
      await expect(warehouse.run([{ sql: 'DROP TABLE songs', label: 'drop songs' }])).rejects.toThrow(
        /^drop songs did not finish within 0 s on Redshift \(still STARTED\), so it was cancelled/,
      );
      const status = async () => (await local.client.send(new ListStatementsCommand({ StatementName: 'drop songs' }))).Statements![0]!.Status;
      for (let tries = 0; (await status()) !== 'ABORTED' && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await status()).toBe('ABORTED');
    });
    expect(await starTables(db.warehouse)).toEqual(published);
  });

  test('a cancelled run (Ctrl-C) stops the running statement, exits 130, and leaves the mart intact', async () => {
    await withEndpoint({ statementDelayMs: 300 }, async (local) => {
      const controller = new AbortController();
      const warehouse = redshiftOn(local, { signal: controller.signal });
      const run = runPipeline(warehouse, { sources: DEFAULT_SOURCES }).catch((e: SparkifyError) => e);
      // Ctrl-C while a statement runs on the endpoint.
      while ((await local.client.send(new ListStatementsCommand({ Status: 'STARTED' }))).Statements!.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      controller.abort();
      const error = (await run) as SparkifyError;
      expect(error.exitCode).toBe(130);
      expect(error.message).toMatch(/^Interrupted: .* was cancelled on Redshift \(Data API statement [0-9a-f-]{36}\), so neither it nor its transaction took effect\.$/);
      const aborted = await local.client.send(new ListStatementsCommand({ Status: 'ABORTED' }));
      expect(aborted.Statements).toHaveLength(1);
    });
    expect(await starTables(db.warehouse)).toEqual(published);
  });
});
