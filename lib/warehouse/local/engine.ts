/**
 * What LocalWarehouse runs its translated Postgres on: the PGlite database itself (this process owns the
 * folder), or a Postgres connection to `npm run serve`, which owns it. Both return results in PGlite's shape.
 */
import type { Client, ClientConfig, QueryResult } from 'pg';
import { parsersOf } from './data-folder';
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

  static async connect(host: string, port: number): Promise<ServedEngine> {
    // Loaded here, not at start-up: only a command whose warehouse is served needs node-postgres.
    const pg = (await import('pg')).default;
    // The parsers PGlite is given (data-folder.ts), for node-postgres: the same rows either way.
    const parsers: Readonly<Record<number, (value: string) => unknown>> = parsersOf(await loadPglite());
    const config: ClientConfig = {
      host,
      port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 10000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          // node-postgres's own parsers for every other type.
          return parsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text');
        }) as never,
      },
    };
    const client = new pg.Client(config);
    await client.connect();
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
