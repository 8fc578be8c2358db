/**
 * npm run stage — compact the song catalogue (14,896 files of ~250 bytes in s3://udacity-dend/song_data)
 * into a few large newline-delimited JSON parts that COPY loads in seconds: from S3 into the stack's staging
 * bucket, or from a local folder into another laid out the same way.
 */
import { Command } from 'commander';
import { formatMs, peakRssBytes, runCli, userPath } from '../lib/cli';
import { DEFAULT_SOURCES, deployedStackOutputs } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { rowsWord } from '../lib/format/result-table';
import { checkTargetFolder, copyBeside, FolderCatalogueSource, FolderStageTarget } from '../lib/stage/folder-store';
import { DEFAULT_SLICES } from '../lib/stage/plan';
import { type StageProgress, stageCatalogue } from '../lib/stage/stage';
import type { CatalogueSource, StageTarget } from '../lib/stage/stores';
import { regionLiteral } from '../lib/sql-literals';

const program = new Command('npm run stage --')
  .description(
    'Copy the song catalogue into a few newline-delimited JSON parts (one record a line, what FORMAT AS JSON ' +
      "'auto' reads), sized by AWS's guidance for COPY, plus a record of what was staged. From S3 (default " +
      `${DEFAULT_SOURCES.songsUri}) into the stack's staging bucket, or with --source/--out from a local folder ` +
      'laid out like the bucket into another. A second run over an unchanged source uploads nothing.',
  )
  .option('--from <s3-uri>', 'the S3 prefix to stage', DEFAULT_SOURCES.songsUri)
  .option('--source-region <region>', "the source bucket's region", DEFAULT_SOURCES.region)
  .option('--to <s3-uri>', "where the parts go (default the StagingBucket in cdk-outputs.json, s3://<bucket>/)")
  .option('--region <region>', "the staging bucket's region (default Region in cdk-outputs.json, else the AWS SDK's)")
  .option('--endpoint <url>', 'an S3-compatible endpoint instead of AWS (path-style addressing), for both source and target')
  .option('--source <dir>', 'local mode: a folder laid out like the bucket (song_data/, log_data/, log_json_path.json)')
  .option('--out <dir>', 'local mode: the folder to write (new, empty, or an earlier stage output)')
  .option('--concurrency <n>', 'objects read at once', '64')
  .option('--max-errors <n>', 'as COPY MAXERROR: the stage fails when bad records reach n; below that they are left out and counted (default 0: the first fails)', '0')
  .option('--slices <n>', "the warehouse's slices: the part count is a multiple of it when parts stay at least 1 MB", String(DEFAULT_SLICES))
  .option('--parts <n>', 'this many parts instead of the planned number')
  .option('--force', 'stage again even if the source is unchanged')
  .option('--json', 'print a machine-readable summary on stdout')
  .option('--quiet', 'print no progress')
  .addHelpText(
    'after',
    `
Examples:
  npm run stage                                   # s3://udacity-dend/song_data into the stack's bucket
  npm run stage -- --source data/sample --out .staged/sample && npm run etl -- --source .staged/sample

Layout written under the target: song_data/<generation>/part-00000.json … (S3) or song_data/part-00000.json
(local), _stage/song_data.json (the record, written last: what the ETL reads) and, on S3,
_stage/song_data.manifest (a COPY manifest of the parts). Credentials: the AWS SDK's default chain.`,
  );

