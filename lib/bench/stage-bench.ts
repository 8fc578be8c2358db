/**
 * `npm run bench -- --stage`: the song catalogue staged and loaded, measured.
 *
 * 1. Staging from an S3-compatible server (s3rver, started here on 127.0.0.1) into another bucket, by
 *    `npm run stage` in its own process: wall time, objects per second, peak RSS; once from a bucket holding
 *    every tenth song file and once from one holding them all, so the peak can be seen to stay flat while
 *    the number of objects grows tenfold.
 * 2. The local ETL over the generated set as it is (one file a song) and over its staged copy (a few parts),
 *    ETL_RUNS times each, taking turns, so a burst of other work on the machine does not land on one side
 *    only: the time of "load songs" and of the whole run, as medians.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../stage/s3-store';
import { runMeasured } from './measure';
import { type EtlRun, median } from './report';
import { childEnv, runEtl, type RunnerContext } from './runner';

export interface StagingRun {
  readonly prefix: string;
  readonly objects: number;
  readonly parts: number;
  readonly wallMs: number;
  /** The stage's own time, from its summary (without the process's start-up). */
  readonly stageMs: number;
  readonly objectsPerSecond: number;
  readonly peakRssBytes: number;
}

export interface StageBenchResult {
  readonly songFiles: number;
  readonly staging: readonly StagingRun[];
  /** The ETL runs over the song files as they are, and over the staged parts, in the order they ran (taking turns). */
  readonly before: readonly EtlRun[];
  readonly after: readonly EtlRun[];
}

/** ETL runs on each side: a single run on a shared 2-core machine once made the staged load look 3× slower. */
const ETL_RUNS = 3;
/** The smaller staging source holds every SMALL_EVERY-th song file. */
const SMALL_EVERY = 10;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

