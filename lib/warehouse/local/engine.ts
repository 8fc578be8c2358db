/**
 * What LocalWarehouse runs its translated Postgres on: the PGlite database itself (this process owns the
 * folder), or a Postgres connection to `npm run serve`, which owns it. Both return results in PGlite's shape.
 */
import type { Client, ClientConfig, QueryResult } from 'pg';
import { SparkifyError } from '../../errors';
import { DEFAULT_WAIT_S, parsersOf, type WaitOptions } from './data-folder';
import { loadPglite } from './pglite';

export interface EngineResult<R> {
  readonly rows: R[];
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
  /** Rows inserted, updated, deleted, merged or copied (PGlite's definition). */
  readonly affectedRows?: number;
  /** The count in the command's tag (SELECT 3, MOVE 7). */
  readonly rowCount?: number;
}

export interface QueryOptions {
  /** Rows as arrays in column order instead of objects. */
  readonly rowMode?: 'array' | 'object';
}

export interface Executor {
  query<R>(text: string, values?: unknown[], options?: QueryOptions): Promise<EngineResult<R>>;
}

export interface Engine extends Executor {
  /** Runs statements separated by semicolons, without parameters. */
  exec(sql: string): Promise<unknown>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (executor: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Under --no-wait, how long a connection may take to be let in: a free server answers in milliseconds. */
const NO_WAIT_MS = 2000;

/** Commands whose row count PGlite reports as affected rows; the others (SELECT, CREATE TABLE AS…) count none. */
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

/** A connection to the warehouse served by `npm run serve`. */
export class ServedEngine implements Engine {
  readonly #client: Client;

  private constructor(client: Client) {
    this.#client = client;
    // A server that stops, or a connection that drops, is reported by the next query; an 'error' event with
    // no listener would end the process instead.
    client.on('error', () => undefined);
  }

  /**
   * Connects to the server. Its one session is shared in turns, and the connection's start-up takes a turn too:
   * while another client holds the session (a transaction left open, such as psql's after BEGIN), this waits
   * up to `wait.timeoutMs` (a moment under --no-wait), saying so through `wait.onWaiting` after
   * `firstNoticeMs` and every 15 s after, then gives up (exit 2). A connection refused (the server is
   * stopping) fails at once.
   */
  static async connect(host: string, port: number, wait: WaitOptions = { timeoutMs: DEFAULT_WAIT_S * 1000 }, firstNoticeMs = 1000): Promise<ServedEngine> {
    // Loaded here, not at start-up: only a command whose warehouse is served needs node-postgres.
    const pg = (await import('pg')).default;
    // The parsers PGlite is given (data-folder.ts), for node-postgres: the same rows either way.
    const parsers: Readonly<Record<number, (value: string) => unknown>> = parsersOf(await loadPglite());
    const config: ClientConfig = {
      host,
      port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: Math.max(wait.timeoutMs, NO_WAIT_MS),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          // node-postgres's own parsers for every other type.
          return parsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text');
        }) as never,
      },
    };
    const client = new pg.Client(config);
    const started = Date.now();
    const waited = () => Math.round((Date.now() - started) / 1000);
    const say = () =>
      wait.onWaiting?.(
        `Waiting for npm run serve at ${host}:${port} to let this command in: another client holds the warehouse, in a transaction ` +
          'left open (such as psql after BEGIN) or a long statement. It goes on when that client commits or rolls back, or when the ' +
          `server lets an idle one go (npm run serve --idle-timeout, 60 s by default); waited ${waited()} s of at most ` +
          `${Math.round(wait.timeoutMs / 1000)} s (--wait <seconds>).`,
      );
    let notices: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      say();
      notices = setInterval(say, 15000);
    }, firstNoticeMs);
    try {
      await client.connect();
    } catch (e) {
      if (Date.now() - started < Math.max(wait.timeoutMs, NO_WAIT_MS)) throw e;
      throw new SparkifyError(
        `npm run serve at ${host}:${port} did not let this command in: another client held the warehouse for all of ` +
          `${waited()} s${wait.timeoutMs === 0 ? ' and --no-wait was given' : ''}. End that client's transaction (COMMIT or ROLLBACK in psql), ` +
          'or give --wait <seconds> to wait longer.',
        2,
        { cause: e },
      );
    } finally {
      clearTimeout(first);
      clearInterval(notices);
    }
    return new ServedEngine(client);
  }

  async query<R>(text: string, values?: unknown[], options: QueryOptions = {}): Promise<EngineResult<R>> {
    const result: QueryResult =
      options.rowMode === 'array' ? await this.#client.query({ text, values, rowMode: 'array' as const }) : await this.#client.query({ text, values });
    return {
      rows: result.rows as R[],
      fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      affectedRows: COUNTED.has(result.command) ? (result.rowCount ?? 0) : 0,
      rowCount: result.rowCount ?? undefined,
    };
  }

  async exec(sql: string): Promise<void> {
    await this.#client.query(sql);
  }

  async transaction<T>(work: (executor: Executor) => Promise<T>): Promise<T> {
    await this.#client.query('BEGIN');
    try {
      const value = await work(this);
      await this.#client.query('COMMIT');
      return value;
    } catch (e) {
      await this.#client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}
