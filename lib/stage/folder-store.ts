/**
 * The stage's source and target as local folders laid out like the bucket: the source holds `song_data/…`
 * (listed with the COPY emulation's own prefix rules, so the stage reads exactly the files a local COPY
 * would), the target gets `song_data/part-*.json`, the record in `_stage/`, and everything else of the
 * source (the logs, the JSONPaths file) copied beside them, so `npm run etl -- --source <out>` loads it.
 *
 * The parts are written into `_stage/building-<generation>/` and swapped in by renames, the record last:
 * a stage that is interrupted leaves the previous parts and record in place.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors';
import { enter, entryKind } from '../warehouse/local/copy/folder-links';
import { S3Mounts } from '../warehouse/local/copy/s3-mounts';
import { parseRecord, recordKey, STAGE_FOLDER, type StageRecord } from './record';
import type { CatalogueSource, PartWriter, SourceObject, StageTarget } from './stores';

/** The bucket name the folder stands for while listing (any valid name: only keys are used). */
const FOLDER_BUCKET = 'local-folder';

export class FolderCatalogueSource implements CatalogueSource {
  readonly description: string;
  readonly name: string;
  readonly #root: string;

  constructor(root: string, name = 'song_data') {
    this.#root = resolve(root);
    if (!existsSync(this.#root) || !statSync(this.#root).isDirectory()) {
      throw new ConfigError(`The source folder ${this.#root} (--source) does not exist or is not a folder. Give a folder laid out like the bucket: song_data/, log_data/, log_json_path.json.`);
    }
    this.name = name;
    this.description = join(this.#root, name);
  }

  where(key: string): string {
    return join(this.#root, ...key.split('/'));
  }

  async *list(): AsyncIterable<SourceObject> {
    const mounts = new S3Mounts({ [FOLDER_BUCKET]: this.#root });
    for (const object of mounts.list(`s3://${FOLDER_BUCKET}/${this.name}`)) {
      const stat = statSync(object.path);
      yield { key: object.uri.slice(`s3://${FOLDER_BUCKET}/`.length), etag: `${stat.size}-${Math.round(stat.mtimeMs)}`, size: stat.size };
    }
  }

  async read(object: SourceObject): Promise<Uint8Array> {
    return readFile(this.where(object.key));
  }
}

export class FolderStageTarget implements StageTarget {
  readonly description: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
    this.description = this.#root;
  }

  async readRecord(name: string): Promise<StageRecord | undefined> {
    const file = join(this.#root, ...recordKey(name).split('/'));
    return existsSync(file) ? parseRecord(readFileSync(file, 'utf8')) : undefined;
  }

  async hasParts(record: StageRecord): Promise<boolean> {
    return record.parts.every((part) => {
      const file = join(this.#root, ...part.key.split('/'));
      return existsSync(file) && statSync(file).size === part.bytes;
    });
  }

  async begin(name: string, generation: string): Promise<PartWriter> {
    const stageDir = join(this.#root, STAGE_FOLDER);
    mkdirSync(stageDir, { recursive: true });
    // What an interrupted earlier stage left behind.
    for (const entry of readdirSync(stageDir)) {
      if (entry.startsWith('building-') || entry.startsWith('replaced-')) rmSync(join(stageDir, entry), { recursive: true, force: true });
    }
    const building = join(stageDir, `building-${generation}`);
    mkdirSync(building);
    const file = (index: number) => `part-${String(index).padStart(5, '0')}.json`;
    return {
      partsPrefix: `${name}/`,
      partKey: (index) => `${name}/${file(index)}`,
      put: async (index, body) => writeFileSync(join(building, file(index)), body),
      commit: async (record) => {
        const current = join(this.#root, name);
        const replaced = join(stageDir, `replaced-${process.pid}`);
        if (existsSync(current)) renameSync(current, replaced);
        renameSync(building, current);
        const recordFile = join(this.#root, ...recordKey(name).split('/'));
        writeFileSync(`${recordFile}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
        renameSync(`${recordFile}.tmp`, recordFile);
        rmSync(replaced, { recursive: true, force: true });
      },
    };
  }
}

/**
 * The target folder must be new, empty, or an earlier stage's output (it has `_stage/`): the stage replaces
 * its `song_data/`, which must never be someone's only copy of the songs.
 */
export function checkTargetFolder(source: string, out: string): void {
  const from = resolve(source);
  const to = resolve(out);
  if (from === to || to.startsWith(`${from}${sep}`) || from.startsWith(`${to}${sep}`)) {
    throw new ConfigError(`--out ${to} must be a folder outside the source ${from} (and not containing it): the stage writes a new copy of the bucket's layout.`);
  }
  if (existsSync(to)) {
    if (!statSync(to).isDirectory()) throw new ConfigError(`--out ${to} is a file; give a folder (new, empty, or an earlier stage's output).`);
    if (readdirSync(to).length > 0 && !existsSync(join(to, STAGE_FOLDER))) {
      throw new ConfigError(
        `--out ${to} is not empty and holds no earlier stage (${STAGE_FOLDER}/): the stage would replace its song_data/. Give a new or empty folder.`,
      );
    }
  }
}

/**
 * Copies everything of the source folder but the catalogue (the logs, the JSONPaths file, notes) into the
 * target, file by file, skipping files whose size and modification time already match. Returns the files copied.
 */
export function copyBeside(source: string, out: string, catalogue: string): number {
  const from = resolve(source);
  let copied = 0;
  // Symbolic links are followed, as the COPY emulation follows them: the copy holds the files they point at.
  const walk = (dir: string, inside: ReadonlySet<string>) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const key = relative(from, path).split(sep).join('/');
      // The catalogue's prefix as COPY reads it (song_data matches song_data_old/ too), and our own folder.
      if (key.startsWith(catalogue) || key === STAGE_FOLDER) continue;
      const target = join(out, ...key.split('/'));
      const kind = entryKind(path, entry);
      if (kind === 'directory') {
        mkdirSync(target, { recursive: true });
        walk(path, enter(path, inside));
      } else if (kind === 'file') {
        const stat = statSync(path);
        const have = existsSync(target) ? statSync(target) : undefined;
        if (have?.size === stat.size && Math.round(have.mtimeMs) === Math.round(stat.mtimeMs)) continue;
        copyFileSync(path, target);
        utimesSync(target, stat.atime, stat.mtime);
        copied++;
      }
    }
  };
  mkdirSync(out, { recursive: true });
  walk(from, enter(from, new Set()));
  return copied;
}
