/**
 * Translates one Redshift statement into the Postgres that PGlite runs. Only what Postgres lacks is
 * rewritten; Redshift-only constructs with no faithful translation, and Postgres-only constructs that
 * Redshift would refuse, are errors that name the construct — never a silent pass.
 *
 * What changes, and why it is faithful:
 * - DISTSTYLE, DISTKEY, SORTKEY, ENCODE, BACKUP: physical layout only; dropped.
 * - PRIMARY KEY, UNIQUE, REFERENCES, FOREIGN KEY: Redshift declares but never enforces them, so they are
 *   dropped here too (Postgres would enforce them and accept less than Redshift does). NOT NULL is kept:
 *   Redshift enforces it.
 * - IDENTITY(seed, step) → GENERATED … AS IDENTITY (START WITH seed INCREMENT BY step).
 * - VARCHAR(MAX) → VARCHAR(65535); TEXT → VARCHAR(256) and BPCHAR → CHAR(256), as Redshift defines them.
 * - GETDATE() → the statement's start to the second; SYSDATE → the transaction's start; NVL → COALESCE;
 *   NVL2 → CASE; LEN → LENGTH; DATEADD → interval arithmetic (a string literal read as the TIMESTAMP Redshift
 *   reads it); DATE_TRUNC → Postgres's, on a TIMESTAMP as Redshift returns; DATE_PART/EXTRACT/DATEADD/DATE_TRUNC
 *   date parts given as bare words or Redshift's abbreviations → Postgres's names.
 * - GRANT SELECT … TO ROLE r → TO r (Postgres has no ROLE keyword there; TO GROUP g it accepts as is).
 *   Other GRANTs and REVOKE are refused.
 * - CREATE VIEW … WITH NO SCHEMA BINDING: the clause is dropped. Postgres has no late-binding views, so the
 *   local view binds to its tables, and a run that would replace them refuses to (lib/pipeline/publish.ts).
 */
import { TranslationError } from '../../errors';
import { type Token, isWord, significant, tokenize } from '../sql-lexer';

/** Redshift date-part names and abbreviations, by the Postgres name they mean. */
export const DATE_PARTS: Record<string, string> = {};
for (const [pg, names] of Object.entries({
  millennium: ['millennium', 'millennia', 'mil', 'mils'],
  century: ['century', 'centuries', 'c', 'cent', 'cents'],
  decade: ['decade', 'decades', 'dec', 'decs'],
  epoch: ['epoch'],
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  dow: ['dayofweek', 'dow', 'dw', 'weekday'],
  doy: ['dayofyear', 'doy', 'dy', 'yearday'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  milliseconds: ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisec', 'millisecs', 'millisecon'],
  microseconds: ['microsecond', 'microseconds', 'microsec', 'microsecs', 'microsecond', 'usecond', 'useconds', 'us', 'usec', 'usecs'],
})) {
  for (const name of names) DATE_PARTS[name] = pg;
}

/*
 * What the translator refuses, as lists (exported so that the tests hold one case for each entry).
 */
/** Redshift-only functions that have no faithful translation here (refused when called). */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'DATEDIFF', 'CONVERT_TIMEZONE', 'LISTAGG', 'MEDIAN', 'STRTOL', 'FNV_HASH', 'JSON_EXTRACT_PATH_TEXT',
  'JSON_PARSE', 'GETDATE_UTC', 'RATIO_TO_REPORT', 'HLL', 'HLL_CREATE_SKETCH',
]);
/** Redshift-only keywords with no translation here, and why (refused wherever they appear). */
export const REDSHIFT_ONLY_WORDS: Readonly<Record<string, string>> = {
  APPROXIMATE: 'is a Redshift-only aggregate modifier',
  QUALIFY: 'is Redshift syntax with no translation here',
  PIVOT: 'is Redshift syntax with no translation here',
  UNPIVOT: 'is Redshift syntax with no translation here',
};
export const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['SUPER', 'HLLSKETCH', 'GEOMETRY', 'GEOGRAPHY', 'VARBYTE', 'VARBINARY']);
/** Postgres accepts these but Redshift refuses them: refusing them locally keeps sql/ runnable on Redshift. */
export const POSTGRES_ONLY_WORDS: ReadonlySet<string> = new Set(['RETURNING', 'SERIAL', 'BIGSERIAL', 'SMALLSERIAL', 'JSONB', 'GENERATE_SERIES', 'LATERAL']);
/** Statements, by their first words, that the local warehouse cannot run (GRANT SELECT is translated: grantSelect). */
export const UNSUPPORTED_STATEMENTS: readonly string[] = ['UNLOAD', 'VACUUM', 'REVOKE', 'CREATE EXTERNAL', 'CREATE LIBRARY', 'ALTER DATASHARE', 'CREATE DATASHARE'];