export async function benchStaging(ctx: RunnerContext, set: string, workDir: string): Promise<StageBenchResult> {
  rmSync(workDir, { recursive: true, force: true });
  const songFiles = files(join(set, 'song_data'));
  // s3rver in a process of its own, with OpenSSL's legacy provider: it signs ListObjectsV2 continuation
  // tokens with DES, which Node 17+ refuses otherwise, so any listing longer than 1,000 keys would fail.
  mkdirSync(join(workDir, 's3rver'), { recursive: true });
  const server = spawn(
    process.execPath,
    ['--openssl-legacy-provider', require.resolve('s3rver/bin/s3rver.js'), '-d', join(workDir, 's3rver'), '-a', '127.0.0.1', '-p', '0',
      '--configure-bucket', 'bench-source', '--configure-bucket', 'bench-small', '--configure-bucket', 'bench-stage'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let heard = '';
  let port: string | undefined;
  server.stdout.setEncoding('utf8');
  while (port === undefined) {
    const [chunk] = (await Promise.race([once(server.stdout, 'data'), once(server, 'exit')])) as [string];
    if (typeof chunk !== 'string') throw new Error(`s3rver exited before listening: ${heard}`);
    heard += chunk;
    port = /listening on [\d.]+:(\d+)/.exec(heard)?.[1];
  }
  server.stdout.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  Object.assign(process.env, credentials);
  const client = s3Client({ region: 'us-west-2', endpoint });
  try {
    // Every file to bench-source, every tenth also to bench-small: two sources of the same shape whose object
    // counts differ tenfold (the generated keys all start song_data/A/, so no prefix of one bucket would do).
    const uploads = songFiles.flatMap((file, i) => {
      const key = relative(set, file).split('\\').join('/');
      return i % SMALL_EVERY === 0 ? [{ file, key, bucket: 'bench-source' }, { file, key, bucket: 'bench-small' }] : [{ file, key, bucket: 'bench-source' }];
    });
    ctx.log(`  uploading ${songFiles.length.toLocaleString('en-US')} song files (and every ${SMALL_EVERY}th again) to the local S3 server…`);
    for (let i = 0; i < uploads.length; i += 64) {
      await Promise.all(
        uploads.slice(i, i + 64).map(({ file, key, bucket }) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }))),
      );
    }
    const staging: StagingRun[] = [];
    // The tenth first, then everything: the peak memory should not follow the count.
    for (const [bucket, prefix] of [['bench-small', 'song_data'], ['bench-source', 'song_data']] as const) {
      const run = await runMeasured(
        process.execPath,
        [
          '--require', 'tsx/cjs', join(ctx.root, 'scripts', 'stage.ts'),
          '--from', `s3://${bucket}/${prefix}`, '--to', `s3://bench-stage/${bucket}/`,
          '--region', 'us-west-2', '--endpoint', endpoint, '--force', '--quiet', '--json',
        ],
        { cwd: ctx.root, env: { ...childEnv(), ...credentials } },
      );
      if (run.exitCode !== 0) throw new Error(`npm run stage failed (exit ${run.exitCode ?? run.signal}): ${run.stderrLines.map((l) => l.text).join(' ')}`);
      const summary = JSON.parse(run.stdout) as { ms: number; peakRssBytes: number; record: { objects: number; parts: unknown[] } };
      staging.push({
        prefix: `s3://${bucket}/${prefix}`,
        objects: summary.record.objects,
        parts: summary.record.parts.length,
        wallMs: Math.round(run.wallMs),
        stageMs: summary.ms,
        objectsPerSecond: Math.round((summary.record.objects * 1000) / summary.ms),
        peakRssBytes: summary.peakRssBytes,
      });
      ctx.log(`  staged ${summary.record.objects} objects in ${summary.ms} ms, peak ${Math.round(summary.peakRssBytes / 1e6)} MB`);
    }

    // The same set staged locally, then the local ETL over both.
    const staged = join(workDir, 'staged');
    const local = await runMeasured(process.execPath, ['--require', 'tsx/cjs', join(ctx.root, 'scripts', 'stage.ts'), '--source', set, '--out', staged, '--quiet'], {
      cwd: ctx.root,
      env: childEnv(),
    });
    if (local.exitCode !== 0) throw new Error(`npm run stage (local) failed: ${local.stderrLines.map((l) => l.text).join(' ')}`);
    ctx.log('  the local ETL over the song files as they are, then over the staged parts…');
    const before: EtlRun[] = [];
    const after: EtlRun[] = [];
    for (let i = 0; i < ETL_RUNS; i++) {
      before.push(await runEtl(ctx, set, join(workDir, 'warehouse-before')));
      after.push(await runEtl(ctx, staged, join(workDir, 'warehouse-after')));
      ctx.log(`  run ${i + 1}/${ETL_RUNS}: load songs ${loadSongsMs(before[i]!)} ms from the files, ${loadSongsMs(after[i]!)} ms from the parts`);
    }
    return { songFiles: songFiles.length, staging, before, after };
  } finally {
    client.destroy();
    server.kill();
  }
}

function loadSongsMs(run: EtlRun): number | undefined {
  return run.stages.find((x) => x.stage === 'load songs')?.ms;
}

export function stageMarkdown(result: StageBenchResult): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  const s = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(2));
  const side = (label: string, runs: readonly EtlRun[]) => {
    const loads = runs.map(loadSongsMs).filter((ms): ms is number => ms !== undefined);
    const rows = runs[0]?.stages.find((x) => x.stage === 'load songs')?.rows ?? '–';
    return `| ${label} | ${s(median(loads))} | ${loads.map((ms) => s(ms)).join(', ')} | ${rows} | ${s(median(runs.map((r) => r.wallMs)))} | ${mb(Math.max(...runs.map((r) => r.peakRssBytes)))} |`;
  };
  const lines = [
    `### Staging ${result.songFiles.toLocaleString('en-US')} song files from the local S3 server (s3rver)`,
    '',
    '| prefix | objects | parts | stage time (s) | process wall (s) | objects/s | peak RSS (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.staging.map((r) => `| ${r.prefix} | ${r.objects.toLocaleString('en-US')} | ${r.parts} | ${s(r.stageMs)} | ${s(r.wallMs)} | ${r.objectsPerSecond.toLocaleString('en-US')} | ${mb(r.peakRssBytes)} |`),
    '',
    '### The local ETL before and after staging',
    '',
    `${result.before.length} runs each, taking turns; medians, and each run's load in the order they ran.`,
    '',
    '| source | load songs, median (s) | load songs, each run (s) | songs loaded | whole run, median (s) | peak RSS, highest (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    side(`${result.songFiles.toLocaleString('en-US')} song files`, result.before),
    side('the staged parts', result.after),
    '',
  ];
  return lines.join('\n');
}
