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
