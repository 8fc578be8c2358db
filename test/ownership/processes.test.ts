/**
 * Real processes on one folder, as users start them (node --require tsx/cjs, as npm run does): two commands at
 * once, SIGKILL of the owner mid-load, and SIGINT/SIGTERM at several points of a run.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwner } from '../../lib/warehouse/local/folder-lock';
import { ensureTemplate } from '../../lib/warehouse/local/data-folder';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';
import { smallSource, start } from '../helpers/processes';

let scratch: string;
let oneDay: string;
let twoDays: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sparkify-procs-'));
  oneDay = smallSource(1);
  twoDays = smallSource(2);
  await ensureTemplate();
});
afterAll(() => [scratch, oneDay, twoDays].forEach((d) => rmSync(d, { recursive: true, force: true })));

const count = async (dataDir: string) => {
  const run = await start('query.ts', ['--data-dir', dataDir, '--csv', 'SELECT COUNT(*) AS n FROM songplays']).exited;
  expect(run.code).toBe(0);
  return Number(run.stdout.trim().split('\n')[1]);
};

test('ETL + ETL + query started together: one loads at a time, the others wait and say so, no stack trace', async () => {
  const dataDir = join(scratch, 'together');
  const runs = [
    start('etl.ts', ['--data-dir', dataDir, '--source', twoDays]),
    start('etl.ts', ['--data-dir', dataDir, '--source', twoDays]),
    start('query.ts', ['--data-dir', dataDir, '--wait', '120', 'SELECT COUNT(*) AS n FROM songplays']),
  ];
  const done = await Promise.all(runs.map((r) => r.exited));
  for (const d of done) expect(d.stderr).not.toMatch(/Unexpected error|\n\s+at /);
  expect(done[0]!.code).toBe(0);
  expect(done[1]!.code).toBe(0);
  // The query either ran first on an empty folder (there is no warehouse yet) or after a load.
  expect([0, 1]).toContain(done[2]!.code);
  expect(done.map((d) => d.stderr).join('\n')).toMatch(/Waiting for the local warehouse in .*(in use by|another load is running:) npm run (etl|query) \(pid \d+/);
  expect(readOwner(dataDir)).toBeUndefined();
});

/** Bytes of a folder, all its files; pg_wal aside (Postgres keeps at most max_wal_size of it and recycles its segments). */
function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'pg_wal') continue;
    const path = join(dir, entry.name);
    // A file may vanish while a live owner writes the folder.
    bytes += entry.isDirectory() ? folderBytes(path) : (statSync(path, { throwIfNoEntry: false })?.size ?? 0);
  }
  return bytes;
}

test('SIGKILL mid-run and mid-statement: the next run closes the dead run as killed, drops its build tables, frees its files; the folder is no larger than a clean run\'s', async () => {
  const dataDir = join(scratch, 'killed');
  expect((await start('etl.ts', ['--data-dir', dataDir, '--source', twoDays, '--quiet']).exited).code).toBe(0);
  const clean = folderBytes(dataDir);
  // A full run killed between its build and its publish: its *_next tables are built, its row says running.
  const victim = start('etl.ts', ['--data-dir', dataDir, '--source', twoDays]);
  await victim.waitFor(/✔ build star tables/);
  victim.child.kill('SIGKILL');
  expect((await victim.exited).signal).toBe('SIGKILL');
  expect(readOwner(dataDir)?.pid).toBe(victim.child.pid); // left behind by the dead owner
  // A statement killed while it writes a table: Postgres has written its file, and no table owns it.
  // (In a transaction that a slow count keeps open: the process is killed after the table is written, before the commit.)
  const writer = start('query.ts', [
    '--data-dir',
    dataDir,
    "BEGIN; CREATE TABLE killed_probe AS SELECT a.ts, REPEAT('x', 200) AS pad FROM staging_events AS a CROSS JOIN staging_events AS b CROSS JOIN staging_events AS c LIMIT 400000; " +
      'SELECT COUNT(*) FROM staging_events AS a CROSS JOIN staging_events AS b CROSS JOIN staging_events AS c CROSS JOIN staging_events AS d',
  ]);
  const writing = writer.exited.then(() => true);
  try {
    while (folderBytes(dataDir) < clean + 20 * 1048576) {
      expect(await Promise.race([writing, new Promise((resolve) => setTimeout(() => resolve(false), 50))])).toBe(false);
    }
  } finally {
    writer.child.kill('SIGKILL');
  }
  const killed = await writer.exited;
  expect(killed.signal).toBe('SIGKILL');
  // Any command that takes the folder over from a dead owner recovers it, and does not call the dead one running.
  expect(killed.stderr).toMatch(new RegExp(`^… npm run etl \\(pid ${victim.child.pid}\\) ended without closing the local warehouse .*; the folder is recovered\\.\n$`));

  const next = await start('etl.ts', ['--data-dir', dataDir, '--source', twoDays, '--date', '2018-11-01', '--no-wait']).exited;
  expect(next.code).toBe(0);
  expect(next.stderr).not.toMatch(/another load is running|in use by/);
  expect(next.stderr).toMatch(/npm run query \(pid \d+\) ended without closing the local warehouse .*, and \d+\.\d MB its unfinished transaction had written were freed\./);
  expect(next.stderr).toMatch(/closed 1 run in etl_runs whose process died before recording its end \(now status killed\), and dropped the build tables it left: .*songplays_next/);
  const warehouse = await LocalWarehouse.open({ dataDir, s3Folders: {} });
  try {
    expect(await warehouse.query("SELECT status, COUNT(*) AS n FROM etl_runs GROUP BY status ORDER BY status")).toEqual([
      { status: 'killed', n: 1 },
      { status: 'succeeded', n: 2 },
    ]);
    const left = await warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND (table_name LIKE '%\\_next' OR table_name LIKE '%\\_day' OR table_name = 'killed_probe')");
    expect(left).toEqual([]);
  } finally {
    await warehouse.close();
  }
  // A clean run's folder, give or take the catalogue's and the ledger's few pages.
  expect(folderBytes(dataDir)).toBeLessThan(clean + 1048576);
});