interface StageFlags {
  from: string;
  sourceRegion: string;
  to?: string;
  region?: string;
  endpoint?: string;
  source?: string;
  out?: string;
  concurrency: string;
  maxErrors: string;
  slices: string;
  parts?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

void runCli(program, async () => {
  const flags = program.opts<StageFlags>();
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1, 1024);
  const maxErrors = wholeNumber('--max-errors', flags.maxErrors, 0, 100000);
  const slices = wholeNumber('--slices', flags.slices, 1, 1024);
  const parts = flags.parts === undefined ? undefined : wholeNumber('--parts', flags.parts, 1, 10000);

  let retries = 0;
  const retry = { onRetry: () => void retries++ };
  let source: CatalogueSource;
  let target: StageTarget;
  let close = () => {};
  if (flags.source !== undefined || flags.out !== undefined) {
    if (flags.source === undefined || flags.out === undefined) throw new ConfigError('Local mode needs both --source <dir> and --out <dir>.');
    // Relative to where the command was typed, not to the project (npm runs scripts from the project's root).
    flags.source = userPath(flags.source);
    flags.out = userPath(flags.out);
    checkTargetFolder(flags.source, flags.out);
    source = new FolderCatalogueSource(flags.source);
    target = new FolderStageTarget(flags.out);
  } else {
    // Loaded only for S3: the AWS SDK is a noticeable part of a local stage's start-up.
    const { S3CatalogueSource, S3StageTarget, s3Client } = require('../lib/stage/s3-store') as typeof import('../lib/stage/s3-store');
    regionLiteral('--source-region', flags.sourceRegion);
    const outputs = flags.to === undefined || flags.region === undefined ? deployedStackOutputs() : undefined;
    const to = flags.to ?? (outputs?.stagingBucket === undefined ? undefined : `s3://${outputs.stagingBucket}/`);
    if (to === undefined) {
      throw new ConfigError(
        'Where should the parts go? cdk-outputs.json names no staging bucket: deploy the stack (npx cdk deploy), give --to s3://bucket/prefix/, ' +
          'or stage locally with --source <dir> --out <dir>.',
      );
    }
    const region = flags.region ?? outputs?.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
    if (region === undefined) throw new ConfigError("Give the staging bucket's region with --region (or AWS_REGION).");
    regionLiteral('--region', region);
    const sourceClient = s3Client({ region: flags.sourceRegion, endpoint: flags.endpoint });
    const targetClient = s3Client({ region, endpoint: flags.endpoint });
    source = new S3CatalogueSource(sourceClient, flags.from, retry);
    target = new S3StageTarget(targetClient, to, retry);
    close = () => {
      sourceClient.destroy();
      targetClient.destroy();
    };
  }

  const tty = process.stderr.isTTY && !flags.quiet;
  if (!flags.quiet) process.stderr.write(`Stage: ${source.description} → ${target.description}\n`);
  let result;
  try {
    result = await stageCatalogue(source, target, {
      concurrency,
      maxErrors,
      slices,
      parts,
      force: flags.force,
      onProgress: flags.quiet ? undefined : (p) => process.stderr.write(`${tty ? '\x1b[2K\r' : ''}  ${progressLine(p, retries)}${tty ? '' : '\n'}`),
    });
  } finally {
    if (tty) process.stderr.write('\n');
    close();
  }
  const copied = flags.source !== undefined && flags.out !== undefined ? copyBeside(flags.source, flags.out, source.name) : undefined;

  const { record } = result;
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ staged: result.staged, ms: result.ms, retries, peakRssBytes: peakRssBytes(), filesCopiedBeside: copied, record }, null, 2)}\n`,
    );
  }
  if (flags.quiet) return;
  const where = `${target.description.replace(/\/?$/, '/')}${record.partsPrefix}`;
  if (!result.staged) {
    process.stderr.write(
      `Unchanged: ${source.description} holds the same ${record.objects.toLocaleString('en-US')} objects (keys and ETags) as the stage of ` +
        `${record.stagedAt}; nothing uploaded. The parts are in ${where} (--force stages again).\n`,
    );
  } else {
    const mb = (record.sourceBytes / 1e6).toFixed(1);
    process.stderr.write(
      `Staged ${record.objects.toLocaleString('en-US')} objects (${mb} MB, ${record.records.toLocaleString('en-US')} records) into ` +
        `${rowsWord(record.parts.length, 'part')} in ${where} in ${formatMs(result.ms)} (${record.plan}); ` +
        `${record.rejectedCount} bad records left out${retries > 0 ? `, ${retries} requests retried` : ''}.\n`,
    );
    for (const r of record.rejected) process.stderr.write(`  ! left out: ${r.key} line ${r.line}: ${r.reason}\n`);
  }
  if (copied !== undefined) process.stderr.write(`Copied ${copied} other file${copied === 1 ? '' : 's'} (logs, JSONPaths) beside the parts; load with npm run etl -- --source ${flags.out}\n`);
});

function progressLine(p: StageProgress, retries: number): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.objectsDone / seconds : 0;
  const count = `${p.objectsDone.toLocaleString('en-US')}${p.objectsTotal === undefined ? '' : `/${p.objectsTotal.toLocaleString('en-US')}`} objects`;
  const bytes = `${(p.bytesDone / 1e6).toFixed(1)}${p.bytesTotal === undefined ? '' : `/${(p.bytesTotal / 1e6).toFixed(1)}`} MB`;
  const eta = p.objectsTotal !== undefined && rate > 0 ? `, ETA ${Math.ceil((p.objectsTotal - p.objectsDone) / rate)} s` : '';
  return `${p.phase} ${count}, ${bytes}, ${Math.round(rate).toLocaleString('en-US')} objects/s${eta}, ${p.partsUploaded} part${p.partsUploaded === 1 ? '' : 's'} written${retries > 0 ? `, ${retries} ${retries === 1 ? 'retry' : 'retries'}` : ''}`;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}; got ${JSON.stringify(text)}.`);
  return n;
}
