/**
 * The embedded server's settings, which the speed of a large run depends on (docs/benchmark.md).
 */
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

let db: TestWarehouse;
beforeAll(async () => {
  db = await openTestWarehouse();
});
afterAll(() => db.dispose());

test('a new warehouse has no data checksums, and the session settings apply', async () => {
  const setting = async (name: string) => (await db.warehouse.query<{ value: string }>(`SELECT current_setting('${name}') AS value`))[0]!.value;
  expect(await setting('data_checksums')).toBe('off');
  expect(await setting('work_mem')).toBe('64MB');
  expect(await setting('wal_level')).toBe('minimal');
});

test('emptying a table inside a transaction leaves no dead rows, reports the rows deleted, and rolls back with the transaction', async () => {
  const w = db.warehouse;
  const fill = { sql: `INSERT INTO emptied VALUES ${Array.from({ length: 5000 }, (_, i) => `(${i + 1})`).join(', ')}` };
  await w.run([{ sql: 'CREATE TABLE emptied (a INTEGER)' }, fill]);
  const pages = async () => Number((await w.query<{ n: number }>("SELECT pg_relation_size('emptied') / 8192 AS n"))[0]!.n);
  const before = await pages();
  // Failed: nothing changes.
  await expect(w.run([{ sql: 'DELETE FROM emptied' }, { sql: 'SELECT 1 / 0' }], { transaction: true })).rejects.toThrow(/division by zero/);
  expect(await w.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM emptied')).toEqual([{ n: 5000 }]);
  // Committed: DELETE's count, and the table holds only the new rows' pages (a DELETE would leave the old ones).
  const [deleted] = await w.run([{ sql: 'DELETE FROM emptied' }, fill], { transaction: true });
  expect(deleted).toEqual({ rowsAffected: 5000 });
  expect(await pages()).toBe(before);
  // With a condition, or outside a transaction, it is a DELETE as written.
  expect(await w.run([{ sql: 'DELETE FROM emptied WHERE a > 4000' }], { transaction: true })).toEqual([{ rowsAffected: 1000 }]);
  expect(await w.run([{ sql: 'DELETE FROM emptied' }])).toEqual([{ rowsAffected: 4000 }]);
});
