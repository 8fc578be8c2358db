/**
 * A local warehouse's data folder: which folders may become one, the template a new one is copied from, and
 * opening the PGlite database in it under the folder's lock (folder-lock.ts). Both the warehouse (one
 * process) and `npm run serve` (the warehouse for many) open their folder here.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../config';
import { ConfigError, SparkifyError } from '../../errors';
import { type FolderLock, LOCK_FILE, type LockOwner, tryLock, WRITER_LOCK_FILE } from './folder-lock';
import { onInterrupt, throwIfInterrupted } from '../../interrupts';
import { removeOrphanFiles } from './orphan-files';
import { loadPglite, type PGlite, type PgliteModule } from './pglite';

/** Written into a folder when it becomes a local warehouse: what tells it apart from a folder of the user's. */
export const MARKER_FILE = 'SPARKIFY_WAREHOUSE';

/** The installed PGlite's version. */
export const PGLITE_VERSION = (
  JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Rows come back as the Data API returns them: numbers, booleans, and text for timestamps and decimals. */
const asText = (value: string) => value;
export function parsersOf({ types }: PgliteModule) {
  return {
    [types.TIMESTAMP]: asText,
    [types.TIMESTAMPTZ]: asText,
    [types.DATE]: asText,
    [types.TIME]: asText,
    [types.NUMERIC]: asText,
    [types.INT8]: Number,
  };
}

/**
 * Postgres settings for the embedded server (not written to its configuration file):
 * - work_mem: sorts and hashes of a million-row build stay in memory (the default, 4 MB, spills them to
 *   temporary files); Postgres gives hashes twice this. It is a ceiling per operation, not an allocation.
 * - wal_level=minimal (which needs max_wal_senders=0): a table created, or emptied, in the same transaction
 *   as the rows that fill it is written without a WAL copy of every row. The star tables are built that
 *   way, and COPY into an empty table truncates it first. Nothing here replicates or archives WAL.
 */
const SESSION_SETTINGS = ['work_mem=64MB', 'wal_level=minimal', 'max_wal_senders=0'];

/**
 * initdb options for a new warehouse, beyond PGlite's own. Data checksums off (Postgres 18 turns them on by
 * default): with them, the first read of a freshly built table also writes a copy of each of its pages to
 * the WAL, to mark its rows committed; that was over a second of a 1M-event run. What checksums guard
 * against, a page damaged on disk, costs little here: every run rebuilds the mart from its sources.
 */
const INITDB_ARGS = ['--no-data-checksums'];

/** How long to wait for a busy folder, and where to say so. */
export interface WaitOptions {
  /** 0 fails at once when the folder is busy. */
  readonly timeoutMs: number;
  /** Lines saying who holds the folder, while waiting. @default dropped */
  readonly onWaiting?: (line: string) => void;
}

/** A few minutes: a sample load takes seconds, a million events well under a minute. */
export const DEFAULT_WAIT_S = 300;

/**
 * Where new warehouses are copied from: an empty, cleanly shut down database made once by initdb (2–3 s and
 * 900 MB of memory under WebAssembly), named for the PGlite version (a database only opens in the version
 * that made it) and for how initdb made it. It lives in the project's own git-ignored state, never beside a
 * folder the user chose. Copying it and starting Postgres on the copy takes a fraction of initdb's time.
 */
export function templatePath(): string {
  return join(PROJECT_ROOT, '.warehouse', 'templates', `pglite-${PGLITE_VERSION}-nochecksums-empty`);
}

/** Makes the template folder at `path` unless it is there; true if it made it. Atomic: a folder half made is never used. */
export async function ensureTemplate(path: string = templatePath()): Promise<boolean> {
  if (existsSync(join(path, 'PG_VERSION'))) return false;
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const { PGlite } = await loadPglite();
  const db = await PGlite.create({ dataDir: partial, initDbStartParams: INITDB_ARGS });
  await db.close();
  try {
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(path, 'PG_VERSION'))) throw e; // another process made it first: fine
  }
  return true;
}

/**
 * Refuses a folder that is neither empty nor a local warehouse, as initdb refuses a non-empty folder: the
 * warehouse would write a database into it, and `--fresh` would have the user's files beside its tables.
 * A folder with PG_VERSION but no marker is a warehouse made before the marker existed.
 */
export function assertWarehouseFolder(dataDir: string, from = '--data-dir'): void {
  if (!existsSync(dataDir)) return;
  if (!statSync(dataDir).isDirectory()) {
    throw new ConfigError(`${dataDir} (${from}) is a file, not a folder. Give a new or empty folder, or one that holds a local warehouse.`);
  }
  // The lock files alone: another command has just taken a new folder and not yet written its marker.
  const names = readdirSync(dataDir).filter((n) => ![LOCK_FILE, WRITER_LOCK_FILE].some((lock) => n === lock || n.startsWith(`${lock}.`)));
  if (names.length === 0 || names.includes(MARKER_FILE) || names.includes('PG_VERSION')) return;
  throw new ConfigError(
    `${dataDir} (${from}) is not empty and is not a local warehouse (it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}). ` +
      'The warehouse keeps a whole database in its folder; give a new or empty folder, or the folder of an existing local warehouse.',
  );
}

/** Who owns a folder and where it serves it, when it does. */
export type Ownership = { readonly lock: FolderLock } | { readonly served: LockOwner & { serving: NonNullable<LockOwner['serving']> } };

/**
 * Takes the folder's lock (`writer`: the lock ETL runs take, so that two never load at once even through a
 * server), waiting up to `wait.timeoutMs` while another process holds it. For the owner lock, a folder
 * served by `npm run serve` is returned as such instead of waited for. Ctrl-C stops the waiting.
 */
