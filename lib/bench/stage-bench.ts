/**
 * `npm run bench -- --stage`: the song catalogue staged and loaded, measured.
 *
 * 1. Staging from an S3-compatible server (s3rver, started here on 127.0.0.1) into another bucket, by
 *    `npm run stage` in its own process: wall time, objects per second, peak RSS; once for a subset of the
 *    prefix and once for all of it, so the peak can be seen to stay flat as the number of files grows.
 * 2. The local ETL over the generated set as it is (one file a song) and over its staged copy (a few parts),
 *    side by side: the time of "load songs" and of the whole run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../stage/s3-store';
import { runMeasured } from './measure';
import { type EtlRun } from './report';
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
  readonly before: EtlRun;
  readonly after: EtlRun;
}

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
      '--configure-bucket', 'bench-source', '--configure-bucket', 'bench-stage'],
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
    ctx.log(`  uploading ${songFiles.length.toLocaleString('en-US')} song files to the local S3 server…`);
    for (let i = 0; i < songFiles.length; i += 64) {
      await Promise.all(
        songFiles.slice(i, i + 64).map((file) =>
          client.send(new PutObjectCommand({ Bucket: 'bench-source', Key: relative(set, file).split('\\').join('/'), Body: readFileSync(file) })),
        ),
      );
    }
    const staging: StagingRun[] = [];
    // A subset first (the keys under song_data/A/), then everything: the peak memory should not follow the count.
    for (const prefix of ['song_data/A/', 'song_data']) {
      const run = await runMeasured(
        process.execPath,
        [
          '--import', 'tsx', join(ctx.root, 'scripts', 'stage.ts'),
          '--from', `s3://bench-source/${prefix}`, '--to', `s3://bench-stage/${prefix.replace(/\W/g, '-')}/`,
          '--region', 'us-west-2', '--endpoint', endpoint, '--force', '--quiet', '--json',
        ],
        { cwd: ctx.root, env: { ...childEnv(), ...credentials } },
      );
      if (run.exitCode !== 0) throw new Error(`npm run stage failed (exit ${run.exitCode ?? run.signal}): ${run.stderrLines.map((l) => l.text).join(' ')}`);
      const summary = JSON.parse(run.stdout) as { ms: number; peakRssBytes: number; record: { objects: number; parts: unknown[] } };
      staging.push({
        prefix: `s3://bench-source/${prefix}`,
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
    const local = await runMeasured(process.execPath, ['--import', 'tsx', join(ctx.root, 'scripts', 'stage.ts'), '--source', set, '--out', staged, '--quiet'], {
      cwd: ctx.root,
      env: childEnv(),
    });
    if (local.exitCode !== 0) throw new Error(`npm run stage (local) failed: ${local.stderrLines.map((l) => l.text).join(' ')}`);
    ctx.log('  the local ETL over the song files as they are, then over the staged parts…');
    const before = await runEtl(ctx, set, join(workDir, 'warehouse-before'));
    const after = await runEtl(ctx, staged, join(workDir, 'warehouse-after'));
    return { songFiles: songFiles.length, staging, before, after };
  } finally {
    client.destroy();
    server.kill();
  }
}

export function stageMarkdown(result: StageBenchResult): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  const s = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(2));
  const songs = (run: EtlRun) => run.stages.find((x) => x.stage === 'load songs');
  const lines = [
    `### Staging ${result.songFiles.toLocaleString('en-US')} song files from the local S3 server (s3rver)`,
    '',
    '| prefix | objects | parts | stage time (s) | process wall (s) | objects/s | peak RSS (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.staging.map((r) => `| ${r.prefix} | ${r.objects.toLocaleString('en-US')} | ${r.parts} | ${s(r.stageMs)} | ${s(r.wallMs)} | ${r.objectsPerSecond.toLocaleString('en-US')} | ${mb(r.peakRssBytes)} |`),
    '',
    '### The local ETL before and after staging',
    '',
    '| source | load songs (s) | songs loaded | whole run (s) | peak RSS (MB) |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| ${result.songFiles.toLocaleString('en-US')} song files | ${s(songs(result.before)?.ms)} | ${songs(result.before)?.rows ?? '–'} | ${s(result.before.wallMs)} | ${mb(result.before.peakRssBytes)} |`,
    `| the staged parts | ${s(songs(result.after)?.ms)} | ${songs(result.after)?.rows ?? '–'} | ${s(result.after.wallMs)} | ${mb(result.after.peakRssBytes)} |`,
    '',
  ];
  return lines.join('\n');
}
