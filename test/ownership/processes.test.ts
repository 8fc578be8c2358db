/**
 * Real processes on one folder, as users start them (node --require tsx/cjs, as npm run does): two commands at
 * once, SIGKILL of the owner mid-load, and SIGINT/SIGTERM at several points of a run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwner } from '../../lib/warehouse/local/folder-lock';
import { ensureTemplate } from '../../lib/warehouse/local/data-folder';
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

test('SIGKILL of the owner mid-load: the next run takes the folder over, Postgres recovers it, and the run passes', async () => {
  const dataDir = join(scratch, 'killed');
  const victim = start('etl.ts', ['--data-dir', dataDir, '--source', twoDays]);
  await victim.waitFor(/✔ load staging_songs/);
  victim.child.kill('SIGKILL');
  expect((await victim.exited).signal).toBe('SIGKILL');
  expect(readOwner(dataDir)?.pid).toBe(victim.child.pid); // left behind by the dead owner
  const next = await start('etl.ts', ['--data-dir', dataDir, '--source', twoDays, '--no-wait']).exited;
  expect(next.stderr).toMatch(/Done in/);
  expect(next.code).toBe(0);
  expect(await count(dataDir)).toBeGreaterThan(0);
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
