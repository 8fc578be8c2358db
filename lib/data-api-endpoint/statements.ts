/**
 * The local endpoint's statements: kept by id, queued, and run one at a time on the local warehouse (one
 * PGlite connection), each request as one transaction. Their statuses move as the service's do —
 * SUBMITTED, PICKED, STARTED, then FINISHED, FAILED or ABORTED — per request and per batch sub-statement.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { LoadError, StatementError } from '../errors';
import type { Statement } from '../warehouse/warehouse';
import { notFound, validation } from './exceptions';
import type { ResultColumn } from './records';
import type { LocalWarehouse, StatementOutcome } from '../warehouse/local/local-warehouse';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

const ENDED: ReadonlySet<StatementStatus> = new Set(['FINISHED', 'FAILED', 'ABORTED']);

/** The service's statement ids: a UUID, and `:n` for the n-th statement of a batch. */
const STATEMENT_ID = /^([a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12})(?::(\d{1,2}))?$/;

export interface SubStatement {
  readonly id: string;
  readonly sql: string;
  readonly createdAt: number;
  status: StatementStatus;
  updatedAt: number;
  /** When it began running (performance.now()). */
  startedAt?: number;
  /** Nanoseconds it ran; -1 until it ends. */
  durationNs: number;
  error?: string;
  /** Rows returned or affected; -1 until it finishes. */
  resultRows: number;
  /** For a COPY, the local warehouse's load id (sys_load_error_detail's query_id); 0 for anything else. */
  queryId: number;
  result?: { readonly rows: readonly (readonly unknown[])[]; readonly columns: readonly ResultColumn[] };
}

/** What ExecuteStatement or BatchExecuteStatement asked for. */
export interface Submission {
  readonly sqls: readonly string[];
  readonly isBatch: boolean;
  readonly database: string;
  readonly workgroupName: string;
  readonly secretArn?: string;
  readonly name?: string;
  readonly parameters?: readonly { readonly name: string; readonly value: string }[];
  readonly clientToken?: string;
  /** The database user the statements run as; undefined: the local warehouse's superuser. */
  readonly user?: string;
}

export interface StatementRecord extends Submission {
  readonly id: string;
  readonly createdAt: number;
  status: StatementStatus;
  updatedAt: number;
  durationNs: number;
  error?: string;
  /** One per SQL statement; a single statement's record has one, under the record's own id. */
  readonly subs: SubStatement[];
  readonly cancel: AbortController;
}

/** Faults the tests inject (see `DataApiFaults` in endpoint.ts). */
export interface RunFaults {
  readonly copyResultRows?: 'zero' | 'loaded';
  readonly maxResultBytes?: number;
  readonly coldStart?: { readonly statements: number; readonly error?: string };
  readonly statementDelayMs?: number;
  readonly fail?: { readonly match: RegExp; readonly error?: string; readonly times?: number };
}

/**
 * The most result the service returns for one statement: 100 MB in the older documentation, 500 MB in the
 * current; the endpoint holds to the smaller.
 */
const MAX_RESULT_BYTES = 100 * 1024 * 1024;

/** A result's size, as near as its JSON text tells. */
function resultBytes(rows: readonly (readonly unknown[])[]): number {
  let bytes = 0;
  for (const row of rows) bytes += Buffer.byteLength(JSON.stringify(row));
  return bytes;
}

/** The error text of a cancelled statement. */
const CANCELLED = "Query cancelled on user's request";

class Cancelled extends Error {}
class InjectedFailure extends Error {}

export class StatementRunner {
  readonly #warehouse: LocalWarehouse;
  readonly #database: string;
  readonly #faults: RunFaults;
  /** In creation order, which ListStatements reverses. */
  readonly #records = new Map<string, StatementRecord>();
  readonly #byToken = new Map<string, StatementRecord>();
  readonly #queue: StatementRecord[] = [];
  #running: Promise<void> | undefined;
  #coldStartFailures = 0;
  #injectedFailures = 0;

  /** @param database the one database the local warehouse plays */
  constructor(warehouse: LocalWarehouse, database: string, faults: RunFaults = {}) {
    this.#warehouse = warehouse;
    this.#database = database;
    this.#faults = faults;
  }

