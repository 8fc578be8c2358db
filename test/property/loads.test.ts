/**
 * Properties of loads, against the independent model (test/model/), on one warehouse reset between cases:
 * - a full load (npm run etl, in process) of any generated adversarial source gives the model's star tables,
 *   row for row, and the model's answer to every question, row for row and in order;
 * - a generated history of daily loads, changed days loaded again, and catalogues reloaded over existing
 *   plays (--reload-catalogue) gives the model of the final files, and every star table, and only those,
 *   is readable by each configured reader.
 */
import fc from 'fast-check';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runEtl } from '../../lib/pipeline/etl-run';
import { STAR_TABLES, STATE_TABLES } from '../../lib/pipeline/tables';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { source } from './arbitraries';
import { expectModel, named, usePropertyWarehouse } from './harness';
import { type History, history, playHistory, READERS } from './history';
import { parameters, timeoutOf } from './settings';
import { writeSource } from './source';

const FULL_RUNS = 8;
const HISTORY_RUNS = 5;
const db = usePropertyWarehouse(async (warehouse) => {
  // Readers to grant to: Redshift's group and role are both roles to Postgres.
  await warehouse.run(READERS.map((r) => ({ sql: `CREATE ROLE ${r.name}` })));
});

test(
  'a full load of a generated source equals the model, table for table and answer for answer',
  async () => {
    await fc.assert(
      fc.asyncProperty(source, async (generated) => {
        const { warehouse, source: dir, reset } = db();
        await reset();
        writeSource(dir, generated);
        await runEtl(warehouse, { mode: 'full' }, { sources: DEFAULT_SOURCES, target: 'property test', runBy: 'jest' });
        await expectModel(warehouse, dir);
      }),
      parameters(FULL_RUNS),
    );
  },
  timeoutOf(FULL_RUNS, 3000),
);

test(
  'days loaded in a generated order, changed and loaded again, with catalogues reloaded over existing plays, equal the model of the final files',
  async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { warehouse, source: dir, reset } = db();
        await reset();
        await playHistory(warehouse, dir, h);
        await expectModel(warehouse, dir);
        await expectGrants(warehouse, h);
      }),
      parameters(HISTORY_RUNS),
    );
  },
  timeoutOf(HISTORY_RUNS, 12000),
);

/** Each reader may read every star table and none of the state tables, whatever runs replaced or merged them. */
async function expectGrants(warehouse: Warehouse, h: History): Promise<void> {
  const tables = [...STAR_TABLES, ...STATE_TABLES];
  const granted = await warehouse.query<{ reader: string; name: string; allowed: boolean }>(
    `SELECT r.rolname AS reader, c.relname AS name, has_table_privilege(r.rolname, c.relname, 'SELECT') AS allowed
     FROM pg_roles AS r CROSS JOIN pg_class AS c
     WHERE r.rolname IN (${READERS.map((x) => `'${x.name}'`).join(', ')}) AND c.relname IN (${tables.map((t) => `'${t}'`).join(', ')}) AND c.relkind = 'r'`,
  );
  const want = READERS.flatMap((r) => tables.map((t) => ({ reader: r.name, name: t, allowed: h.readers.some((x) => x.name === r.name) && (STAR_TABLES as readonly string[]).includes(t) })));
  const order = (rows: readonly { reader: string; name: string }[]) => [...rows].sort((a, b) => `${a.reader}.${a.name}`.localeCompare(`${b.reader}.${b.name}`));
  named('the readers may not read exactly the star tables', () => expect(order(granted)).toEqual(order(want)));
}
