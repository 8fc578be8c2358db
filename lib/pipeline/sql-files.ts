/**
 * Reads the SQL files under sql/: splits them into statements, fills `{{name}}` placeholders with values
 * that lib/sql-literals.ts has already validated and quoted, and reads the data tests that each model
 * declares in its header (`-- @test unique: user_id`), dbt-style, next to what they test.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SparkifyError } from '../errors';
import { splitStatements } from '../warehouse/sql-lexer';

/**
 * Set by esbuild when it bundles the scheduled loader (lib/infra/scheduled-loader.ts): the bundle is one
 * index.js with the SQL files copied next to it, in sql/.
 */
declare const SPARKIFY_BUNDLED_SQL: boolean | undefined;

/** sql/ of the repository, two folders up from here; in the loader's bundle, the copy beside it. */
export const SQL_DIR = typeof SPARKIFY_BUNDLED_SQL !== 'undefined' && SPARKIFY_BUNDLED_SQL ? resolve(__dirname, 'sql') : resolve(__dirname, '..', '..', 'sql');

export type DataTest =
  | { readonly kind: 'not_empty' }
  | { readonly kind: 'unique' | 'not_null'; readonly column: string }
  /** Text that reads as UTF-8 decoded as Latin-1 (BjÃ¶rk): a warning, never a failure. */
  | { readonly kind: 'double_encoded'; readonly column: string }
  | { readonly kind: 'relationships'; readonly column: string; readonly parent: string; readonly parentColumn: string };

export function readSql(file: string): string {
  return readFileSync(join(SQL_DIR, file), 'utf8');
}

/** Fills every `{{name}}`; a placeholder without a value is a bug in the caller, so it fails loudly. */
export function render(sql: string, values: Readonly<Record<string, string>>): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new SparkifyError(`The SQL template needs a value for {{${name}}}, which was not given.`);
    return value;
  });
}

/** The statements of a SQL file, placeholders filled. */
export function statementsOf(file: string, values: Readonly<Record<string, string>> = {}): string[] {
  return splitStatements(render(readSql(file), values));
}

/** The data tests a SQL file declares in `-- @test kind[: args]` comments. */
export function dataTestsOf(file: string): DataTest[] {
  const tests: DataTest[] = [];
  for (const m of readSql(file).matchAll(/^--\s*@test\s+(\w+)\s*(?::\s*(.+))?$/gm)) {
    const kind = m[1]!;
    const args = (m[2] ?? '').trim();
    if (kind === 'not_empty') tests.push({ kind });
    else if (kind === 'unique' || kind === 'not_null' || kind === 'double_encoded') {
      for (const column of args.split(',').map((c) => c.trim())) tests.push({ kind, column });
    } else if (kind === 'relationships') {
      const r = /^(\w+)\s*->\s*(\w+)\.(\w+)$/.exec(args);
      if (!r) throw new SparkifyError(`${file}: "@test relationships: ${args}" must read "column -> table.column".`);
      tests.push({ kind, column: r[1]!, parent: r[2]!, parentColumn: r[3]! });
    } else {
      throw new SparkifyError(`${file}: unknown data test "@test ${kind}" (known: not_empty, unique, not_null, relationships, double_encoded).`);
    }
  }
  return tests;
}
