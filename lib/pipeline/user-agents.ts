/**
 * Fills the user_agents dimension (sql/marts/user_agents.sql): every distinct user agent of the build's
 * songplays, parsed with ua-parser-js. SQL cannot parse user agents reliably, so the parsing happens here
 * and the rows go back in as INSERT statements whose values are `:name` parameters, never spliced into SQL.
 */
import { UAParser } from 'ua-parser-js';
import type { Statement, Warehouse } from '../warehouse/warehouse';

export interface ParsedUserAgent {
  readonly user_agent: string;
  readonly os_name: string | null;
  readonly os_version: string | null;
  readonly browser: string | null;
  readonly browser_version: string | null;
  readonly device_type: string | null;
}

/** Widths in bytes of the parsed columns, as the table declares them: Redshift refuses longer values. */
const WIDTHS = { os_name: 64, os_version: 64, browser: 64, browser_version: 64, device_type: 32 } as const;
const COLUMNS: readonly (keyof ParsedUserAgent)[] = ['user_agent', 'os_name', 'os_version', 'browser', 'browser_version', 'device_type'];

/**
 * Statement and batch sizes the Redshift Data API accepts with room to spare: a statement's SQL and
 * parameters stay far below its 100 KB limit (a user agent is at most 1 KB), and a batch sent as one
 * BatchExecuteStatement holds at most 40 statements.
 */
const ROWS_PER_STATEMENT = 25;
const STATEMENTS_PER_BATCH = 40;

/** Parses one user agent as the logs give it: the sample's values are wrapped in literal double quotes. */
export function parseUserAgent(userAgent: string): ParsedUserAgent {
  const { os, browser, device } = new UAParser(userAgent.replace(/^"(.*)"$/s, '$1')).getResult();
  const text = (column: keyof typeof WIDTHS, value: string | undefined) => (value ? clip(value, WIDTHS[column]) : null);
  return {
    user_agent: userAgent,
    os_name: text('os_name', os.name),
    os_version: text('os_version', os.version),
    browser: text('browser', browser.name),
    browser_version: text('browser_version', browser.version),
    // ua-parser-js names only special device types (mobile, tablet, console…); a known OS without one is a desktop.
    device_type: text('device_type', device.type ?? (os.name ? 'desktop' : undefined)),
  };
}

/**
 * Inserts the parsed distinct user agents of `songplays{suffix}` into `user_agents{suffix}`, which the
 * build has just created empty. Returns the number of rows inserted.
 */
export async function loadUserAgents(warehouse: Warehouse, suffix: string): Promise<number> {
  const rows = await warehouse.query<{ user_agent: string }>(
    `SELECT DISTINCT user_agent FROM songplays${suffix} WHERE user_agent IS NOT NULL ORDER BY user_agent`,
  );
  const statements = insertStatements(rows.map((r) => parseUserAgent(r.user_agent)), `user_agents${suffix}`);
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await warehouse.run(statements.slice(i, i + STATEMENTS_PER_BATCH), { transaction: true });
  }
  return rows.length;
}

/** Multi-row INSERTs, each row's values bound to numbered parameters (:user_agent_0, :os_name_0, …). */
export function insertStatements(rows: readonly ParsedUserAgent[], table: string): Statement[] {
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params: Record<string, string | null> = {};
    const tuples = chunk.map((row, i) => {
      for (const column of COLUMNS) params[`${column}_${i}`] = row[column];
      return `(${COLUMNS.map((column) => `:${column}_${i}`).join(', ')})`;
    });
    statements.push({
      sql: `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES\n${tuples.join(',\n')}`,
      params,
      label: `load ${table}`,
    });
  }
  return statements;
}

/** The longest prefix of `value` that fits in `bytes` bytes of UTF-8, never splitting a character. */
function clip(value: string, bytes: number): string {
  if (Buffer.byteLength(value) <= bytes) return value;
  let out = '';
  for (const char of value) {
    if (Buffer.byteLength(out + char) > bytes) break;
    out += char;
  }
  return out;
}
