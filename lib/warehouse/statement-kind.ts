/**
 * What kind of statement a person typed, read from its words (the lexer skips comments and literals): the
 * command tag psql would print for it, and whether it only reads. Both warehouses use it, so the query tool
 * says the same on both targets.
 */
import { ConfigError } from '../errors';
import { type Token, isWord, significant, tokenize } from './sql-lexer';

/** Statements that return rows, as Postgres and Redshift tag them: `SELECT n`. */
const ROW_RETURNING = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN']);

/**
 * Words that change data or the schema wherever they appear in a statement: a CTE or a subquery cannot hide a
 * write. `INTO` catches SELECT … INTO, which creates a table.
 */
const WRITING_WORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'UNLOAD', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE',
  'VACUUM', 'ANALYZE', 'CALL', 'COMMENT', 'INTO', 'REFRESH', 'LOCK', 'SET', 'RESET',
]);

/** What psql prints after a statement: `SELECT 3`, `INSERT 0 3`, `UPDATE 2`, `DELETE 75`, `CREATE TABLE`. */
export function commandTag(sql: string, rowCount: number): string {
  const words = significant(tokenize(sql)).filter((t) => t.kind === 'word');
  const first = words[0]?.text.toUpperCase() ?? '';
  if (ROW_RETURNING.has(first)) {
    // WITH … INSERT/UPDATE/DELETE is the write's tag (Postgres allows it; Redshift allows WITH … only before SELECT).
    const write = first === 'WITH' ? words.find((w) => isWord(w, 'INSERT', 'UPDATE', 'DELETE')) : undefined;
    return write === undefined ? `SELECT ${rowCount}` : commandTag(sql.slice(write.offset), rowCount);
  }
  switch (first) {
    case 'INSERT':
      return `INSERT 0 ${rowCount}`; // the 0 is the OID Postgres once reported; psql still prints it
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
    case 'COPY':
    case 'MOVE':
    case 'FETCH':
      return `${first} ${rowCount}`;
    case 'CREATE':
      // CREATE TABLE … AS reports the rows it wrote as SELECT n, as Postgres does.
      if (objectWords(words)[0] === 'TABLE' && isCreateTableAs(words)) return `SELECT ${rowCount}`;
      return ['CREATE', ...objectWords(words)].join(' ');
    case 'DROP':
    case 'ALTER':
      return [first, ...objectWords(words)].join(' ');
    case 'TRUNCATE':
      return 'TRUNCATE TABLE';
    case 'BEGIN':
    case 'START':
      return 'BEGIN';
    case 'END':
      return 'COMMIT';
    default:
      return first;
  }
}

/** The object a CREATE/DROP/ALTER names: TABLE, VIEW, MATERIALIZED VIEW, SCHEMA… (skipping TEMP, OR REPLACE). */
function objectWords(words: readonly Token[]): string[] {
  const skip = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'LOCAL', 'EXTERNAL', 'UNIQUE']);
  const rest = words.slice(1).map((w) => w.text.toUpperCase()).filter((w) => !skip.has(w));
  return rest[0] === 'MATERIALIZED' ? rest.slice(0, 2) : rest.slice(0, 1);
}

function isCreateTableAs(words: readonly Token[]): boolean {
  // CREATE [TEMP] TABLE name [attributes] AS SELECT: an AS directly followed by SELECT or WITH.
  return words.some((w, i) => isWord(w, 'AS') && isWord(words[i + 1], 'SELECT', 'WITH'));
}

/**
 * Refuses, with exit code 2, a statement that could change data, for `--read-only`. It reads the statement's
 * words; the local warehouse also runs it in a READ ONLY transaction, so a write the words do not show (a
 * function that writes) still fails there.
 */
export function assertReadOnly(sql: string): void {
  const sig = significant(tokenize(sql));
  const first = sig.find((t) => t.kind === 'word')?.text.toUpperCase() ?? '';
  const writing = sig.find((t) => t.kind === 'word' && WRITING_WORDS.has(t.text.toUpperCase()));
  if (ROW_RETURNING.has(first) && writing === undefined) return;
  const what = writing?.text.toUpperCase() ?? first;
  throw new ConfigError(
    `--read-only refuses this statement: ${what === '' ? 'it is not a query' : `${what} can change data`}. Only SELECT, WITH … SELECT, ` +
      'VALUES, SHOW and EXPLAIN run with --read-only; drop the flag to run it.',
  );
}
