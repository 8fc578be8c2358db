/**
 * Test warehouses: each test gets its own database in a temporary folder, started from the empty-database
 * template folder that LocalWarehouse keeps beside its data dirs (made once per machine: initdb under
 * WebAssembly takes seconds; copying the template, a fraction of one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';

export const SAMPLE_DIR = join(resolve(__dirname, '..', '..'), 'data', 'sample');

/** The template folder, shared by every test run on this machine (named for the PGlite version). */
const TEMPLATE = LocalWarehouse.templateFor(join(tmpdir(), 'sparkify-test-data-dir'));

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
  await LocalWarehouse.ensureTemplate(TEMPLATE);
  const warehouse = await LocalWarehouse.open({ dataDir, s3Folders, template: TEMPLATE });
  return {
    warehouse,
    dataDir,
    async dispose() {
      await warehouse.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
