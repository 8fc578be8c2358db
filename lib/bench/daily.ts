/**
 * The daily-load measurement (npm run bench -- --daily): one more day loaded over a history of events, the
 * same day over every history, so that what grows with the history shows. The history is a generated set's
 * first 29 days, loaded once by a full run; the day is the 1M set's 30th (about 33,000 events). Each round
 * copies the loaded history and loads the day into the copy twice with --date, each in a fresh process:
 * first as a new day (what a daily run does), then again (a re-run, which replaces the day's rows).
 *
 * Written data is flushed to disk (sync) before each timed run: the full load writes hundreds of megabytes,
 * and a day timed while the kernel still writes them back measures that write-back, not the day.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runMeasured } from './measure';
import { childEnv, type RunnerContext, runEtl, tsxArgs } from './runner';

export const NEW_DAY = '2018-11-30';

export interface DailyRun {
  /** A new day (not loaded before), or the same day loaded again. */
  readonly kind: 'new day' | 're-run';
  /** The whole `npm run etl -- --date` process, start to exit. */
  readonly wallMs: number;
  /** The day's load inside it (COPY to publish), as its summary reports. */
  readonly loadMs: number;
  readonly events: number;
}

export interface DailyResult {
  readonly history: string;
  readonly historyEvents: number;
  readonly fullRunWallMs: number;
  readonly runs: readonly DailyRun[];
}

/**
 * A source folder: the history set's catalogue (copied) and links to its log files but the new day's, which comes from
 * `daySet` and is linked only once the history is loaded.
 */
function linkSource(dir: string, historySet: string): void {
  rmSync(dir, { recursive: true, force: true });
  const logs = join(dir, 'log_data', '2018', '11');
  mkdirSync(logs, { recursive: true });
  // The local COPY lists real folders (a link to a folder reads as a file), so the catalogue is copied.
  cpSync(join(historySet, 'song_data'), join(dir, 'song_data'), { recursive: true });
  symlinkSync(join(historySet, 'log_json_path.json'), join(dir, 'log_json_path.json'));
  for (const name of readdirSync(join(historySet, 'log_data', '2018', '11'))) {
    if (!name.startsWith(NEW_DAY)) symlinkSync(join(historySet, 'log_data', '2018', '11', name), join(logs, name));
  }
}

/** Writes everything the kernel still holds to disk; where there is no `sync` command, nothing. */
function flushWrites(): void {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // not on this system: the runs are timed without it
  }
}

export async function measureDaily(ctx: RunnerContext, work: string, history: { label: string; set: string }, daySet: string, rounds: number): Promise<DailyResult> {
  const source = join(work, `${history.label}-source`);
  const historyDir = join(work, `${history.label}-history`);
  const dataDir = join(work, `${history.label}-warehouse`);
  linkSource(source, history.set);
  ctx.log(`  ${history.label}: loading the history (full run)…`);
  const full = await runEtl(ctx, source, historyDir);
  const historyEvents = full.stages.find((s) => s.stage === 'load events')?.rows ?? 0;
  const dayFile = `${NEW_DAY}-events.json`;
  symlinkSync(join(daySet, 'log_data', '2018', '11', dayFile), join(source, 'log_data', '2018', '11', dayFile));
  const runs: DailyRun[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      rmSync(dataDir, { recursive: true, force: true });
      cpSync(historyDir, dataDir, { recursive: true });
      for (const kind of ['new day', 're-run'] as const) {
        flushWrites();
        const run = await runMeasured(process.execPath, tsxArgs(ctx.root, 'etl.ts', ['--json', '--source', source, '--data-dir', dataDir, '--date', NEW_DAY]), {
          cwd: ctx.root,
          env: childEnv(),
        });
        if (run.exitCode !== 0) throw new Error(`The daily load failed (exit ${run.exitCode ?? run.signal}): ${run.stderrLines.map((l) => l.text).join('\n')}`);
        const summary = JSON.parse(run.stdout) as { days: { ms: number; rows: Record<string, number> }[] };
        const day = summary.days[0]!;
        runs.push({ kind, wallMs: Math.round(run.wallMs), loadMs: day.ms, events: day.rows['staging_events'] ?? 0 });
        ctx.log(
          `  ${history.label}: ${NEW_DAY} (${day.rows['staging_events']} events) over ${historyEvents} events, ${kind}: ` +
            `${(run.wallMs / 1000).toFixed(2)} s process, ${(day.ms / 1000).toFixed(2)} s load`,
        );
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(historyDir, { recursive: true, force: true });
  }
  return { history: history.label, historyEvents, fullRunWallMs: full.wallMs, runs };
}