export function translate(sql: string): string {
  try {
    return translateTokens(tokenize(sql));
  } catch (e) {
    if (e instanceof TranslationError) e.sql ??= sql;
    throw e;
  }
}

function translateTokens(tokens: Token[]): string {
  const sig = significant(tokens);
  const head = sig.slice(0, 2).map((t) => t.text.toUpperCase());
  for (const statement of UNSUPPORTED_STATEMENTS) {
    const words = statement.split(' ');
    if (words.every((w, i) => head[i] === w)) fail(statement, 'is a Redshift statement the local warehouse cannot run', sig[0]);
  }
  if (isWord(sig[0], 'COPY')) {
    fail('COPY', 'must be run through the local warehouse, which emulates it; it cannot be translated to SQL', sig[0]);
  }
  checkUnsupported(sig);
  if (isWord(sig[0], 'GRANT')) return grantSelect(tokens);
  if (isWord(sig[0], 'CREATE')) dropLateBinding(tokens);
  const create = createTableStart(tokens);
  return create === undefined ? rewrite(tokens) : rewriteCreateTable(tokens, create);
}

/** GRANT SELECT ON … TO …: Redshift's `ROLE r` grantee is Postgres's plain `r`. */
function grantSelect(tokens: Token[]): string {
  const sig = significant(tokens);
  if (!isWord(sig[1], 'SELECT') || !isWord(sig[2], 'ON')) fail('GRANT other than GRANT SELECT ON', 'is not used by this project');
  const to = sig.findIndex((t) => isWord(t, 'TO'));
  return tokens
    .filter((t) => !(isWord(t, 'ROLE') && sig.indexOf(t) > to && (isWord(sig[sig.indexOf(t) - 1], 'TO') || isOp(sig[sig.indexOf(t) - 1], ','))))
    .map((t) => t.text)
    .join('');
}

/** Blanks out a view's trailing WITH NO SCHEMA BINDING (Postgres has no late-binding views). */
function dropLateBinding(tokens: Token[]): void {
  const sig = significant(tokens);
  const n = sig.length;
  if (!(isWord(sig[n - 4], 'WITH') && isWord(sig[n - 3], 'NO') && isWord(sig[n - 2], 'SCHEMA') && isWord(sig[n - 1], 'BINDING'))) return;
  for (const token of sig.slice(n - 4)) tokens[tokens.indexOf(token)] = { ...token, text: '' };
}

/** @param at the token where the construct is, for the caret under it */
function fail(construct: string, why: string, at?: Token): never {
  throw new TranslationError(
    `The local warehouse cannot translate ${construct}: it ${why}. ` +
      'Rewrite the statement without it, or run it on the Redshift target.',
    { position: at === undefined ? undefined : at.offset + 1 },
  );
}

function checkUnsupported(sig: readonly Token[]): void {
  sig.forEach((token, i) => {
    if (token.kind !== 'word') return;
    const word = token.text.toUpperCase();
    const next = sig[i + 1];
    const isCall = next?.kind === 'op' && next.text === '(';
    if (isCall && UNSUPPORTED_FUNCTIONS.has(word)) fail(`${word}()`, 'is a Redshift function with no faithful Postgres translation here', token);
    if (Object.hasOwn(REDSHIFT_ONLY_WORDS, word)) fail(word, REDSHIFT_ONLY_WORDS[word]!, token);
    if (UNSUPPORTED_TYPES.has(word)) fail(`the ${word} type`, 'has no Postgres equivalent here', token);
    if (POSTGRES_ONLY_WORDS.has(word)) fail(word, 'is Postgres syntax that Redshift refuses', token);
    if (word === 'ON' && isWord(next, 'CONFLICT')) fail('ON CONFLICT', 'is Postgres syntax that Redshift refuses', token);
    if (word === 'TOP' && isWord(sig[i - 1], 'SELECT', 'DISTINCT')) fail('SELECT TOP', 'is Redshift syntax; use LIMIT, which both accept', token);
  });
}