/** The newest etl_runs row: [status, whether it has an end time ('t'/'f'), message]. */
const lastRun = async (dataDir: string) => {
  const run = await start('query.ts', ['--data-dir', dataDir, '--json', "SELECT status, CASE WHEN ended_at IS NULL THEN 'f' ELSE 't' END AS ended, message FROM etl_runs ORDER BY started_at DESC LIMIT 1"]).exited;
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { rows: unknown[][] }).rows[0];
};

describe('interrupts at several points of a run', () => {
  let dataDir: string;
  let before: number;
  beforeAll(async () => {
    dataDir = join(scratch, 'interrupted');
    expect((await start('etl.ts', ['--data-dir', dataDir, '--source', oneDay, '--quiet']).exited).code).toBe(0);
    before = await count(dataDir);
  });

  // The last run is a --fresh one, interrupted after it dropped the leftovers and built the new tables:
  // the published tables must still be there (an atomic --fresh).
  test.each([
    ['SIGINT', /✔ create staging tables/, []],
    ['SIGTERM', /✔ load staging_events/, []],
    ['SIGINT', /✔ build star tables/, ['--fresh']],
  ] as const)('%s after %s %j: exit 130, rolled back, the previous tables untouched, the lock released', async (signal, point, flags) => {
    const run = start('etl.ts', ['--data-dir', dataDir, '--source', twoDays, ...flags]);
    await run.waitFor(point);
    run.child.kill(signal);
    const done = await run.exited;
    expect(done.code).toBe(130);
    expect(done.stderr).toMatch(new RegExp(`Interrupted \\(${signal}\\).*the previous tables are untouched\\.`));
    expect(done.stderr).not.toMatch(/✔ publish star tables|Unexpected error/);
    expect(readOwner(dataDir)).toBeUndefined();
    expect(await count(dataDir)).toBe(before);
    // The run's ledger row says it was interrupted (not left 'running', not 'failed'), with the reason.
    expect(await lastRun(dataDir)).toEqual(['interrupted', 't', expect.stringMatching(new RegExp(`^Interrupted \\(${signal}\\)`))]);
  });

  test('Ctrl-C during a long statement says at once it stops after it; a second quits at once (130), printing nothing; the next command recovers the folder', async () => {
    const run = start('query.ts', ['--data-dir', dataDir, '--csv', "SELECT 'ready' AS state; SELECT COUNT(*) AS n FROM pg_attribute AS a CROSS JOIN pg_attribute AS b CROSS JOIN pg_attribute AS c"]);
    // The first result printed, the second statement starts: it runs for minutes.
    await new Promise<void>((resolve) => run.child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGINT');
    await run.waitFor(/Interrupted \(SIGINT\): stopping after the statement running now\. Press Ctrl-C again to quit at once/);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second press, not the first delivered twice
    const second = performance.now();
    run.child.kill('SIGINT');
    const done = await run.exited;
    expect(performance.now() - second).toBeLessThan(5000); // the statement alone runs for minutes
    expect(done.code).toBe(130);
    expect(done.stdout).toBe('state\r\nready\r\n'); // the long statement's result never printed
    expect(done.stderr).toMatch(/Interrupted again \(SIGINT\): quitting now; the next command recovers the warehouse folder\.\n$/);
    expect(readOwner(dataDir)?.pid).toBe(run.child.pid); // left as a kill leaves it
    expect(await count(dataDir)).toBe(before);
  });

  test('SIGINT once the tables are published: the run finishes (its ledger row too) and exits 0, saying so if the signal came in time', async () => {
    const run = start('etl.ts', ['--data-dir', dataDir, '--source', twoDays]);
    await run.waitFor(/✔ publish star tables/);
    run.child.kill('SIGINT');
    const done = await run.exited;
    expect(done.code).toBe(0);
    if (/Interrupted/.test(done.stderr)) expect(done.stderr).toMatch(/the new tables were published before the interrupt/);
    expect(await count(dataDir)).toBeGreaterThan(before);
    const ledger = await start('query.ts', ['--data-dir', dataDir, '--csv', 'SELECT status FROM etl_runs ORDER BY started_at DESC LIMIT 1']).exited;
    expect(ledger.stdout.trim().split('\n')[1]).toBe('succeeded');
  });
});
