/**
 * No table the pipeline builds declares a key. Redshift does not enforce PRIMARY KEY, UNIQUE or REFERENCES,
 * but its planner trusts them ("a SELECT DISTINCT query might return duplicate rows if the primary key is
 * not unique" — Defining table constraints), so a key declared on a *_next table before the data tests
 * run could make those very tests answer from a key that does not hold. The local translator drops
 * constraints, so this reads the SQL files themselves.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DIR, statementsOf } from '../../lib/pipeline/sql-files';
import { isWord, significant, tokenize } from '../../lib/warehouse/sql-lexer';

const files = ['staging', 'marts', 'incremental', 'ledger'].flatMap((dir) => readdirSync(join(SQL_DIR, dir)).map((f) => `${dir}/${f}`));

test.each(files)('%s declares no PRIMARY KEY, UNIQUE, REFERENCES or FOREIGN KEY', (file) => {
  const placeholders = new Proxy({}, { get: () => "'x'" }) as Record<string, string>;
  const words = statementsOf(file, placeholders).flatMap((sql) => significant(tokenize(sql)));
  expect(words.filter((t) => isWord(t, 'PRIMARY', 'UNIQUE', 'REFERENCES', 'FOREIGN')).map((t) => t.text)).toEqual([]);
  expect(words.length).toBeGreaterThan(0);
});
