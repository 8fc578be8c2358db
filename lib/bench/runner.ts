/**
 * The bench's two kinds of child process: the data generator (once per seed and size, then reused) and the
 * ETL (a fresh process and a fresh, empty data dir for every run). Both run as `node --require tsx/cjs <script>`:
 * what `tsx <script>` runs, minus tsx's own launcher process, so the process measured is the one working.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peakRssBetween, runMeasured } from './measure';
import { type EtlRun, type EtlSummary, type GeneratorRun, stagesOf } from './report';

export interface RunnerContext {
  /** The repository root: scripts are run from there. */
  readonly root: string;
  /** Printed as the work goes on. */
  readonly log: (line: string) => void;
}

/** The environment the children get: this one without SPARKIFY_* settings, so every run reads the same sources. */
export function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPARKIFY_')));
}

export function tsxArgs(root: string, script: string, args: readonly string[]): string[] {
  return ['--require', 'tsx/cjs', join(root, 'scripts', script), ...args];
}

export interface GeneratedSet {
  readonly dir: string;
  readonly events: number;
  readonly songs: number;
  readonly generator: GeneratorRun;
}

/**
 * The generated set for these numbers, in `setsDir`: reused if an earlier run finished it (its record file
 * exists) unless `regenerate`, otherwise generated now and measured. The record sits beside the folder,
 * written last.
 */
export async function ensureGeneratedSet(
  ctx: RunnerContext,
  setsDir: string,
  spec: { readonly events: number; readonly songs: number; readonly seed: number },
  regenerate = false,
): Promise<GeneratedSet> {
  const name = `e${spec.events}-s${spec.songs}-seed${spec.seed}`;
  const dir = join(setsDir, name);
  const recordFile = `${dir}.generated.json`;
  if (regenerate) rmSync(recordFile, { force: true }); // the generator's --force replaces the files
  if (existsSync(recordFile) && existsSync(dir)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { generator: GeneratorRun };
    ctx.log(`  ${name}: reusing the generated set (generated ${record.generator.measuredAt})`);
    return { dir, events: spec.events, songs: spec.songs, generator: record.generator };
  }
  ctx.log(`  ${name}: generating ${spec.events.toLocaleString('en-US')} events, ${spec.songs.toLocaleString('en-US')} songs…`);
  const args = ['--events', String(spec.events), '--songs', String(spec.songs), '--seed', String(spec.seed)];
  const run = await runMeasured(process.execPath, tsxArgs(ctx.root, 'generate.ts', [...args, '--out', dir, '--force', '--quiet', '--json']), {
    cwd: ctx.root,
    env: childEnv(),
  });
  if (run.exitCode !== 0) {
    throw new Error(`The generator failed (exit ${run.exitCode ?? run.signal}): ${run.stderrLines.map((l) => l.text).join(' ')}`);
  }
  const summary = JSON.parse(run.stdout) as { bytes: number; files: number };
  const generator: GeneratorRun = {
    wallMs: Math.round(run.wallMs),
    cpuMs: run.cpuMs,
    peakRssBytes: run.peakRssBytes,
    bytes: summary.bytes,
    files: summary.files,
    measuredAt: new Date().toISOString(),
  };
  writeFileSync(recordFile, `${JSON.stringify({ generator, summary }, null, 2)}\n`);
  return { dir, events: spec.events, songs: spec.songs, generator };
}

/**
 * One ETL run in a new process over `source`, into `dataDir`, which is deleted first (a fresh warehouse).
 * Progress lines (one per finished step) time the stages and cut the RSS samples; the JSON summary gives
 * each step's time and rows and the process's exact peak RSS.
 */
export async function runEtl(ctx: RunnerContext, source: string, dataDir: string): Promise<EtlRun> {
  rmSync(dataDir, { recursive: true, force: true });
  const run = await runMeasured(process.execPath, tsxArgs(ctx.root, 'etl.ts', ['--json', '--source', source, '--data-dir', dataDir]), {
    cwd: ctx.root,
    env: childEnv(),
  });
  if (run.exitCode !== 0) {
    const stderr = run.stderrLines.map((l) => l.text).join('\n');
    throw new Error(`The ETL failed (exit ${run.exitCode ?? run.signal}) on ${source}:\n${stderr}`);
  }
  const summary = JSON.parse(run.stdout) as EtlSummary;
  const marks = run.stderrLines.filter((l) => l.text.trimStart().startsWith('✔ ')).map((l) => l.atMs);
  const stages = stagesOf(summary, run.wallMs, marks, (from, to) => peakRssBetween(run.samples, from, to));
  return {
    wallMs: Math.round(run.wallMs),
    cpuMs: run.cpuMs === null ? null : Math.round(run.cpuMs),
    peakRssBytes: summary.peakRssBytes,
    stages,
    warehouseBytes: diskUsage(dataDir),
    tables: summary.tables,
  };
}

/** Bytes a folder takes on disk, as du counts them (allocated blocks, links not followed). */
export function diskUsage(path: string): number {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return 0;
  }
  let bytes = stat.blocks * 512;
  if (stat.isDirectory()) for (const name of readdirSync(path)) bytes += diskUsage(join(path, name));
  return bytes;
}
