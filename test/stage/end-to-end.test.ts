/**
 * Staging end to end, with the real SDK against an S3-compatible server (s3rver) on 127.0.0.1 and with
 * local folders: the staged catalogue loads into exactly the star tables the original files give.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { DEFAULT_SOURCES, type Settings, type SourceSettings } from '../../lib/config';
import { useStagedCatalogue } from '../../lib/stage/discover';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { S3CatalogueSource, S3StageTarget, s3Client } from '../../lib/stage/s3-store';
import { stageCatalogue } from '../../lib/stage/stage';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, SAMPLE_DIR } from '../helpers/local-warehouse';

const ROOT = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'sparkify-stage-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every star table's contents in a stable order. */
async function starTables(warehouse: Warehouse) {
  const tables: Record<string, unknown> = {};
  for (const [table, key] of [['songplays', 'songplay_id'], ['users', 'user_id'], ['songs', 'song_id'], ['artists', 'artist_id'], ['time', 'start_time'], ['user_agents', 'user_agent']]) {
    tables[table] = await warehouse.query(`SELECT * FROM ${table} ORDER BY ${key}`);
  }
  return tables;
}

/** The star tables the ETL builds with these buckets and songs URI (or sources). */
async function load(folders: Record<string, string>, songs: string | SourceSettings = DEFAULT_SOURCES.songsUri) {
  const db = await openTestWarehouse(folders);
  try {
    const sources = typeof songs === 'string' ? { ...DEFAULT_SOURCES, songsUri: songs } : songs;
    const summary = await runPipeline(db.warehouse, { sources });
    return { rows: summary.steps.find((s) => s.step === 'load staging_songs')?.rows, tables: await starTables(db.warehouse) };
  } finally {
    await db.dispose();
  }
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

let original: Awaited<ReturnType<typeof load>>;
beforeAll(async () => {
  original = await load({ 'udacity-dend': SAMPLE_DIR });
});

describe('from one S3 bucket to another (s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  let client: S3Client;
  const sent: string[] = [];
  const songFiles = files(join(SAMPLE_DIR, 'song_data'));

  beforeAll(async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: join(work, 's3rver'),
      configureBuckets: [{ name: 'source-bucket', configs: [] }, { name: 'stage-bucket', configs: [] }],
    });
    const { port } = await server.run();
    client = s3Client({ region: 'us-west-2', endpoint: `http://127.0.0.1:${port}` });
    client.middlewareStack.add((next, context) => (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    });
    for (const file of songFiles) {
      await client.send(new PutObjectCommand({ Bucket: 'source-bucket', Key: relative(SAMPLE_DIR, file), Body: readFileSync(file) }));
    }
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  const stage = (options: { force?: boolean; maxErrors?: number; parts?: number } = {}) =>
    stageCatalogue(new S3CatalogueSource(client, 's3://source-bucket/song_data'), new S3StageTarget(client, 's3://stage-bucket/'), {
      slices: 16,
      parts: 4,
      concurrency: 8,
      ...options,
    });

  /** The stage bucket's objects under a prefix, copied into a new folder laid out like the bucket. */
  async function download(prefix: string): Promise<string> {
    const dir = mkdtempSync(join(work, 'bucket-'));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'stage-bucket', Prefix: prefix }));
    for (const { Key } of listed.Contents ?? []) {
      const body = await (await client.send(new GetObjectCommand({ Bucket: 'stage-bucket', Key }))).Body!.transformToByteArray();
      mkdirSync(dirname(join(dir, Key!)), { recursive: true });
      writeFileSync(join(dir, Key!), body);
    }
    return dir;
  }

  test('stages into 4 parts, one record a line, and the load gives the same star tables as the original files', async () => {
    sent.length = 0;
    const { staged, record } = await stage();
    expect(staged).toBe(true);
    expect(record).toMatchObject({ source: 's3://source-bucket/song_data', objects: songFiles.length, records: songFiles.length, rejectedCount: 0 });
    expect(record.parts.map((p) => p.key)).toEqual([0, 1, 2, 3].map((i) => `${record.partsPrefix}part-0000${i}.json`));
    expect(sent.filter((c) => c === 'PutObjectCommand')).toHaveLength(4 + 2); // the parts, the manifest, the record

    const bucket = await download('');
    const parts = files(join(bucket, record.partsPrefix));
    expect(parts).toHaveLength(4);
    for (const part of parts) {
      for (const line of readFileSync(part, 'utf8').split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    }
    const manifest = JSON.parse(readFileSync(join(bucket, '_stage', 'song_data.manifest'), 'utf8'));
    expect(manifest.entries.map((e: { url: string }) => e.url)).toEqual(record.parts.map((p) => `s3://stage-bucket/${p.key}`));

    const staged4 = await load({ 'udacity-dend': SAMPLE_DIR, 'stage-bucket': bucket }, `s3://stage-bucket/${record.partsPrefix}`);
    expect(staged4.rows).toBe(original.rows);
    expect(staged4.tables).toEqual(original.tables);
  });

  test('a second run over the unchanged source uploads nothing and says so', async () => {
    sent.length = 0;
    const { staged } = await stage();
    expect(staged).toBe(false);
    expect(sent.filter((c) => c !== 'ListObjectsV2Command' && c !== 'GetObjectCommand' && c !== 'HeadObjectCommand')).toEqual([]);
    expect(sent.filter((c) => c === 'GetObjectCommand')).toHaveLength(1); // the record only, no song file
  });

  test('the ETL loads the stage through its manifest: a stage committed after the ETL found the record loads whole; a part gone fails loudly', async () => {
    const first = (await stage({ force: true })).record;
    const settings = {
      target: { kind: 'redshift', region: 'us-west-2' },
      stagingBucket: 'stage-bucket',
      sources: { ...DEFAULT_SOURCES, songsUri: 's3://source-bucket/song_data' },
    } as unknown as Settings;
    const found = await useStagedCatalogue(settings, (bucket, name) => new S3StageTarget(client, `s3://${bucket}/`).readRecord(name));
    expect(found.note).toMatch(/as 4 parts/);
    // Another stage commits before the COPY runs: new parts, the ones the record named deleted.
    const second = (await stage({ force: true, parts: 3 })).record;
    expect(second.partsPrefix).not.toBe(first.partsPrefix);
    const bucket = await download('');
    const loaded = await load({ 'udacity-dend': SAMPLE_DIR, 'stage-bucket': bucket }, found.settings.sources);
    expect(loaded.rows).toBe(original.rows);
    expect(loaded.tables).toEqual(original.tables);
    // A part that vanishes under the load: the COPY fails, naming it, instead of loading the others.
    unlinkSync(join(bucket, second.parts[1]!.key));
    await expect(load({ 'udacity-dend': SAMPLE_DIR, 'stage-bucket': bucket }, found.settings.sources)).rejects.toThrow(
      new RegExp(`the mandatory file s3://stage-bucket/${second.parts[1]!.key} was not found`),
    );
  });

  test('a bad record fails the stage, naming its key; under --max-errors it is left out, counted, and the old parts are removed', async () => {
    const before = (await stage({ force: true })).record;
    await client.send(new PutObjectCommand({ Bucket: 'source-bucket', Key: 'song_data/Z/bad.json', Body: '{"song_id": "SOX",\n "title": }' }));
    await expect(stage()).rejects.toThrow('s3://source-bucket/song_data/Z/bad.json line 1: not valid JSON');

    const { record } = await stage({ maxErrors: 2 });
    expect(record).toMatchObject({ rejectedCount: 1, records: songFiles.length, rejected: [{ key: 's3://source-bucket/song_data/Z/bad.json', line: 1 }] });
    expect(record.generation).not.toBe(before.generation);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'stage-bucket', Prefix: 'song_data/' }));
    expect(listed.Contents!.map((o) => o.Key).every((key) => key!.startsWith(record.partsPrefix))).toBe(true);
  });
});

