/**
 * Parses Redshift's `COPY table [(columns)] FROM 's3://…' … FORMAT AS JSON …` into what the local loader
 * needs. Only the JSON form is emulated; any option outside the list below is an error that names it,
 * because silently ignoring a load option could load different data than Redshift would.
 */
import { TranslationError } from '../../../errors';
import { type Token, isWord, significant, stringValue, tokenize } from '../../sql-lexer';

export type JsonMapping =
  | { readonly kind: 'auto'; readonly ignoreCase: boolean }
  | { readonly kind: 'jsonpaths'; readonly uri: string };

export interface CopyCommand {
  readonly table: string;
  /** The column list, if the statement gives one; otherwise all of the table's columns in order. */
  readonly columns?: readonly string[];
  readonly from: string;
  readonly json: JsonMapping;
  /** 'epochmillisecs', 'epochsecs', 'auto' or a format string; undefined means Redshift's default. */
  readonly timeFormat?: string;
  readonly dateFormat?: string;
  readonly blanksAsNull: boolean;
  readonly emptyAsNull: boolean;
  readonly truncateColumns: boolean;
  readonly maxError: number;
  /** `from` names a manifest listing the objects to load (MANIFEST), not a prefix. */
  readonly manifest: boolean;
}

/** Options accepted because they do not change what is loaded (credentials, region, statistics). */
const NO_EFFECT_OPTIONS = new Set(['REGION', 'IAM_ROLE', 'CREDENTIALS', 'COMPUPDATE', 'STATUPDATE']);

/** Redshift's upper bound for MAXERROR. */
const MAX_ERROR_LIMIT = 100000;

export function isCopy(sql: string): boolean {
  return isWord(significant(tokenize(sql))[0], 'COPY');
}

export function parseCopy(sql: string): CopyCommand {
  const tokens = significant(tokenize(sql));
  let i = 1;
  const fail = (why: string): never => {
    throw new TranslationError(`Cannot run this COPY locally: ${why}. Statement: ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
  };
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const identifier = (t: Token | undefined) => {
    if (t?.kind === 'word') return t.text.toLowerCase();
    if (t?.kind === 'ident') return t.text.slice(1, -1).replace(/""/g, '"');
    return fail(`expected a name, found ${t ? `"${t.text}"` : 'the end of the statement'}`);
  };
  const literal = (what: string) => {
    const t = take();
    if (t?.kind !== 'string') fail(`${what} must be a quoted string`);
    return stringValue(t!);
  };
  const skipAs = () => {
    if (isWord(peek(), 'AS')) i++;
  };

  let table = identifier(take());
  while (peek()?.text === '.') {
    i++;
    table = identifier(take()); // schema-qualified: the local warehouse has one schema
  }
  let columns: string[] | undefined;
  if (peek()?.text === '(') {
    i++;
    columns = [];
    while (peek() && peek()!.text !== ')') {
      columns.push(identifier(take()));
      if (peek()?.text === ',') i++;
    }
    if (take()?.text !== ')') fail('the column list is not closed');
  }
  if (!isWord(take(), 'FROM')) fail('expected FROM after the table name');
  const from = literal('the FROM source');
  if (!from.startsWith('s3://')) fail(`the source ${from} is not an s3:// URI (only Amazon S3 sources are emulated)`);

  let json: JsonMapping | undefined;
  let timeFormat: string | undefined;
  let dateFormat: string | undefined;
  let blanksAsNull = false;
  let emptyAsNull = false;
  let truncateColumns = false;
  let maxError = 0;
  let manifest = false;

  while (i < tokens.length) {
    const t = take()!;
    const option = t.text.toUpperCase();
    if (t.kind !== 'word') fail(`unexpected "${t.text}"`);
    if (option === 'FORMAT') {
      skipAs();
      if (!isWord(peek(), 'JSON')) fail(`FORMAT ${peek()?.text ?? ''} is not emulated locally; only FORMAT AS JSON is`);
      continue;
    }
    if (option === 'JSON') {
      skipAs();
      const arg = literal('the JSON option');
      if (arg === 'auto') json = { kind: 'auto', ignoreCase: false };
      else if (arg === 'auto ignorecase') json = { kind: 'auto', ignoreCase: true };
      else if (arg.startsWith('s3://')) json = { kind: 'jsonpaths', uri: arg };
      else fail(`JSON '${arg}' is not one of 'auto', 'auto ignorecase' or an s3:// JSONPaths file (note: 'auto' is case-sensitive)`);
    } else if (option === 'IAM_ROLE') {
      if (isWord(peek(), 'DEFAULT')) i++;
      else literal('IAM_ROLE');
    } else if (option === 'REGION' || option === 'CREDENTIALS') {
      skipAs();
      literal(option);
    } else if (option === 'COMPUPDATE' || option === 'STATUPDATE') {
      if (isWord(peek(), 'ON', 'OFF', 'TRUE', 'FALSE', 'PRESET')) i++;
    } else if (option === 'TIMEFORMAT') {
      skipAs();
      timeFormat = literal('TIMEFORMAT');
    } else if (option === 'DATEFORMAT') {
      skipAs();
      dateFormat = literal('DATEFORMAT');
    } else if (option === 'BLANKSASNULL') blanksAsNull = true;
    else if (option === 'EMPTYASNULL') emptyAsNull = true;
    else if (option === 'TRUNCATECOLUMNS') truncateColumns = true;
    else if (option === 'MANIFEST') manifest = true;
    else if (option === 'MAXERROR') {
      skipAs();
      const n = take();
      if (n?.kind !== 'number' || !/^\d+$/.test(n.text)) fail('MAXERROR needs a whole number');
      maxError = Math.min(Number(n!.text), MAX_ERROR_LIMIT);
    } else if (!NO_EFFECT_OPTIONS.has(option)) {
      fail(`the option ${option} is not emulated by the local warehouse`);
    }
  }
  if (json === undefined) fail("only JSON loads are emulated: add FORMAT AS JSON 'auto' or a JSONPaths file");
  return { table, columns, from, json: json!, timeFormat, dateFormat, blanksAsNull, emptyAsNull, truncateColumns, maxError, manifest };
}