/** Index in `tokens` of a plain rewrite's next significant token at or after `from`. */
function nextSig(tokens: readonly Token[], from: number): number {
  let i = from;
  while (i < tokens.length && (tokens[i]!.kind === 'space' || tokens[i]!.kind === 'comment')) i++;
  return i;
}

function prevSig(tokens: readonly Token[], from: number): number {
  let i = from;
  while (i >= 0 && (tokens[i]!.kind === 'space' || tokens[i]!.kind === 'comment')) i--;
  return i;
}

function isOp(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === text;
}

/** Index of the `)` that closes the `(` at `open`. */
function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOp(tokens[i], '(')) depth++;
    else if (isOp(tokens[i], ')') && --depth === 0) return i;
  }
  throw new TranslationError('Unbalanced parentheses in the statement: this one is never closed. Close it, or remove it.', { position: tokens[open]!.offset + 1 });
}

/** Splits tokens[from, to) on top-level commas. */
function splitOnCommas(tokens: readonly Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (isOp(t, '(')) depth++;
    if (isOp(t, ')')) depth--;
    if (depth === 0 && isOp(t, ',')) parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  return parts;
}

function text(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join('');
}

function datePart(token: Token | undefined, fn: string): string {
  const name = token?.kind === 'string' ? token.text.slice(1, -1) : token?.kind === 'word' ? token.text : '';
  const pg = DATE_PARTS[name.toLowerCase()];
  if (pg === undefined) fail(`${fn}(${token?.text ?? ''}, …)`, `names a date part (${token?.text ?? 'nothing'}) Redshift does not define`);
  return pg;
}

/** Date parts DATE_TRUNC accepts, by their Postgres names. */
const TRUNCATABLE = new Set(['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium']);

/** One unit of a date part as a Postgres interval; parts that are not amounts of time (dow, epoch) are refused. */
function intervalUnit(part: string, fn: string): string {
  if (part === 'quarter') return '3 months';
  if (part === 'dow' || part === 'doy' || part === 'epoch') fail(`${fn}(${part}, …)`, 'names a date part that is not an amount of time to add');
  return `1 ${part}`;
}

/**
 * DATEADD's third argument. A string literal ('2018-11-30') is a TIMESTAMP to Redshift (a date gets the time
 * 00:00:00); Postgres would read it as an interval. Columns and other expressions keep their own type:
 * DATE + interval is a TIMESTAMP in both, TIME and TIMETZ stay so.
 */
function timestampArgument(tokens: readonly Token[], rewritten: string): string {
  const sig = significant(tokens);
  return sig.length === 1 && sig[0]!.kind === 'string' ? `CAST(${rewritten} AS TIMESTAMP)` : `(${rewritten})`;
}

