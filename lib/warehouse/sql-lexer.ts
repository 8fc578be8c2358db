/**
 * A small SQL lexer, enough to rewrite Redshift SQL safely: it knows string literals, quoted identifiers and
 * comments, so a rewrite never touches text inside them. Shared by the dialect translator, the COPY parser
 * and the statement splitter.
 */
import { StatementError } from '../errors';

export type TokenKind = 'space' | 'comment' | 'string' | 'ident' | 'word' | 'number' | 'param' | 'op';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text exactly as written. */
  readonly text: string;
  /** Offset of the token in the statement, for error messages. */
  readonly offset: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), offset: i });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j]!)) j++;
      push('space', j);
    } else if (c === '-' && next === '-') {
      const j = sql.indexOf('\n', i);
      push('comment', j < 0 ? sql.length : j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      if (j < 0) throw unterminated(sql, i, 'comment (/* … */)');
      push('comment', j + 2);
    } else if (c === "'" || c === '"') {
      push(c === "'" ? 'string' : 'ident', endOfQuoted(sql, i, c));
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      push('word', j);
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      push('number', i + m[0].length);
    } else if (c === ':' && next === ':') {
      push('op', i + 2);
    } else if (c === ':' && next !== undefined && WORD_START.test(next)) {
      // A Data API named parameter (`:name`); `::` casts were taken just above.
      let j = i + 2;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      push('param', j);
    } else {
      const two = sql.slice(i, i + 2);
      push('op', ['<=', '>=', '<>', '!=', '||'].includes(two) ? i + 2 : i + 1);
    }
  }
  return tokens;
}

/** Quotes are escaped by doubling them, in Redshift as in standard SQL. */
function endOfQuoted(sql: string, start: number, quote: string): number {
  let j = start + 1;
  for (;;) {
    const k = sql.indexOf(quote, j);
    if (k < 0) throw unterminated(sql, start, quote === "'" ? "string literal ('…')" : 'quoted identifier ("…")');
    if (sql[k + 1] === quote) j = k + 2;
    else return k + 1;
  }
}

/** The tokens that carry meaning (no whitespace or comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

/** Whether a token is the given keyword (case-insensitive). */
export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.text.toUpperCase());
}

/** The value of a single-quoted string literal. */
export function stringValue(token: Token): string {
  return token.text.slice(1, -1).replace(/''/g, "'");
}

/**
 * Splits a script into statements on top-level semicolons. Statements that hold only comments are dropped;
 * each returned statement keeps its own comments (they are harmless and help error messages).
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current: Token[] = [];
  const flush = () => {
    if (current.some((t) => t.kind !== 'space' && t.kind !== 'comment')) {
      statements.push(current.map((t) => t.text).join('').trim());
    }
    current = [];
  };
  for (const token of tokenize(script)) {
    if (token.kind === 'op' && token.text === ';') flush();
    else current.push(token);
  }
  flush();
  return statements;
}

/** SQL that cannot even be split into tokens: the user's to fix, shown with a caret where the text opens. */
function unterminated(sql: string, at: number, what: string): StatementError {
  return new StatementError(`The SQL ends inside a ${what} that opens here: close it, or remove it.`, sql, { position: at + 1 });
}
