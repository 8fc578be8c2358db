/**
 * Test warehouses: each test gets its own database in a temporary folder, started from the project's
 * empty-database template (.warehouse/templates, made once: initdb under WebAssembly takes seconds; copying
 * the template, a fraction of one). Each holds its folder's lock, as every local warehouse does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureTemplate } from '../../lib/warehouse/local/data-folder';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';
import type { StatementResult } from '../../lib/warehouse/warehouse';

export const SAMPLE_DIR = join(resolve(__dirname, '..', '..'), 'data', 'sample');

export interface TestWarehouse {
  readonly warehouse: LocalWarehouse;
  readonly dataDir: string;
  /** Closes the warehouse and deletes its folder. */
  dispose(): Promise<void>;
}

/** A fresh warehouse whose bucket `udacity-dend` (and any others given) maps to local folders. */
export async function openTestWarehouse(s3Folders: Record<string, string> = { 'udacity-dend': SAMPLE_DIR }): Promise<TestWarehouse> {
  const root = mkdtempSync(join(tmpdir(), 'sparkify-test-'));
  const dataDir = join(root, 'pgdata');
  await ensureTemplate();
  const warehouse = await LocalWarehouse.open({ dataDir, s3Folders });
  return {
    warehouse,
    dataDir,
    async dispose() {
      await warehouse.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A test warehouse for COPY tests, with the helpers they share; each helper stands alone (destructure them). */
export interface BucketWarehouse extends TestWarehouse {
  /** The empty temporary folder that stands in for the bucket `test-bucket`. */
  readonly folder: string;
  /** Writes a file at an S3 key of the bucket, making its folders. */
  put(key: string, content: string | Buffer): void;
  /** Creates a fresh table with the given columns and returns its name. */
  table(columns: string): Promise<string>;
  /** `COPY <table> FROM 's3://test-bucket/<prefix>' IAM_ROLE default <options>`. */
  copy(table: string, prefix: string, options: string): Promise<StatementResult[]>;
}

/** A fresh warehouse whose bucket `test-bucket` is a new, empty folder; dispose deletes both. */
export async function openBucketWarehouse(): Promise<BucketWarehouse> {
  const folder = mkdtempSync(join(tmpdir(), 'sparkify-bucket-'));
  const db = await openTestWarehouse({ 'test-bucket': folder });
  let tables = 0;
  return {
    ...db,
    folder,
    put(key, content) {
      const path = join(folder, ...key.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    },
    async table(columns) {
      const name = `t${++tables}`;
      await db.warehouse.run([{ sql: `CREATE TABLE ${name} (${columns})` }]);
      return name;
    },
    copy: (table, prefix, options) =>
      db.warehouse.run([{ sql: `COPY ${table} FROM 's3://test-bucket/${prefix}' IAM_ROLE default ${options}` }]),
    async dispose() {
      await db.dispose();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
