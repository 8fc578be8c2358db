/**
 * One warehouse per property test file, reset between cases (its tables dropped, not a new PGlite started:
 * that takes seconds, a reset milliseconds), over one source folder that each case rewrites.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUESTIONS, questionSql } from '../../lib/analytics/questions';
import { STAR_TABLES } from '../../lib/pipeline/tables';
import type { Row, Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import { canonical, modelOf } from '../model/differential';

export interface PropertyWarehouse {
  readonly warehouse: Warehouse;
  /** The folder the bucket `udacity-dend` maps to. */
  readonly source: string;
  /** Drops every table the cases made, leaving the warehouse as it was opened. */
  reset(): Promise<void>;
  /**
   * Runs a case once every earlier one has finished: a property stopped by its time limit may leave its last
   * case running, which must not share the warehouse with the next test's.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Opens the file's warehouse before its tests and closes it after; use the returned getter inside tests.
 * @param setUp run once on the new warehouse (what it makes besides tables stays for every case)
 */
export function usePropertyWarehouse(setUp?: (warehouse: Warehouse) => Promise<void>): () => PropertyWarehouse {
  let db: TestWarehouse | undefined;
  let source = '';
  let baseline = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const tables = async () =>
    (await db!.warehouse.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()')).map((r) => r.name);

  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-property-source-'));
    db = await openTestWarehouse({ 'udacity-dend': source });
    await setUp?.(db.warehouse);
    baseline = new Set(await tables());
  });
  afterAll(async () => {
    await queue;
    await db?.dispose();
    rmSync(source, { recursive: true, force: true });
  });

  return () => ({
    warehouse: db!.warehouse,
    source,
    async reset() {
      const made = (await tables()).filter((t) => !baseline.has(t));
      if (made.length > 0) await db!.warehouse.run([{ sql: `DROP TABLE IF EXISTS ${made.join(', ')}` }]);
    },
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      const next = queue.then(work, work);
      queue = next.catch(() => undefined);
      return next;
    },
  });
}

/**
 * Every star table (as a set) and every answer (in order) of the warehouse equals the model's of the source
 * folder; otherwise fails on the first that differs, naming it, with jest's diff.
 */
export async function expectModel(warehouse: Warehouse, source: string): Promise<void> {
  const expected = modelOf(source);
  for (const table of STAR_TABLES) {
    const rows = canonical(await warehouse.query(`SELECT * FROM ${table}`));
    const want = canonical(expected.star[table]);
    if (JSON.stringify(rows) !== JSON.stringify(want)) named(`star table ${table} differs from the model's`, () => expect(rows).toEqual(want));
  }
  for (const q of QUESTIONS) {
    const rows: Row[] = await warehouse.query(questionSql(q.name));
    const want = expected.answers[q.name];
    if (JSON.stringify(rows) !== JSON.stringify(want)) named(`question ${q.name} is answered unlike the model`, () => expect(rows).toEqual(want));
  }
}

/** Runs an expectation, its failure's message led by what failed. */
export function named(what: string, expectation: () => void): void {
  try {
    expectation();
  } catch (e) {
    if (e instanceof Error) e.message = `${what}:\n${e.message}`;
    throw e;
  }
}
