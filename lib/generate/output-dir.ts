import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors';

/** The bundled real sample: never written into, and the source of the JSONPaths file. */
export const SAMPLE_DIR = resolve(__dirname, '../../data/sample');

/** What a generated source holds; `--force` removes exactly these before writing. */
const OWN_ENTRIES = ['song_data', 'log_data', 'log_json_path.json'];

/**
 * Makes `out` ready: created if missing; refused if it is a file, the bundled sample, or a non-empty
 * folder (unless `force`, which clears only the entries a generated source consists of).
 */
export function prepareOutputDir(out: string, force: boolean): void {
  const dir = resolve(out);
  const fromSample = relative(SAMPLE_DIR, dir);
  if (!fromSample.startsWith('..') && !isAbsolute(fromSample)) {
    throw new ConfigError(`--out ${out} is the bundled real sample (data/sample); choose another folder.`);
  }
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new ConfigError(`--out ${out} exists and is not a folder.`);
  const entries = stat ? readdirSync(dir) : [];
  if (entries.length > 0) {
    if (!force) {
      throw new ConfigError(
        `--out ${out} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}). ` +
          'Choose an empty or new folder, or pass --force to replace its song_data/, log_data/ and log_json_path.json.',
      );
    }
    for (const entry of OWN_ENTRIES) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}

/** Copies the sample's JSONPaths file, so `out` is a complete source for COPY … JSON 'log_json_path.json'. */
export function copyJsonPaths(out: string): number {
  const target = join(out, 'log_json_path.json');
  copyFileSync(join(SAMPLE_DIR, 'log_json_path.json'), target);
  return statSync(target).size;
}
