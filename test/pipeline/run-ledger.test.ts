/**
 * The run ledger's own rules: messages cut by UTF-8 bytes (VARCHAR counts bytes), an etl_runs made before the
 * heartbeat column upgraded in place, the claim check failing a publishing transaction on PGlite too.
 */
import { claimCheckStatements, clipUtf8, ensureLedger, RunRecord } from '../../lib/pipeline/run-ledger';
import { statementsOf } from '../../lib/pipeline/sql-files';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

test('a message is cut to the byte limit of its VARCHAR, never inside a character', () => {
  expect(clipUtf8('abc', 3)).toBe('abc');
  // é is 2 bytes, 😀 is 4 (two UTF-16 units): a cut by characters would keep 5 characters of 9 bytes.
  expect(clipUtf8('aéé😀', 5)).toBe('aéé');
  expect(clipUtf8('aéé😀', 8)).toBe('aéé');
  expect(clipUtf8('aéé😀', 9)).toBe('aéé😀');
  expect(clipUtf8('ééé', 4)).toBe('éé');
  const long = '→'.repeat(30000); // 3 bytes each: 90,000 bytes in 30,000 characters
  const clipped = clipUtf8(long, 65535);
  expect(Buffer.byteLength(clipped)).toBe(65535 - (65535 % 3));
  expect(clipped).toBe('→'.repeat(21845));
});

describe('on a local warehouse', () => {
  let db: TestWarehouse;
  beforeAll(async () => {
    db = await openTestWarehouse();
  });
  afterAll(() => db.dispose());

  test('an etl_runs made before the heartbeat column gains it, its rows kept; a long message is stored whole up to its bytes', async () => {
    const create = statementsOf('ledger/etl_runs.sql')[0]!.replace(/^\s*heartbeat_at\s+TIMESTAMP,\n/m, '');
    expect(create).not.toMatch(/^\s*heartbeat_at\s/m);
    await db.warehouse.run([
      { sql: create },
      { sql: "INSERT INTO etl_runs (run_id, mode, started_at, status, target, run_by) VALUES ('old-run', 'full', GETDATE(), 'succeeded', 't', 'me')" },
    ]);
    await ensureLedger(db.warehouse);
    expect(await db.warehouse.query("SELECT run_id, heartbeat_at FROM etl_runs")).toEqual([{ run_id: 'old-run', heartbeat_at: null }]);
    const record = await RunRecord.start(db.warehouse, { mode: 'full', target: 't', runBy: 'me' });
    await record.finish({ status: 'failed', days: [], rowsLoaded: {}, rowsRejected: {}, message: `${'é'.repeat(40000)}` });
    const [row] = await db.warehouse.query<{ message: string; heartbeat: boolean }>(
      'SELECT message, heartbeat_at IS NOT NULL AS heartbeat FROM etl_runs WHERE run_id = :id',
      { id: record.runId },
    );
    expect(row!.heartbeat).toBe(true);
    expect(row!.message).toBe('é'.repeat(32767));
  });

  test('the claim check passes while the run holds the warehouse and fails the transaction, saying why, once it does not', async () => {
    const record = await RunRecord.start(db.warehouse, { mode: 'full', target: 't', runBy: 'me', staleAfterHours: 6 });
    const publish = (table: string) => [...claimCheckStatements(record.runId), { sql: `CREATE TABLE ${table} (n INT)` }];
    await db.warehouse.run(publish('held'), { transaction: true });
    await db.warehouse.run([{ sql: "UPDATE etl_runs SET status = 'killed' WHERE run_id = :id", params: { id: record.runId } }]);
    await expect(db.warehouse.run(publish('lost'), { transaction: true })).rejects.toThrow(
      `invalid input syntax for type integer: "run ${record.runId} no longer holds the warehouse"`,
    );
    const tables = await db.warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name IN ('held', 'lost')");
    expect(tables).toEqual([{ table_name: 'held' }]);
    await expect(record.beat(true)).rejects.toThrow(/^Stopped: run .* no longer holds the warehouse — its etl_runs row says killed\./);
  });
});
