/**
 * What runs on Redshift alone (the scheduled loader's bundle: runEtl, the S3 listing, the Data API warehouse,
 * the settings, the staged-catalogue lookup, the status) reaches nothing of the local warehouse: no PGlite, no
 * lib/warehouse/local. Bundled here as esbuild bundles it, in memory.
 */
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

test('the Redshift path bundles without lib/warehouse/local or PGlite', async () => {
  const modules = ['lib/pipeline/etl-run', 'lib/pipeline/source-files', 'lib/warehouse/redshift/redshift-warehouse', 'lib/config', 'lib/stage/discover', 'lib/pipeline/warehouse-status'];
  const result = await build({
    stdin: { contents: modules.map((m, i) => `export * as m${i} from ${JSON.stringify(join(ROOT, m))};`).join('\n'), resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['@aws-sdk/*'],
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain('lib/pipeline/etl-run.ts');
  expect(inputs.filter((path) => /lib\/warehouse\/local\/|pglite/.test(path))).toEqual([]);
});