describe('from a local folder to another (npm run stage -- --source --out)', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts/stage.ts'), ...args], { cwd: ROOT, encoding: 'utf8' }).then(
      (r) => ({ code: 0, stderr: r.stderr, stdout: r.stdout }),
      (e: { code: number; stderr: string; stdout: string }) => ({ code: e.code, stderr: e.stderr, stdout: e.stdout }),
    );

  test('the out folder loads into the same star tables; a second run changes nothing', async () => {
    const out = join(work, 'staged');
    const first = await run(['--source', SAMPLE_DIR, '--out', out, '--parts', '3']);
    expect(first.stderr).toMatch(/Staged 71 objects .* into 3 parts/);
    expect(first.code).toBe(0);
    expect(readdirSync(join(out, 'song_data')).sort()).toEqual(['part-00000.json', 'part-00001.json', 'part-00002.json']);
    expect(readdirSync(out).sort()).toEqual(['SOURCE.md', '_stage', 'log_data', 'log_json_path.json', 'song_data']);

    const again = await run(['--source', SAMPLE_DIR, '--out', out, '--parts', '3']);
    expect(again.stderr).toMatch(/Unchanged: .* nothing uploaded/);

    const local = await load({ 'udacity-dend': out });
    expect(local.tables).toEqual(original.tables);
  });

  test('refuses to write into a folder that is not empty and no earlier stage, with exit code 2', async () => {
    const result = await run(['--source', SAMPLE_DIR, '--out', join(ROOT, 'lib')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not empty and holds no earlier stage/);
  });
});
