/**
 * The local endpoint's S3 side, through the real SDK: listings in pages of at most 1,000 keys with
 * continuation tokens, the ETags S3 gives (quoted hex MD5), GetObject and HeadObject, an unmapped bucket
 * answering as an empty one, writes refused; and the ETL's own listing (s3Files) pointed at it by
 * AWS_ENDPOINT_URL alone.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DataApiEndpoint } from '../../lib/data-api-endpoint/endpoint';
import { localFiles } from '../../lib/pipeline/local-files';
import { s3Files } from '../../lib/pipeline/source-files';
import { s3ClientConfig } from '../../lib/s3-uri';
import { openTestWarehouse, SAMPLE_DIR, type TestWarehouse } from '../helpers/local-warehouse';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIALOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-secret' };
const LOG = 'log_data/2018/11/2018-11-05-events.json';

let db: TestWarehouse;
let many: string;
let endpoint: DataApiEndpoint;
let small: DataApiEndpoint;
let client: S3Client;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  // A bucket of 1,001 objects: more than one page of S3's maximum.
  many = mkdtempSync(join(tmpdir(), 'sparkify-s3-'));
  mkdirSync(join(many, 'parts'));
  for (let i = 0; i < 1001; i++) writeFileSync(join(many, 'parts', `p${String(i).padStart(4, '0')}.json`), `{"i":${i}}`);
  db = await openTestWarehouse();
  const folders = { 'udacity-dend': SAMPLE_DIR, 'many-objects': many };
  endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse, s3: { folders } });
  small = await DataApiEndpoint.start({ warehouse: db.warehouse, s3: { folders, pageSize: 7 } });
  client = new S3Client({ ...s3ClientConfig('us-west-2', { AWS_ENDPOINT_URL: endpoint.url }), credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 });
  // The ETL's own clients take their credentials from the environment, as they do in Lambda.
  for (const [name, value] of Object.entries(KEYS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  client?.destroy();
  await small?.close();
  await endpoint?.close();
  await db?.dispose();
  rmSync(many, { recursive: true, force: true });
});

test('an endpoint set means path-style requests', () => {
  expect(s3ClientConfig('us-west-2', { AWS_ENDPOINT_URL: 'http://127.0.0.1:7439' })).toEqual({ region: 'us-west-2', endpoint: 'http://127.0.0.1:7439', forcePathStyle: true });
  expect(s3ClientConfig('us-west-2', { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://b' }).endpoint).toBe('http://b');
  expect(s3ClientConfig('us-west-2', {})).toEqual({ region: 'us-west-2' });
});

test('ListObjectsV2 gives at most 1,000 keys a page, and a token that continues after them', async () => {
  const first = await client.send(new ListObjectsV2Command({ Bucket: 'many-objects', Prefix: 'parts/', MaxKeys: 5000 }));
  expect(first).toMatchObject({ KeyCount: 1000, IsTruncated: true });
  expect(first.Contents![999]!.Key).toBe('parts/p0999.json');
  const second = await client.send(new ListObjectsV2Command({ Bucket: 'many-objects', Prefix: 'parts/', ContinuationToken: first.NextContinuationToken }));
  expect(second).toMatchObject({ KeyCount: 1, IsTruncated: false });
  expect(second.NextContinuationToken).toBeUndefined();
  expect(second.Contents!.map((c) => c.Key)).toEqual(['parts/p1000.json']);
  expect((await client.send(new ListObjectsV2Command({ Bucket: 'many-objects', MaxKeys: 2, StartAfter: 'parts/p0500.json' }))).Contents!.map((c) => c.Key)).toEqual([
    'parts/p0501.json',
    'parts/p0502.json',
  ]);
  await expect(client.send(new ListObjectsV2Command({ Bucket: 'many-objects', ContinuationToken: 'made-up' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
});

test("the ETL's listing, by AWS_ENDPOINT_URL alone, follows every page and gives each file's size and S3 ETag", async () => {
  const env = { AWS_ENDPOINT_URL: small.url };
  const listed = await s3Files('us-west-2', env)('s3://udacity-dend/log_data');
  const local = await localFiles({ 'udacity-dend': SAMPLE_DIR })('s3://udacity-dend/log_data');
  expect(listed).toHaveLength(30); // five pages of at most 7
  expect(listed.map(({ uri, size }) => ({ uri, size }))).toEqual(local.map(({ uri, size }) => ({ uri, size })));
  const md5 = createHash('md5').update(readFileSync(join(SAMPLE_DIR, LOG))).digest('hex');
  expect(listed.find((f) => f.uri.endsWith(LOG))!.version).toBe(`"${md5}"`);
  expect(await s3Files('us-west-2', env)('s3://many-objects/parts/')).toHaveLength(1001);
  // Nothing there: an empty bucket, not an error.
  expect(await s3Files('us-west-2', env)('s3://sparkify-staging-000000000000/')).toEqual([]);
});

test('GetObject and HeadObject give the content, size and ETag; If-Match is honoured; a missing key is NoSuchKey (HEAD: NotFound)', async () => {
  const content = readFileSync(join(SAMPLE_DIR, LOG));
  const etag = `"${createHash('md5').update(content).digest('hex')}"`;
  const got = await client.send(new GetObjectCommand({ Bucket: 'udacity-dend', Key: LOG }));
  expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(content);
  expect(got).toMatchObject({ ETag: etag, ContentLength: content.length });
  expect(await client.send(new HeadObjectCommand({ Bucket: 'udacity-dend', Key: LOG }))).toMatchObject({ ETag: etag, ContentLength: content.length });
  await expect(client.send(new GetObjectCommand({ Bucket: 'udacity-dend', Key: LOG, IfMatch: '"0"' }))).rejects.toMatchObject({ name: 'PreconditionFailed' });
  await expect(client.send(new GetObjectCommand({ Bucket: 'udacity-dend', Key: 'log_data/none.json' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  await expect(client.send(new HeadObjectCommand({ Bucket: 'udacity-dend', Key: 'log_data/none.json' }))).rejects.toMatchObject({ name: 'NotFound' });
  await expect(client.send(new GetObjectCommand({ Bucket: 'another-bucket', Key: LOG }))).rejects.toMatchObject({ name: 'NoSuchKey' });
});

test('it is read-only: a write is NotImplemented, and nothing is written', async () => {
  await expect(client.send(new PutObjectCommand({ Bucket: 'many-objects', Key: 'parts/new.json', Body: '{}' }))).rejects.toMatchObject({ name: 'NotImplemented' });
  expect((await client.send(new ListObjectsV2Command({ Bucket: 'many-objects', Prefix: 'parts/new' }))).KeyCount).toBe(0);
});
