/**
 * The ETL's use of the staged catalogue: when the deployed stack's outputs name a staging bucket (and
 * SPARKIFY_SONGS_URI does not name the songs), the stage record of the songs' prefix is read from it; if it
 * is a stage of the very prefix the ETL would load, COPY reads its parts instead, in the bucket's region.
 * Whatever the outcome, a note says so for the `Source:` line: a run never silently loads something else.
 */
import type { Settings } from '../config';
import { s3Endpoint } from '../s3-uri';
import type { StageRecord } from './record';

/** Reads the stage record of `name` at the root of `bucket`; undefined when there is none. */
export type RecordReader = (bucket: string, name: string, region: string | undefined) => Promise<StageRecord | undefined>;

export interface Discovery {
  readonly settings: Settings;
  /** For the Source: line; undefined when no staging bucket is configured. */
  readonly note?: string;
}

export async function useStagedCatalogue(settings: Settings, read: RecordReader = readFromS3): Promise<Discovery> {
  const bucket = settings.stagingBucket;
  if (bucket === undefined || settings.target.kind !== 'redshift') return { settings };
  const songsUri = settings.sources.songsUri.replace(/\/+$/, '');
  const name = songsUri.split('/').pop()!;
  let record: StageRecord | undefined;
  try {
    record = await read(bucket, name, settings.target.region);
  } catch (e) {
    return { settings, note: `could not read the staging bucket ${bucket} (${(e as Error).message}); loading the original files` };
  }
  if (record === undefined) {
    return { settings, note: `the staging bucket ${bucket} holds no staged catalogue; npm run stage makes one, so COPY reads a few parts instead of every file` };
  }
  if (record.source.replace(/\/+$/, '') !== songsUri) {
    return { settings, note: `the staging bucket ${bucket} holds a stage of ${record.source}, not of ${songsUri}; loading the original files` };
  }
  const staged = `s3://${bucket}/${record.partsPrefix}`;
  return {
    settings: {
      ...settings,
      sources: { ...settings.sources, songsUri: staged, songsRegion: settings.target.region ?? settings.sources.region },
    },
    note:
      `the staged catalogue of ${record.source}: ${record.objects.toLocaleString('en-US')} files as ${record.parts.length} part${record.parts.length === 1 ? '' : 's'}, ` +
      `staged ${record.stagedAt}${record.rejectedCount > 0 ? `, ${record.rejectedCount} bad records left out` : ''}`,
  };
}

async function readFromS3(bucket: string, name: string, region: string | undefined): Promise<StageRecord | undefined> {
  // Loaded only here: the local ETL never pays for the S3 client.
  const { S3StageTarget, s3Client } = require('./s3-store') as typeof import('./s3-store');
  const client = s3Client({ region: region ?? process.env['AWS_REGION'] ?? 'us-west-2', endpoint: s3Endpoint() });
  try {
    return await new S3StageTarget(client, `s3://${bucket}/`, { attempts: 3 }).readRecord(name);
  } finally {
    client.destroy();
  }
}
