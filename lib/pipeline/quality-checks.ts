/**
 * Runs the data tests that the SQL files declare, all in one query (one round trip on the Data API), and
 * fails with every broken test named when any finds bad rows.
 *
 * The query reads each table as few times as it can: one scan of a table computes all of its not_empty,
 * not_null and relationships tests as aggregates (a relationships test LEFT JOINs the parent's distinct
 * values), and each unique test is one grouping. These one-row subqueries are cross-joined into a single row
 * with a column per test. (With a subquery per test, a 1M-event run read its 850,000 songplays eight times.)
 */
import { QualityCheckError } from '../errors';
import { identifier } from '../sql-literals';
import type { Warehouse } from '../warehouse/warehouse';
import { type DataTest, readSql, render } from './sql-files';

export interface CheckResult {
  readonly table: string;
  readonly test: string;
  /** Rows (or values) that break the test; 0 means it passed. */
  readonly failures: number;
  /** `error` fails the run; `warn` is reported and the run goes on (dbt's severity). */
  readonly severity: 'error' | 'warn';
}

/** Tests that only warn: what they find is worth knowing but is the source's truth, kept as it is. */
const WARNING_TESTS: ReadonlySet<DataTest['kind']> = new Set(['double_encoded']);

export interface TableTests {
  /** The table the tests are declared for. */
  readonly table: string;
  readonly tests: readonly DataTest[];
}

/**
 * @param resolveTable the physical name to test for a declared table name (the star tables are tested
 *   under their build names, before they replace the published ones)
 */
export async function runChecks(
  warehouse: Warehouse,
  declared: readonly TableTests[],
  resolveTable: (table: string) => string = (t) => t,
): Promise<CheckResult[]> {
  const tests: { table: string; test: string; severity: CheckResult['severity'] }[] = [];
  const subqueries: string[] = [];
  for (const { table, tests: tableTests } of declared) {
    const name = identifier('table', resolveTable(table));
    const aggregates: string[] = [];
    const joins: string[] = [];
    for (const test of tableTests) {
      const column = `test_${tests.length}`; // the result's column for this test
      tests.push({ table, test: describe(test), severity: WARNING_TESTS.has(test.kind) ? 'warn' : 'error' });
      const values = {
        table: name,
        result: column,
        column: 'column' in test ? identifier('column', test.column) : '',
        parent: 'parent' in test ? identifier('table', resolveTable(test.parent)) : '',
        parent_column: 'parentColumn' in test ? identifier('column', test.parentColumn) : '',
        parent_alias: `${column}_parent`,
      };
      if (test.kind === 'unique') {
        subqueries.push(`(${render(checkSql('unique'), values)}) AS ${column}_groups`);
        continue;
      }
      if (test.kind === 'relationships') joins.push(render(checkSql('relationships_join'), values));
      aggregates.push(`${render(checkSql(test.kind), values)} AS ${column}`);
    }
    if (aggregates.length > 0) {
      subqueries.push(`(SELECT ${aggregates.join(',\n  ')}\nFROM ${name} AS child${joins.map((j) => `\n${j}`).join('')}) AS ${name}_scan`);
    }
  }
  if (tests.length === 0) return [];
  const [row] = await warehouse.query<Record<string, number>>(`SELECT *\nFROM ${subqueries.join('\nCROSS JOIN ')}`);
  return tests.map(({ table, test, severity }, i) => ({ table, test, severity, failures: Number(row![`test_${i}`]) }));
}

/** Throws, naming every failed test, if any failed. */
export function assertPassed(results: readonly CheckResult[], consequence: string): void {
  const failed = results.filter((r) => r.failures > 0 && r.severity === 'error');
  if (failed.length === 0) return;
  const list = failed.map((r) => `${r.table}: ${r.test} (${r.failures} failing)`).join('; ');
  throw new QualityCheckError(`Data quality check${failed.length > 1 ? 's' : ''} failed — ${list}. ${consequence}`);
}

export function describe(test: DataTest): string {
  switch (test.kind) {
    case 'not_empty':
      return 'not empty';
    case 'unique':
      return `unique ${test.column}`;
    case 'not_null':
      return `${test.column} not null`;
    case 'relationships':
      return `every ${test.column} in ${test.parent}.${test.parentColumn}`;
    case 'double_encoded':
      return `${test.column} double-encoded UTF-8 (warns)`;
  }
}

/** The SQL of sql/checks/<name>.sql without its comments, read once. */
const templates = new Map<string, string>();
function checkSql(name: DataTest['kind'] | 'relationships_join'): string {
  let sql = templates.get(name);
  if (sql === undefined) {
    sql = readSql(`checks/${name}.sql`).replace(/--[^\n]*\n/g, '').trim();
    templates.set(name, sql);
  }
  return sql;
}