  /** Queues a request; the same ClientToken again returns the first request's statement (idempotency). */
  submit(submission: Submission): StatementRecord {
    const earlier = submission.clientToken === undefined ? undefined : this.#byToken.get(submission.clientToken);
    if (earlier !== undefined) return earlier;
    const id = randomUUID();
    const now = Date.now();
    const record: StatementRecord = {
      ...submission,
      id,
      createdAt: now,
      status: 'SUBMITTED',
      updatedAt: now,
      durationNs: -1,
      subs: submission.sqls.map((sql, i) => ({
        id: submission.isBatch ? `${id}:${i + 1}` : id,
        sql,
        createdAt: now,
        status: 'SUBMITTED',
        updatedAt: now,
        durationNs: -1,
        resultRows: -1,
        queryId: 0,
      })),
      cancel: new AbortController(),
    };
    this.#records.set(id, record);
    if (submission.clientToken !== undefined) this.#byToken.set(submission.clientToken, record);
    this.#queue.push(record);
    this.#running ??= this.#drain();
    return record;
  }

  /** The request an id names and, for a batch's `id:n`, its sub-statement. */
  find(id: unknown): { record: StatementRecord; sub?: SubStatement } {
    const m = typeof id === 'string' ? STATEMENT_ID.exec(id) : null;
    if (m === null) throw validation(`Id ${JSON.stringify(id)} is not a statement id (a UUID, with :n for a statement of a batch).`);
    const record = this.#records.get(m[1]!);
    if (record === undefined) throw notFound(`Statement ${id} does not exist.`, String(id));
    if (m[2] === undefined) return { record };
    const sub = record.isBatch ? record.subs[Number(m[2]) - 1] : undefined;
    if (sub === undefined) throw notFound(`Statement ${id} does not exist.`, String(id));
    return { record, sub };
  }

