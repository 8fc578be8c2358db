/**
 * Test warehouses: each test gets its own database in a temporary folder, started from a template dump of
 * an empty database made once per machine (initdb under WebAssembly takes seconds; a template, half of one).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';

const ROOT = resolve(__dirname, '..', '..');
export const SAMPLE_DIR = join(ROOT, 'data', 'sample');
// Keyed by PGlite's version: a dump only loads into the version that made it.
const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
export const TEMPLATE = join(tmpdir(), `sparkify-pglite-${version}-template.tar.gz`);

export async function ensureTemplate(): Promise<string> {
  if (!existsSync(TEMPLATE)) await LocalWarehouse.saveTemplate(TEMPLATE);
  return TEMPLATE;
}

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
  const warehouse = await LocalWarehouse.open({ dataDir, s3Folders, template: await ensureTemplate() });
  return {
    warehouse,
    dataDir,
    async dispose() {
      await warehouse.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
