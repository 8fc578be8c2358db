/** The ETL picks up the staged catalogue from the stack's staging bucket, and says so; SPARKIFY_SONGS_URI still wins. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../lib/config';
import { useStagedCatalogue } from '../../lib/stage/discover';
import type { StageRecord } from '../../lib/stage/record';

const dir = mkdtempSync(join(tmpdir(), 'sparkify-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const outputsFile = join(dir, 'cdk-outputs.json');
writeFileSync(
  outputsFile,
  JSON.stringify({ SparkifyWarehouse: { WorkgroupName: 'sparkify', DatabaseName: 'sparkify', Region: 'eu-west-1', StagingBucket: 'stage-bucket-123' } }),
);
const env = { SPARKIFY_CDK_OUTPUTS: outputsFile };

const record = {
  version: 1,
  source: 's3://udacity-dend/song_data',
  objects: 14896,
  partsPrefix: 'song_data/0123456789abcdef/',
  parts: [{ key: 'song_data/0123456789abcdef/part-00000.json', bytes: 1, records: 1 }],
  generation: '0123456789abcdef',
  rejectedCount: 0,
  stagedAt: '2026-01-02T03:04:05.000Z',
} as unknown as StageRecord;

test('a staged catalogue of the songs prefix: COPY reads its parts through its manifest, in the bucket region, and the note says so', async () => {
  const asked: unknown[] = [];
  const { settings, note } = await useStagedCatalogue(resolveSettings({}, env), async (...args) => {
    asked.push(args);
    return record;
  });
  expect(asked).toEqual([['stage-bucket-123', 'song_data', 'eu-west-1']]);
  expect(settings.sources).toMatchObject({ songsUri: 's3://stage-bucket-123/_stage/song_data.manifest', songsManifest: true, songsRegion: 'eu-west-1', region: 'us-west-2' });
  expect(note).toBe('the staged catalogue of s3://udacity-dend/song_data: 14,896 files as 1 part, staged 2026-01-02T03:04:05.000Z');
});

test('no record, or a record of another prefix: the original files, and a note that says why', async () => {
  const none = await useStagedCatalogue(resolveSettings({}, env), async () => undefined);
  expect(none.settings.sources.songsUri).toBe('s3://udacity-dend/song_data');
  expect(none.note).toMatch(/holds no staged catalogue; npm run stage makes one/);
  const other = await useStagedCatalogue(resolveSettings({}, env), async () => ({ ...record, source: 's3://udacity-dend/song-data' }));
  expect(other.settings.sources.songsUri).toBe('s3://udacity-dend/song_data');
  expect(other.note).toMatch(/holds a stage of s3:\/\/udacity-dend\/song-data, not of s3:\/\/udacity-dend\/song_data/);
  const failing = await useStagedCatalogue(resolveSettings({}, env), async () => {
    throw new Error('Access denied');
  });
  expect(failing.note).toMatch(/could not read the staging bucket stage-bucket-123 \(Access denied\); loading the original files/);
});

test('SPARKIFY_SONGS_URI wins: the bucket is not even read; the local target never reads it', async () => {
  const read = jest.fn();
  const given = await useStagedCatalogue(resolveSettings({}, { ...env, SPARKIFY_SONGS_URI: 's3://mine/songs' }), read);
  expect(given.settings.sources.songsUri).toBe('s3://mine/songs');
  expect(given.note).toBeUndefined();
  await useStagedCatalogue(resolveSettings({ target: 'local' }, env), read);
  expect(read).not.toHaveBeenCalled();
});