/** Rewrites expressions and types in a token run; recursive for function arguments. */
function rewrite(tokens: readonly Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word') {
      out += t.text;
      continue;
    }
    const word = t.text.toUpperCase();
    const after = nextSig(tokens, i + 1);
    const callOpen = isOp(tokens[after], '(') ? after : -1;
    const qualified = isOp(tokens[prevSig(tokens, i - 1)], '.');
    if (qualified) {
      out += t.text;
      continue;
    }
    if (callOpen >= 0) {
      const close = closingParen(tokens, callOpen);
      const args = splitOnCommas(tokens, callOpen + 1, close);
      const arg = (k: number) => rewrite(args[k] ?? []).trim();
      const call = (): string | undefined => {
        switch (word) {
          case 'GETDATE':
            return "DATE_TRUNC('second', STATEMENT_TIMESTAMP()::TIMESTAMP)";
          case 'NVL':
            return `COALESCE(${args.map((_, k) => arg(k)).join(', ')})`;
          case 'NVL2':
            if (args.length !== 3) fail('NVL2', 'takes exactly three arguments');
            return `(CASE WHEN (${arg(0)}) IS NOT NULL THEN (${arg(1)}) ELSE (${arg(2)}) END)`;
          case 'LEN':
            return `LENGTH(${arg(0)})`;
          case 'DATE_PART':
          case 'DATEPART':
            return `DATE_PART('${datePart(significant(args[0] ?? [])[0], word)}', ${arg(1)})`;
          case 'EXTRACT': {
            const inner = significant(tokens.slice(callOpen + 1, close));
            if (!isWord(inner[1], 'FROM')) return undefined;
            const fromAt = tokens.indexOf(inner[1]!);
            return `EXTRACT(${datePart(inner[0], word)} FROM ${rewrite(tokens.slice(fromAt + 1, close)).trim()})`;
          }
          case 'DATEADD': {
            if (args.length !== 3) fail('DATEADD', 'takes exactly three arguments');
            const unit = intervalUnit(datePart(significant(args[0] ?? [])[0], word), word);
            return `(${timestampArgument(args[2]!, arg(2))} + (${arg(1)}) * INTERVAL '${unit}')`;
          }
          case 'DATE_TRUNC': {
            if (args.length !== 2) fail('DATE_TRUNC', 'takes exactly two arguments');
            const part = datePart(significant(args[0] ?? [])[0], word);
            if (!TRUNCATABLE.has(part)) fail(`DATE_TRUNC('${part}', …)`, 'names a date part a timestamp cannot be truncated to');
            // Redshift returns a TIMESTAMP for a DATE or a TIMESTAMP; Postgres would make a DATE a TIMESTAMPTZ.
            return `DATE_TRUNC('${part}', CAST(${arg(1)} AS TIMESTAMP))`;
          }
          case 'VARCHAR':
          case 'NVARCHAR':
          case 'CHARACTER':
            if (args.length === 1 && isWord(significant(args[0]!)[0], 'MAX')) return `VARCHAR(65535)`;
            return undefined;
          default:
            return undefined;
        }
      };
      const replaced = call();
      if (replaced !== undefined) {
        out += replaced;
        i = close;
        continue;
      }
      // `CHARACTER VARYING(MAX)`
      if (word === 'VARYING' && isWord(significant(tokens.slice(callOpen + 1, close))[0], 'MAX')) {
        out += 'VARYING(65535)';
        i = close;
        continue;
      }
    }
    if (word === 'SYSDATE') out += 'LOCALTIMESTAMP';
    else if (word === 'NVARCHAR') out += 'VARCHAR';
    else if (word === 'NCHAR') out += 'CHAR';
    else out += t.text;
  }
  return out;
}

interface CreateTableStart {
  /** Index of the `(` that opens the column list, or -1 for CREATE TABLE … AS. */
  readonly open: number;
  /** Index of the token after the table name. */
  readonly afterName: number;
}

/** Recognises CREATE [TEMP] TABLE [IF NOT EXISTS] name, and where its body starts. */
function createTableStart(tokens: readonly Token[]): CreateTableStart | undefined {
  const sig = significant(tokens);
  let k = 0;
  if (!isWord(sig[k++], 'CREATE')) return undefined;
  if (isWord(sig[k], 'LOCAL')) k++;
  if (isWord(sig[k], 'TEMP', 'TEMPORARY')) k++;
  if (!isWord(sig[k++], 'TABLE')) return undefined;
  if (isWord(sig[k], 'IF')) k += 3;
  k++; // the name
  while (isOp(sig[k], '.')) k += 2; // schema.name
  const afterName = sig[k] === undefined ? tokens.length : tokens.indexOf(sig[k]!);
  return { open: isOp(sig[k], '(') ? afterName : -1, afterName };
}

/** Table attributes: DISTSTYLE x, DISTKEY (c), [COMPOUND|INTERLEAVED] SORTKEY (c, …) | SORTKEY AUTO, BACKUP x, ENCODE AUTO. */
function dropTableAttributes(tokens: readonly Token[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    const word = t.kind === 'word' ? t.text.toUpperCase() : '';
    if (word === 'COMPOUND' || word === 'INTERLEAVED') continue;
    if (word === 'DISTSTYLE' || word === 'BACKUP' || word === 'ENCODE') {
      i = nextSig(tokens, i + 1);
      continue;
    }
    if (word === 'DISTKEY' || word === 'SORTKEY') {
      const n = nextSig(tokens, i + 1);
      i = isOp(tokens[n], '(') ? closingParen(tokens, n) : n; // SORTKEY AUTO
      continue;
    }
    out += t.text;
  }
  return out;
}

