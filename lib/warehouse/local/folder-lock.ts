/**
 * One owner per local data folder. PGlite is one process's database: two processes that open the same
 * folder corrupt it (Postgres refuses that with postmaster.pid, DuckDB with a file lock). Whatever opens a
 * local warehouse first takes this lock; everyone else reaches the warehouse through the owner (when it is
 * `npm run serve`) or waits for it.
 *
 * The lock is a file in the data folder, created with link(2), which fails if the name exists: atomic on a
 * local file system, and the file is complete the moment it is visible (it is written under another name
 * first). It holds the owner's pid, command, start time and, on Linux, the kernel's start time of that
 * process, so a lock left by a process that died (SIGKILL, a crash, a power cut) is recognised — the pid is
 * gone, or belongs to a process started later — and taken over instead of honoured forever.
 *
 * Why not proper-lockfile: it detects stale locks by an mtime the owner must keep refreshing from a timer,
 * and PGlite blocks the event loop for as long as a statement runs (seconds on a large load), so a busy
 * owner would look dead. A pid is exact on one machine, which is the only place a PGlite folder is shared.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';

/** The owner's lock file inside the data folder. */
export const LOCK_FILE = 'sparkify-owner.lock';
/** Held by an ETL run, so that two never load at once, also when both go through `npm run serve`. */
export const WRITER_LOCK_FILE = 'sparkify-writer.lock';

/** Who holds a data folder. */
export interface LockOwner {
  readonly pid: number;
  /** What the owner runs, for people: `npm run etl`. */
  readonly command: string;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
  /** The kernel's start time of the process (Linux), so a reused pid is not mistaken for the owner. */
  readonly processStart?: string;
  /** Unique per acquisition: the owner removes the lock only if it is still its own. */
  readonly token: string;
  /** Set by `npm run serve`: where the warehouse is served, so others go through it instead of waiting. */
  readonly serving?: { readonly host: string; readonly port: number };
}

export interface FolderLock {
  readonly owner: LockOwner;
  /**
   * The owner before this one, when it died holding the lock (SIGKILL, a crash, a second Ctrl-C): what it
   * was doing may have left debris in the folder (data-folder.ts removes it).
   */
  readonly tookOverFrom?: LockOwner;
  /** Records where the owner serves the warehouse (atomically: readers see the old or the new content). */
  announceServing(host: string, port: number): void;
  /** Removes the lock if it is still this one's. Safe to call twice. */
  release(): void;
}

/** The lock is taken, or the folder is busy and this is its owner. */
export type LockAttempt = { readonly lock: FolderLock } | { readonly busy: LockOwner };

/** Locks held by this process, released when it exits however it exits (short of SIGKILL, which others detect). */
const held = new Set<FolderLock>();
let exitHookInstalled = false;

/** Takes the lock `file` in `dataDir` (which must exist) if it is free or its holder died; never waits. */
export function tryLock(dataDir: string, command: string = commandName(), file: string = LOCK_FILE): LockAttempt {
  const path = join(dataDir, file);
  let dead: LockOwner | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString(), processStart: processStart(process.pid), token: randomUUID() };
    if (createExclusive(path, owner)) return { lock: heldLock(path, owner, dead) };
    const current = readOwner(dataDir, file);
    if (current === undefined) continue; // released (or unreadable and removed) meanwhile: try again
    if (isAlive(current)) return { busy: current };
    removeStale(path, current);
    dead = current;
  }
  // Five rounds lost to other processes taking, releasing or taking over the folder: report it busy, and
  // let the caller try again after a pause.
  return { busy: readOwner(dataDir, file) ?? UNKNOWN_OWNER };
}

/** The owner while the lock file cannot be read yet (another process is replacing it). */
const UNKNOWN_OWNER: LockOwner = { pid: 0, command: 'another process', since: new Date(0).toISOString(), token: '' };

/**
 * The lock's owner, or undefined if there is none. A lock file that cannot be read as one (a foreign or
 * truncated file) older than a few seconds is removed: link(2) never exposes a half-written lock, so only
 * something other than this module could have left it.
 */
export function readOwner(dataDir: string, file: string = LOCK_FILE): LockOwner | undefined {
  const path = join(dataDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (Number.isSafeInteger(owner.pid) && typeof owner.token === 'string') return owner;
  } catch {
    // fall through
  }
  try {
    if (Date.now() - statSync(path).mtimeMs > 5000) rmSync(path, { force: true });
  } catch {
    // gone already
  }
  return undefined;
}

/** Whether the process that took the lock still runs (and is that process, not a later one with its pid). */
export function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: a process of another user has the pid; it is alive, and may be the owner.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie (killed, not yet reaped by its parent) still answers kill(pid, 0) and keeps its start time.
  if (processState(owner.pid) === 'Z' || processState(owner.pid) === 'X') return false;
  if (owner.processStart === undefined) return true;
  const now = processStart(owner.pid);
  return now === undefined || now === owner.processStart;
}

/** `npm run etl` for scripts/etl.ts; the script's path otherwise. */
export function commandName(argv: readonly string[] = process.argv): string {
  const script = argv.find((a, i) => i > 0 && /\.(ts|js|mjs|cjs)$/.test(a));
  if (script === undefined) return `node (${argv.slice(1).join(' ') || 'no script'})`;
  const name = basename(script).replace(/\.(ts|js|mjs|cjs)$/, '');
  return /[\\/]scripts[\\/][^\\/]+$/.test(script) ? `npm run ${name}` : name;
}

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot; undefined off Linux. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Field 3 of /proc/<pid>/stat: R, S, D, Z (zombie), X (dead)…; undefined off Linux. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function createExclusive(path: string, owner: LockOwner): boolean {
  const temporary = `${path}.${process.pid}.${owner.token}`;
  writeWhole(temporary, owner);
  try {
    linkSync(temporary, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function writeWhole(path: string, owner: LockOwner): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a dead owner's lock. Two waiters may find the same stale lock, and one may already have replaced
 * it with its own by the time the other acts: so removals take turns under a second lock file (made the
 * same way), and each re-reads the lock under it and removes it only if it is still the dead owner's.
 * That second lock is held for microseconds; if its holder died in them, it is removed the same way.
 */
function removeStale(path: string, stale: LockOwner): void {
  const guard = `${path}.takeover`;
  const me: LockOwner = { pid: process.pid, command: 'takeover', since: new Date().toISOString(), processStart: processStart(process.pid), token: randomUUID() };
  if (!createExclusive(guard, me)) {
    const other = readOwnerAt(guard);
    if (other === undefined || !isAlive(other)) rmSync(guard, { force: true });
    return; // the caller tries again
  }
  try {
    if (readOwnerAt(path)?.token === stale.token) unlinkSync(path);
  } finally {
    rmSync(guard, { force: true });
  }
}

function heldLock(path: string, initial: LockOwner, tookOverFrom?: LockOwner): FolderLock {
  let owner = initial;
  let released = false;
  const lock: FolderLock = {
    get owner() {
      return owner;
    },
    tookOverFrom,
    announceServing(host, port) {
      owner = { ...owner, serving: { host, port } };
      const temporary = `${path}.${process.pid}.serving`;
      writeWhole(temporary, owner);
      renameSync(temporary, path);
    },
    release() {
      if (released) return;
      released = true;
      held.delete(lock);
      try {
        if (readOwnerAt(path)?.token === owner.token) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
  held.add(lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const l of [...held]) l.release();
    });
  }
  return lock;
}

function readOwnerAt(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}