export async function acquire(dataDir: string, wait: WaitOptions, kind: 'owner' | 'writer' = 'owner'): Promise<Ownership> {
  const file = kind === 'owner' ? LOCK_FILE : WRITER_LOCK_FILE;
  const started = Date.now();
  let lastSaid = 0;
  for (;;) {
    throwIfInterrupted('while waiting for the local warehouse; nothing was changed');
    const attempt = tryLock(dataDir, undefined, file);
    if ('lock' in attempt) return attempt;
    const owner = attempt.busy;
    if (kind === 'owner' && owner.serving !== undefined) return { served: { ...owner, serving: owner.serving } };
    const waited = Date.now() - started;
    const who = `${owner.command} (pid ${owner.pid}, since ${new Date(owner.since).toLocaleTimeString('en-GB')})`;
    if (waited >= wait.timeoutMs) {
      throw new SparkifyError(
        `The local warehouse in ${dataDir} is in use by ${who}` +
          `${wait.timeoutMs === 0 ? ' and --no-wait was given' : `; gave up after waiting ${Math.round(waited / 1000)} s`}. ` +
          'One process at a time owns a local warehouse: wait for that one to finish and run this again, give --wait <seconds> ' +
          'to wait longer, or start npm run serve, through which etl, query and analytics share the warehouse.',
        2,
      );
    }
    if (lastSaid === 0 || Date.now() - lastSaid >= 15000) {
      lastSaid = Date.now();
      wait.onWaiting?.(
        `Waiting for the local warehouse in ${dataDir}: ${kind === 'owner' ? 'it is in use by' : 'another load is running:'} ${who}; ` +
          `waited ${Math.round(waited / 1000)} s of at most ${Math.round(wait.timeoutMs / 1000)} s (--wait <seconds>, --no-wait).`,
      );
    }
    await pause(100);
  }
}

/**
 * Opens the PGlite database in `dataDir` for the holder of its lock: a new folder gets the marker and a
 * copy of the template (or initdb when no template can be made); PG_VERSION is copied last, so a copy cut
 * short is recognised as unfinished and made again.
 */
export async function openDatabase(dataDir: string, template?: string, onProgress?: (line: string) => void): Promise<PGlite> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    writeFileSync(join(dataDir, MARKER_FILE), 'A Sparkify local warehouse (PGlite). Delete the whole folder to start again.\n');
    for (const name of readdirSync(dataDir)) {
      // An unfinished copy from an earlier run: start again from the template.
      if (name !== MARKER_FILE && name !== LOCK_FILE && name !== WRITER_LOCK_FILE && !name.startsWith(`${LOCK_FILE}.`)) {
        rmSync(join(dataDir, name), { recursive: true, force: true });
      }
    }
    const from = template ?? (await templateIfPossible(onProgress));
    if (from !== undefined && existsSync(join(from, 'PG_VERSION'))) {
      cpSync(from, dataDir, { recursive: true, filter: (src) => resolve(src) !== resolve(from, 'PG_VERSION') });
      cpSync(join(from, 'PG_VERSION'), join(dataDir, 'PG_VERSION'));
    }
  } else if (!existsSync(join(dataDir, MARKER_FILE))) {
    writeFileSync(join(dataDir, MARKER_FILE), 'A Sparkify local warehouse (PGlite). Delete the whole folder to start again.\n');
  }
  const pglite = await loadPglite();
  try {
    // relaxedDurability: flush to disk after each query without waiting; a crash loses at most the last run,
    // which the next run rebuilds anyway (Postgres's recovery replays the WAL when the folder is next opened).
    return await pglite.PGlite.create({
      dataDir,
      relaxedDurability: true,
      parsers: parsersOf(pglite),
      initDbStartParams: INITDB_ARGS,
      startParams: [...pglite.PGlite.defaultStartParams, ...SESSION_SETTINGS.flatMap((setting) => ['-c', setting])],
    });
  } catch (e) {
    throw new SparkifyError(
      `Could not open the local warehouse in ${dataDir}: ${(e as Error).message}. No other process had it open (this one holds ` +
        'its lock), so the folder is damaged: delete it and run npm run etl again to rebuild the warehouse from its sources.',
      1,
      { cause: e },
    );
  }
}

/**
 * After taking the folder over from an owner that died holding it: Postgres has replayed its log when the
 * database opened, and the files of the transaction the owner was in are removed (orphan-files.ts). Its
 * ledger row and build tables are closed and dropped by the next ETL run (lib/pipeline/run-ledger.ts).
 */
export async function recoverAfter(dead: LockOwner, db: PGlite, dataDir: string, onProgress?: (line: string) => void): Promise<void> {
  const freed = await removeOrphanFiles(db, dataDir);
  onProgress?.(
    `${dead.command} (pid ${dead.pid}) ended without closing the local warehouse (killed, or quit at a second Ctrl-C); ` +
      `the folder is recovered${freed > 0 ? `, and ${(freed / 1048576).toFixed(1)} MB its unfinished transaction had written were freed` : ''}.`,
  );
}

/** The template, made now if it is not there yet; undefined if it cannot be made (then initdb runs). */
async function templateIfPossible(onProgress?: (line: string) => void): Promise<string | undefined> {
  if (!existsSync(join(templatePath(), 'PG_VERSION'))) {
    onProgress?.(`making the empty-database template in ${templatePath()} (once per checkout: a few seconds)`);
  }
  try {
    await ensureTemplate();
    return templatePath();
  } catch {
    return undefined; // a read-only project folder, a full disk: initdb then, as without a template
  }
}

/** Resolves after `ms`, or at once on Ctrl-C. */
function pause(ms: number): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    const stop = onInterrupt(finish);
    function finish() {
      clearTimeout(timer);
      stop();
      done();
    }
  });
}