function rewriteCreateTable(tokens: readonly Token[], start: CreateTableStart): string {
  if (start.open < 0) {
    // CREATE TABLE name [attributes] AS SELECT …
    const as = tokens.findIndex((t, i) => i >= start.afterName && isWord(t, 'AS'));
    if (as < 0) return rewrite(tokens);
    return rewrite(tokens.slice(0, start.afterName)) + dropTableAttributes(tokens, start.afterName, as) + rewrite(tokens.slice(as));
  }
  const close = closingParen(tokens, start.open);
  const elements = splitOnCommas(tokens, start.open + 1, close)
    .map(rewriteTableElement)
    .filter((e): e is string => e !== undefined);
  return (
    rewrite(tokens.slice(0, start.open)) +
    '(' + elements.join(',') + '\n)' +
    dropTableAttributes(tokens, close + 1, tokens.length)
  );
}

/** One element of a column list: a column definition, a table constraint (dropped) or LIKE. */
function rewriteTableElement(element: readonly Token[]): string | undefined {
  const sig = significant(element);
  if (isWord(sig[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN')) return undefined;
  if (isWord(sig[0], 'CHECK', 'EXCLUDE')) fail(sig[0]!.text.toUpperCase() + ' constraints', 'is not supported by Redshift');
  if (isWord(sig[0], 'LIKE')) return rewrite(element);
  let out = '';
  for (let i = 0; i < element.length; i++) {
    const t = element[i]!;
    const word = t.kind === 'word' ? t.text.toUpperCase() : '';
    const isName = t === sig[0];
    const isType = t === sig[1];
    if (!isName && (word === 'DISTKEY' || word === 'SORTKEY')) continue;
    if (!isName && word === 'ENCODE') {
      i = nextSig(element, i + 1);
      continue;
    }
    if (!isName && word === 'PRIMARY') {
      i = nextSig(element, i + 1); // KEY
      continue;
    }
    if (!isName && word === 'UNIQUE') continue;
    if (!isName && word === 'REFERENCES') {
      i = nextSig(element, i + 1); // the table
      const n = nextSig(element, i + 1);
      if (isOp(element[n], '(')) i = closingParen(element, n);
      continue;
    }
    if (!isName && word === 'IDENTITY') {
      const open = nextSig(element, i + 1);
      if (!isOp(element[open], '(')) fail('IDENTITY', 'needs (seed, step)');
      const close = closingParen(element, open);
      const [seed, step] = splitOnCommas(element, open + 1, close).map((a) => text(a).trim());
      // Redshift's GENERATED BY DEFAULT AS IDENTITY(s, i) allows explicit values; plain IDENTITY does not.
      const generated = /GENERATED\s+BY\s+DEFAULT\s+AS\s*$/i.test(out);
      if (generated) out = out.replace(/GENERATED\s+BY\s+DEFAULT\s+AS\s*$/i, '');
      out += `GENERATED ${generated ? 'BY DEFAULT' : 'ALWAYS'} AS IDENTITY (START WITH ${seed} INCREMENT BY ${step})`;
      i = close;
      continue;
    }
    if (isType && word === 'TEXT') out += 'VARCHAR(256)';
    else if (isType && word === 'BPCHAR') out += 'CHAR(256)';
    else if (!isName && (word === 'COLLATE')) {
      i = nextSig(element, i + 1); // Redshift's CASE_SENSITIVE / CASE_INSENSITIVE
    } else if (isName || t.kind === 'space' || t.kind === 'comment') out += t.text;
    else {
      // Everything else (types, DEFAULT expressions, NOT NULL) goes through the expression rewrites.
      const end = nextStop(element, i);
      out += rewrite(element.slice(i, end));
      i = end - 1;
    }
  }
  return out;
}

/** The end of a run of tokens that needs no column-attribute handling. */
function nextStop(element: readonly Token[], from: number): number {
  const attributes = ['DISTKEY', 'SORTKEY', 'ENCODE', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'IDENTITY', 'COLLATE', 'GENERATED'];
  let depth = 0;
  for (let i = from; i < element.length; i++) {
    const t = element[i]!;
    if (isOp(t, '(')) depth++;
    if (isOp(t, ')')) depth--;
    if (i > from && depth === 0 && t.kind === 'word' && attributes.includes(t.text.toUpperCase())) return i;
  }
  return element.length;
}
