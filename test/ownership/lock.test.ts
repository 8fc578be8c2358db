/**
 * One owner per data folder: the lock itself, the folder guard, and ETL + query, ETL + analytics and
 * ETL + ETL started together, round after round, on one folder (in this process: every opener takes the same lock
 * file a separate process would, and waits for it the same way; test/ownership/processes.test.ts does it
 * with real processes).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerQuestions, assertLoaded } from '../../lib/analytics/answer-questions';
import { QUESTIONS } from '../../lib/analytics/questions';
import { DEFAULT_SOURCES } from '../../lib/config';
import { SparkifyError } from '../../lib/errors';
import { countAll, runPipeline } from '../../lib/pipeline/pipeline';
import { acquire, assertWarehouseFolder, ensureTemplate, MARKER_FILE } from '../../lib/warehouse/local/data-folder';
import { LOCK_FILE, readOwner, tryLock, WRITER_LOCK_FILE } from '../../lib/warehouse/local/folder-lock';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';
import { smallSource } from '../helpers/processes';

let scratch: string;
let source: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sparkify-lock-'));
  source = smallSource(1);
  await ensureTemplate();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(source, { recursive: true, force: true });
});

const folder = (name: string) => {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the folder lock', () => {
  test('a second taker finds the folder busy and learns who owns it; after release it is free', () => {
    const dir = folder('busy');
    const first = tryLock(dir, 'npm run etl');
    if (!('lock' in first)) throw new Error('the first taker must get the lock');
    const second = tryLock(dir, 'npm run query');
    expect(second).toEqual({ busy: expect.objectContaining({ pid: process.pid, command: 'npm run etl' }) });
    first.lock.release();
    const third = tryLock(dir, 'npm run query');
    expect('lock' in third).toBe(true);
    if ('lock' in third) third.lock.release();
    expect(readOwner(dir)).toBeUndefined();
  });

  test("a dead owner's lock is taken over, not honoured", () => {
    const dir = folder('stale');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), command: 'npm run etl', since: new Date().toISOString(), token: 'dead' }));
    const attempt = tryLock(dir, 'npm run query');
    expect('lock' in attempt).toBe(true);
    if ('lock' in attempt) {
      expect(readOwner(dir)!.token).toBe(attempt.lock.owner.token);
      attempt.lock.release();
    }
  });

  test('a live pid whose process started at another time (a reused pid) is not the owner', () => {
    const dir = folder('reused');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, processStart: '1', command: 'npm run etl', since: new Date().toISOString(), token: 'old' }));
    const attempt = tryLock(dir, 'npm run query');
    expect('lock' in attempt).toBe(true);
    if ('lock' in attempt) attempt.lock.release();
  });

  test('--no-wait fails at once with exit 2 naming the owner; --wait gives up after its time, with progress', async () => {
    const dir = folder('wait');
    const held = tryLock(dir, 'npm run etl');
    if (!('lock' in held)) throw new Error('unexpected');
    const error = await acquire(dir, { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkifyError);
    expect((error as SparkifyError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/in use by npm run etl \(pid \d+, since \d\d:\d\d:\d\d\) and --no-wait was given/);
    const lines: string[] = [];
    const started = Date.now();
    const late = await acquire(dir, { timeoutMs: 300, onWaiting: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((late as SparkifyError).exitCode).toBe(2);
    expect((late as Error).message).toMatch(/gave up after waiting/);
    expect(lines[0]).toMatch(/^Waiting for the local warehouse in .*: it is in use by npm run etl \(pid/);
    held.lock.release();
  });
});

describe('the data folder is the warehouse\'s alone', () => {
  test('a non-empty folder that is not a warehouse is refused with exit 2, and left as it was', async () => {
    const dir = folder('mine');
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    const error = await LocalWarehouse.open({ dataDir: dir, s3Folders: {} }).catch((e: unknown) => e);
    expect((error as SparkifyError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/is not empty and is not a local warehouse \(it holds thesis.docx\)/);
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim()).toBe('thesis.docx');
  });

  test("a new folder holding only another command's lock files (taken, not yet marked) is not refused", () => {
    const dir = folder('just-taken');
    for (const name of [WRITER_LOCK_FILE, LOCK_FILE, `${LOCK_FILE}.123.token`, `${WRITER_LOCK_FILE}.takeover`]) writeFileSync(join(dir, name), '{}');
    expect(() => assertWarehouseFolder(dir)).not.toThrow();
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    expect(() => assertWarehouseFolder(dir)).toThrow(/is not empty and is not a local warehouse \(it holds thesis.docx/);
  });

  test('a new warehouse is marked as one, and its template is not beside it', async () => {
    const parent = folder('new');
    const dir = join(parent, 'pgdata');
    const warehouse = await LocalWarehouse.open({ dataDir: dir, s3Folders: {} });
    await warehouse.close();
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout.trim()).toBe('pgdata');
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toContain(MARKER_FILE);
  });
});

/**
 * The 20 rounds on a one-day source: each round opens PGlite two or three times, which is most of its
 * cost (about 1.7 s a round with the machine busy, 33 s for the 20); SPARKIFY_TEST_ROUNDS sets another number.
 */
const ROUNDS = Number(process.env['SPARKIFY_TEST_ROUNDS'] ?? 20);

test(`ETL + query, ETL + analytics and ETL + ETL started together, ${ROUNDS} rounds: each waits its turn, nothing breaks`, async () => {
  const dataDir = folder('rounds');
  const sources = DEFAULT_SOURCES;
  const s3Folders = { 'udacity-dend': source };
  const wait = { timeoutMs: 60000 };
  const etl = async () => {
    const w = await LocalWarehouse.open({ dataDir, s3Folders, wait, writer: true });
    try {
      return (await runPipeline(w, { sources })).tables.songplays;
    } finally {
      await w.close();
    }
  };
  const read = async <T>(work: (w: LocalWarehouse) => Promise<T>) => {
    const w = await LocalWarehouse.open({ dataDir, s3Folders, wait, mustExist: true });
    try {
      return await work(w);
    } finally {
      await w.close();
    }
  };
  const expected = await etl();
  expect(expected).toBeGreaterThan(0);
  for (let round = 0; round < ROUNDS; round++) {
    const kind = round % 3;
    const results = await Promise.all([
      etl(),
      kind === 0
        ? read(async (w) => (await w.query<{ n: number }>('SELECT COUNT(*) AS n FROM songplays'))[0]!.n)
        : kind === 1
          ? read(async (w) => (await assertLoaded(w)).songplays + 0 * (await answerQuestions(w, QUESTIONS.slice(0, 3))).length)
          : etl(),
    ]);
    expect(results).toEqual([expected, expected]);
  }
  // The folder opens afterwards, holds the last published tables, and takes a fresh ETL.
  const w = await LocalWarehouse.open({ dataDir, s3Folders });
  try {
    expect((await countAll(w)).songplays).toBe(expected);
    expect((await runPipeline(w, { sources, fresh: true })).tables.songplays).toBe(expected);
  } finally {
    await w.close();
  }
  expect(readOwner(dataDir)).toBeUndefined();
});
