/**
 * Runs the data tests that the SQL files declare, all in one query (one round trip on the Data API), and
 * fails with every broken test named when any finds bad rows.
 */
import { QualityCheckError } from '../errors';
import { identifier, quoteLiteral } from '../sql-literals';
import type { Warehouse } from '../warehouse/warehouse';
import { type DataTest, readSql, render } from './sql-files';

export interface CheckResult {
  readonly table: string;
  readonly test: string;
  /** Rows (or values) that break the test; 0 means it passed. */
  readonly failures: number;
}

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
  const parts: string[] = [];
  for (const { table, tests } of declared) {
    for (const test of tests) {
      const description = describe(test);
      const sql = render(checkSql(test.kind), {
        table: identifier('table', resolveTable(table)),
        column: 'column' in test ? identifier('column', test.column) : '',
        parent: 'parent' in test ? identifier('table', resolveTable(test.parent)) : '',
        parent_column: 'parentColumn' in test ? identifier('column', test.parentColumn) : '',
      });
      parts.push(`SELECT ${quoteLiteral(table)} AS table_name, ${quoteLiteral(description)} AS test, (${sql}) AS failures`);
    }
  }
  if (parts.length === 0) return [];
  const rows = await warehouse.query<{ table_name: string; test: string; failures: number }>(parts.join('\nUNION ALL\n'));
  return rows.map((r) => ({ table: r.table_name, test: r.test, failures: Number(r.failures) }));
}

/** Throws, naming every failed test, if any failed. */
export function assertPassed(results: readonly CheckResult[], consequence: string): void {
  const failed = results.filter((r) => r.failures > 0);
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
  }
}

const templates = new Map<string, string>();
function checkSql(kind: DataTest['kind']): string {
  let sql = templates.get(kind);
  if (sql === undefined) {
    sql = readSql(`checks/${kind}.sql`).replace(/--[^\n]*\n/g, '').trim();
    templates.set(kind, sql);
  }
  return sql;
}
