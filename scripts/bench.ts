/**
 * npm run bench — the local ETL's speed and memory over the bundled sample and generated sets. The work is
 * in lib/bench; this file reads flags, runs the sizes in order and writes the JSON and Markdown results.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { runCli, userPath } from '../lib/cli';
import { ConfigError, SparkifyError } from '../lib/errors';
import { DEFAULT_SOURCE_DIR, PROJECT_ROOT } from '../lib/config';
import { type BenchReport, type EtlRun, fastest, formatMb, formatSeconds, markdownReport, median, type SizeResult } from '../lib/bench/report';
import { ensureGeneratedSet, runEtl, type RunnerContext } from '../lib/bench/runner';
import { measureDaily } from '../lib/bench/daily';
import { DEFAULT_SIZES, parseSizes } from '../lib/bench/sizes';
import { benchStaging, stageMarkdown } from '../lib/bench/stage-bench';
import { ensureTemplate, templatePath } from '../lib/warehouse/local/data-folder';

const BENCH_DIR = join(PROJECT_ROOT, '.bench');

const program = new Command('npm run bench --')
  .description(
    'Run the local ETL over the bundled sample and generated data sets, each run in a fresh process with a ' +
      'fresh data dir, and report per stage (create, load songs, load events, transform, checks) the time, ' +
      'rows per second and peak memory, the warehouse size on disk, and the generator\'s time and memory. ' +
      'Generated sets are kept in .bench/sets and reused.',
  )
  .option('--sizes <list>', 'sample and/or numbers of events (k, m suffixes)', DEFAULT_SIZES)
  .option('--songs <n>', 'catalogue songs in generated sets', '15000')
  .option('--seed <n>', 'generator seed', '1')
  .option('--repeat <n>', 'runs per size; the fastest is reported, all are kept (--daily: rounds, 3 by default)', '1')
  .option('--out <file>', 'the JSON result (the Markdown goes beside it, .md)', undefined)
  .option('--previous <file>', 'an earlier JSON result: print each number\'s ratio to it')
  .option('--keep', 'keep the warehouses in .bench/warehouse (deleted after measuring by default)')
  .option('--daily', 'instead: one more day (the 1M set\'s 2018-11-30, ~33,000 events) loaded with --date over each size\'s first 29 days')
  .option('--stage', 'instead: staging the catalogue (npm run stage) from a local S3 server, and the local load before and after it')
  .option('--regenerate', 'generate the sets again (and measure the generator again) even if they exist')
  .addHelpText(
    'after',
    '\nExamples:\n  npm run bench\n  npm run bench -- --sizes sample,100k --repeat 3 --previous .bench/results/before.json',
  );

function wholeNumber(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number of at least ${min}; got ${JSON.stringify(text)}.`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const flags = program.opts<{ sizes: string; songs: string; seed: string; repeat: string; out?: string; previous?: string; keep?: boolean; regenerate?: boolean; daily?: boolean; stage?: boolean }>();
  let sizes, songs, seed, repeat, previous: BenchReport | undefined;
  try {
    sizes = parseSizes(flags.sizes);
    songs = wholeNumber('--songs', flags.songs, 1);
    seed = wholeNumber('--seed', flags.seed, 0);
    repeat = wholeNumber('--repeat', flags.repeat, 1);
    if (flags.previous !== undefined) previous = readReport(userPath(flags.previous));
  } catch (e) {
    throw e instanceof SparkifyError ? e : new ConfigError((e as Error).message);
  }
  const startedAt = new Date().toISOString();
  const outFile = flags.out !== undefined ? userPath(flags.out) : resolve(join(BENCH_DIR, 'results', `bench-${startedAt.replace(/[:.]/g, '-').slice(0, 19)}.json`));
  const ctx: RunnerContext = { root: PROJECT_ROOT, log: (line) => process.stderr.write(`${line}\n`) };
  const warehouses = join(BENCH_DIR, 'warehouse');
  mkdirSync(warehouses, { recursive: true });

  // A new warehouse starts from a saved empty database kept in the project's .warehouse/templates (the ETL
  // makes it on its first run); made here first so that no measured run pays for it.
  if (await ensureTemplate()) ctx.log(`bench: made the empty-database template ${templatePath()}`);

  const environment: Record<string, string | number> = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    'load average at start': loadavg().map((l) => l.toFixed(2)).join(' '),
    commit: gitDescription(),
  };
  if (process.env['NODE_OPTIONS']) environment['NODE_OPTIONS'] = process.env['NODE_OPTIONS'];

  if (flags.stage) {
    // A set of 10,000 events carries the whole catalogue (--songs, 15,000 by default) as one file a song.
    const set = await ensureGeneratedSet(ctx, join(BENCH_DIR, 'sets'), { events: 10_000, songs, seed }, flags.regenerate);
    let result;
    try {
      result = await benchStaging(ctx, set.dir, join(BENCH_DIR, 'stage'));
    } catch (e) {
      throw e instanceof SparkifyError ? e : new SparkifyError(`The staging bench failed: ${(e as Error).message}`, 1, { cause: e });
    }
    const markdown = `## npm run bench -- --stage (${startedAt})\n\n${Object.entries(environment).map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n${stageMarkdown(result)}`;
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify({ version: 1, kind: 'stage', startedAt, environment, ...result }, null, 2)}\n`);
    writeFileSync(outFile.replace(/\.json$/, '') + '.md', markdown);
    process.stdout.write(`\n${markdown}\nWrote ${outFile}\n`);
    if (!flags.keep) rmSync(join(BENCH_DIR, 'stage'), { recursive: true, force: true });
    return;
  }

  if (flags.daily) {
    // Three rounds unless --repeat says otherwise: a day takes about two seconds, and one run is noisy.
    const rounds = program.getOptionValueSource('repeat') === 'default' ? 3 : repeat;
    const daySet = await ensureGeneratedSet(ctx, join(BENCH_DIR, 'sets'), { events: 1_000_000, songs, seed });
    const daily = [];
    for (const size of sizes) {
      if (size.events === undefined) continue;
      const set = await ensureGeneratedSet(ctx, join(BENCH_DIR, 'sets'), { events: size.events, songs, seed });
      daily.push(await measureDaily(ctx, join(BENCH_DIR, 'daily'), { label: size.label, set: set.dir }, daySet.dir, rounds));
    }
    const report = { version: 1, kind: 'daily', startedAt, command: `npm run bench -- ${argv.slice(2).join(' ')}`.trim(), environment, daily };
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    for (const d of daily) {
      process.stdout.write(`${d.history}: history ${d.historyEvents.toLocaleString('en-US')} events; one day (${d.runs[0]!.events.toLocaleString('en-US')} events), end to end:\n`);
      for (const kind of ['new day', 're-run'] as const) {
        const runs = d.runs.filter((r) => r.kind === kind);
        const walls = runs.map((r) => r.wallMs);
        process.stdout.write(
          `  ${kind}: best ${formatSeconds(Math.min(...walls))} s, median ${formatSeconds(median(walls))} s of ${runs.length} ` +
            `(${walls.map(formatSeconds).join(', ')}); loading inside it: median ${formatSeconds(median(runs.map((r) => r.loadMs)))} s\n`,
        );
      }
    }
    process.stdout.write(`Wrote ${outFile}\n`);
    return;
  }

  const results: SizeResult[] = [];
  for (const size of sizes) {
    ctx.log(`bench: ${size.label}`);
    const set = size.events === undefined ? undefined : await ensureGeneratedSet(ctx, join(BENCH_DIR, 'sets'), { events: size.events, songs, seed }, flags.regenerate);
    const source = set?.dir ?? DEFAULT_SOURCE_DIR;
    const dataDir = join(warehouses, size.label);
    const runs: EtlRun[] = [];
    for (let i = 0; i < repeat; i++) {
      let run: EtlRun;
      try {
        run = await runEtl(ctx, source, dataDir);
      } catch (e) {
        throw e instanceof SparkifyError ? e : new SparkifyError(`The ${size.label} run failed: ${(e as Error).message}`, 1, { cause: e });
      }
      runs.push(run);
      ctx.log(
        `  run ${i + 1}/${repeat}: ${formatSeconds(run.wallMs)} s wall, ${run.cpuMs === null ? '–' : formatSeconds(run.cpuMs)} s CPU, ` +
          `peak ${formatMb(run.peakRssBytes)} MB, warehouse ${formatMb(run.warehouseBytes)} MB`,
      );
      if (!flags.keep) rmSync(dataDir, { recursive: true, force: true });
    }
    const loaded = (stage: string) => runs[0]!.stages.find((s) => s.stage === stage)?.rows ?? 0;
    results.push({
      label: size.label,
      events: loaded('load events'),
      songs: loaded('load songs'),
      source,
      ...(set === undefined ? {} : { generator: set.generator }),
      runs,
      best: fastest(runs),
    });
  }
  environment['load average at end'] = loadavg().map((l) => l.toFixed(2)).join(' ');

  const report: BenchReport = { version: 1, startedAt, command: `npm run bench -- ${argv.slice(2).join(' ')}`.trim(), environment, sizes: results };
  const markdown = markdownReport(report, previous);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  const mdFile = outFile.replace(/\.json$/, '') + '.md';
  writeFileSync(mdFile, markdown);
  process.stdout.write(`\n${markdown}\nWrote ${outFile} and ${mdFile}\n`);
}

function readReport(path: string): BenchReport {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  } catch (e) {
    throw new ConfigError(`--previous ${path} could not be read as a bench result: ${(e as Error).message}`);
  }
  if (report.version !== 1 || !Array.isArray(report.sizes)) throw new ConfigError(`--previous ${path} is not a bench result (version 1).`);
  return report;
}

function gitDescription(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- lib scripts sql', { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

void runCli(program, () => main(process.argv));
