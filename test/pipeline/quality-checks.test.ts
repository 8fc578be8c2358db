/**
 * The data tests on hand-made tables: every kind counts exactly the rows or values that break it, all of a
 * run's tests are one query, and a parent with repeated values does not inflate a relationships count.
 */
import { QualityCheckError } from '../../lib/errors';
import { assertPassed, runChecks, type TableTests } from '../../lib/pipeline/quality-checks';
import type { Row, SqlParams } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

let db: TestWarehouse;
let queries: string[];
/** The test warehouse, with every query it is asked recorded. */
const recording = () => ({
  run: db.warehouse.run.bind(db.warehouse),
  close: async () => {},
  description: 'recording',
  query: <R extends Row = Row>(sql: string, params?: SqlParams) => {
    queries.push(sql);
    return db.warehouse.query<R>(sql, params);
  },
});

beforeAll(async () => {
  db = await openTestWarehouse();
  await db.warehouse.run(
    [
      'CREATE TABLE parent (id INTEGER, code VARCHAR(8))',
      // 2 is there twice: a join to it must not count a child row twice.
      "INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (2, 'b'), (3, NULL)",
      'CREATE TABLE child (id INTEGER, parent_id INTEGER, code VARCHAR(8), note VARCHAR(8))',
      // ids: 10 three times and 11 twice (2 duplicated values); parent_id: 7 and 8 have no parent, NULL is
      // not checked; code: 'z' has no parent twice; note: NULL three times.
      `INSERT INTO child VALUES
         (10, 1, 'a', 'x'), (10, 2, 'b', NULL), (10, 7, 'z', NULL), (11, 8, 'z', 'y'),
         (11, NULL, NULL, NULL), (12, 2, 'b', 'w')`,
      'CREATE TABLE nothing (id INTEGER)',
    ].map((sql) => ({ sql })),
  );
});
afterAll(() => db.dispose());
beforeEach(() => {
  queries = [];
});

const declared: TableTests[] = [
  {
    table: 'child',
    tests: [
      { kind: 'not_empty' },
      { kind: 'unique', column: 'id' },
      { kind: 'unique', column: 'code' },
      { kind: 'not_null', column: 'note' },
      { kind: 'not_null', column: 'id' },
      { kind: 'relationships', column: 'parent_id', parent: 'parent', parentColumn: 'id' },
      { kind: 'relationships', column: 'code', parent: 'parent', parentColumn: 'code' },
    ],
  },
  { table: 'nothing', tests: [{ kind: 'not_empty' }, { kind: 'not_null', column: 'id' }, { kind: 'unique', column: 'id' }] },
  { table: 'parent', tests: [{ kind: 'unique', column: 'id' }] },
];

test('each test counts exactly what breaks it, in one query', async () => {
  const results = await runChecks(recording(), declared);
  expect(queries).toHaveLength(1);
  expect(results.every((r) => r.severity === 'error')).toBe(true);
  expect(results).toMatchObject([
    { table: 'child', test: 'not empty', failures: 0 },
    { table: 'child', test: 'unique id', failures: 2 },
    { table: 'child', test: 'unique code', failures: 2 }, // 'b' and 'z'; 'a' and NULL appear once
    { table: 'child', test: 'note not null', failures: 3 },
    { table: 'child', test: 'id not null', failures: 0 },
    { table: 'child', test: 'every parent_id in parent.id', failures: 2 },
    { table: 'child', test: 'every code in parent.code', failures: 2 },
    { table: 'nothing', test: 'not empty', failures: 1 },
    { table: 'nothing', test: 'id not null', failures: 0 },
    { table: 'nothing', test: 'unique id', failures: 0 },
    { table: 'parent', test: 'unique id', failures: 1 },
  ]);
});

test('the tables tested are the resolved names, while results name the declared ones', async () => {
  await db.warehouse.run([{ sql: 'CREATE TABLE parent_next (id INTEGER)' }, { sql: 'INSERT INTO parent_next VALUES (1), (1)' }]);
  const results = await runChecks(recording(), [{ table: 'parent', tests: [{ kind: 'unique', column: 'id' }, { kind: 'not_empty' }] }], (t) => `${t}_next`);
  expect(results).toMatchObject([
    { table: 'parent', test: 'unique id', failures: 1 },
    { table: 'parent', test: 'not empty', failures: 0 },
  ]);
  expect(queries[0]).toMatch(/FROM parent_next\b/);
  expect(queries[0]).not.toMatch(/FROM parent\b/);
});

test('no tests, no query', async () => {
  expect(await runChecks(recording(), [{ table: 'child', tests: [] }])).toEqual([]);
  expect(queries).toHaveLength(0);
});

test('a failed check names every failed test and its count', () => {
  expect(() =>
    assertPassed(
      [
        { table: 'child', test: 'unique id', failures: 2, severity: 'error' },
        { table: 'child', test: 'id not null', failures: 0, severity: 'error' },
        { table: 'nothing', test: 'not empty', failures: 1, severity: 'error' },
        { table: 'child', test: 'note double-encoded UTF-8 (warns)', failures: 5, severity: 'warn' },
      ],
      'Nothing was published.',
    ),
  ).toThrow(new QualityCheckError('Data quality checks failed — child: unique id (2 failing); nothing: not empty (1 failing). Nothing was published.'));
  expect(() => assertPassed([{ table: 'child', test: 'id not null', failures: 0, severity: 'error' }], '')).not.toThrow();
  expect(() => assertPassed([{ table: 'child', test: 'note double-encoded UTF-8 (warns)', failures: 5, severity: 'warn' }], '')).not.toThrow();
});

test('double_encoded counts text that is UTF-8 read as Latin-1, once or twice over, and only warns', async () => {
  await db.warehouse.run(
    [
      'CREATE TABLE names (name VARCHAR(64))',
      // Björk and Beyoncé double-encoded; Esmée as the sample has it (encoded twice over); NULL;
      // and correct names with Ã and Â in them (JOÃO, Âge) that are not.
      "INSERT INTO names VALUES ('BjÃ¶rk'), ('BeyoncÃ©'), ('Esm\u00c3\u0083\u00c2\u00a9e'), (NULL), ('JOÃO'), ('Âge'), ('Björk')",
    ].map((sql) => ({ sql })),
  );
  const [result] = await runChecks(recording(), [{ table: 'names', tests: [{ kind: 'double_encoded', column: 'name' }] }]);
  expect(result).toEqual({ table: 'names', test: 'name double-encoded UTF-8 (warns)', failures: 3, severity: 'warn' });
});