  /** CancelStatement: a queued request ends ABORTED at once; a running one at its next statement boundary, rolled back. */
  cancel(id: unknown): void {
    const { record, sub } = this.find(id);
    if (sub !== undefined) throw validation('Cancel a batch by its own id, not the id of one of its statements.');
    if (ENDED.has(record.status)) throw validation(`Could not cancel a query that is already in ${record.status} status.`);
    record.cancel.abort();
    const queued = this.#queue.indexOf(record);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      record.subs[0]!.error = CANCELLED;
      this.#end(record, 'ABORTED', 0);
    }
  }

  /** Every request, newest first. */
  list(): StatementRecord[] {
    return [...this.#records.values()].reverse();
  }

  /** Resolves once the queue is empty and nothing runs. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (let record = this.#queue.shift(); record !== undefined; record = this.#queue.shift()) await this.#run(record);
    } finally {
      this.#running = undefined;
    }
  }

  async #run(record: StatementRecord): Promise<void> {
    this.#set(record, 'PICKED');
    const started = performance.now();
    this.#set(record, 'STARTED');
    const coldStart = this.#faults.coldStart;
    if (coldStart !== undefined && this.#coldStartFailures < coldStart.statements) {
      this.#coldStartFailures++;
      record.subs[0]!.error = coldStart.error ?? 'ERROR: Query cancelled.';
      this.#end(record, 'FAILED', started, 0);
      return;
    }
    if (record.database !== this.#database) {
      // Redshift refuses the connection itself; nothing of the request runs.
      record.subs[0]!.error = `FATAL: database "${record.database}" does not exist`;
      this.#end(record, 'FAILED', started, 0);
      return;
    }
    const params = Object.fromEntries((record.parameters ?? []).map((p) => [p.name, p.value]));
    const statements: Statement[] = record.sqls.map((sql) => ({ sql, params }));
    const { signal } = record.cancel;
    let current = 0;
    try {
      if (record.user !== undefined) await this.#warehouse.ensureUser(record.user);
      await this.#warehouse.run(statements, {
        transaction: true,
        user: record.user,
        observer: {
          starting: async (i) => {
            current = i;
            const sub = record.subs[i]!;
            sub.startedAt = performance.now();
            this.#set(sub, 'STARTED');
            if (this.#faults.statementDelayMs) await delay(this.#faults.statementDelayMs, undefined, { signal }).catch(() => {});
            if (signal.aborted) throw new Cancelled();
            const fail = this.#faults.fail;
            if (fail !== undefined && fail.match.test(sub.sql) && this.#injectedFailures < (fail.times ?? Number.POSITIVE_INFINITY)) {
              this.#injectedFailures++;
              throw new InjectedFailure(fail.error ?? 'ERROR: injected failure (local endpoint fault)');
            }
          },
          finished: (i, outcome) => {
            // The statement ran, but its transaction has not committed yet: a cancel still rolls it back.
            if (signal.aborted) throw new Cancelled();
            if (outcome.result !== undefined && resultBytes(outcome.result.rows) > (this.#faults.maxResultBytes ?? MAX_RESULT_BYTES)) {
              throw new InjectedFailure('ERROR: Database response exceeded size limit');
            }
            finish(record.subs[i]!, outcome, this.#faults.copyResultRows ?? 'zero');
          },
        },
      });
      this.#end(record, 'FINISHED', started);
    } catch (e) {
      const sub = record.subs[current]!;
      if (signal.aborted || e instanceof Cancelled) {
        sub.error = CANCELLED;
        this.#end(record, 'ABORTED', started);
        return;
      }
      sub.error = errorText(e);
      // A load's rejected rows are recorded under its id when the load fails; the newest id is this load's.
      if (e instanceof LoadError && e.rejects.length > 0) {
        const [row] = await this.#warehouse.query<{ id: number }>('SELECT MAX(query_id) AS id FROM sys_load_error_detail');
        sub.queryId = Number(row?.id ?? 0);
      }
      this.#end(record, 'FAILED', started, current);
    }
  }

  #set(target: { status: StatementStatus; updatedAt: number }, status: StatementStatus): void {
    target.status = status;
    target.updatedAt = Date.now();
  }

  /**
   * Ends a request: FINISHED, or FAILED at sub-statement `failedAt` (those before it stay FINISHED though
   * rolled back; those after it are ABORTED), or ABORTED from the statement running onwards.
   */
  #end(record: StatementRecord, status: StatementStatus, started: number, failedAt = -1): void {
    const now = performance.now();
    for (const [i, sub] of record.subs.entries()) {
      if (ENDED.has(sub.status)) continue;
      sub.durationNs = Math.round((now - (sub.startedAt ?? now)) * 1e6);
      this.#set(sub, i === failedAt ? 'FAILED' : status === 'FINISHED' ? 'FINISHED' : 'ABORTED');
    }
    record.error = record.subs.find((s) => s.error !== undefined)?.error;
    record.durationNs = started === 0 ? 0 : Math.round((now - started) * 1e6);
    this.#set(record, status);
  }
}

/** A statement's outcome as DescribeStatement shows it; a COPY (the one kind with a load id) reports 0 rows unless `copyRows` says otherwise. */
function finish(sub: SubStatement, outcome: StatementOutcome, copyRows: 'zero' | 'loaded'): void {
  sub.durationNs = Math.round((performance.now() - (sub.startedAt ?? performance.now())) * 1e6);
  const isCopy = outcome.queryId !== undefined;
  sub.resultRows = outcome.result?.rows.length ?? (isCopy && copyRows === 'zero' ? 0 : outcome.rowsAffected);
  sub.queryId = outcome.queryId ?? 0;
  if (outcome.result !== undefined) sub.result = { rows: outcome.result.rows, columns: outcome.result.fields };
  sub.status = 'FINISHED';
  sub.updatedAt = Date.now();
}

/**
 * The error as the service reports it: the database's own words. The local warehouse wraps a Postgres error
 * with the statement's label and SQL; the cause holds what Postgres said.
 */
function errorText(e: unknown): string {
  const cause = e instanceof Error && !(e instanceof InjectedFailure) && e.cause instanceof Error ? e.cause : e;
  const message = cause instanceof Error ? cause.message : String(cause);
  const text = /^(ERROR|FATAL):/.test(message) ? message : `ERROR: ${message}`;
  // Where the error is in the statement as sent, on a line of its own as Postgres clients print it
  // ("Position: 8"); the Redshift warehouse's error reader turns it back into a caret. The real service's
  // wording here is not verified (docs/data-api-endpoint.md).
  return e instanceof StatementError && e.position !== undefined ? `${text}\n  Position: ${e.position}` : text;
}
