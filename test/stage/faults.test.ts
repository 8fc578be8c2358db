/**
 * S3 faults, with aws-sdk-client-mock: what is retried (throttling, 5xx) and what stops the stage with a
 * message that names the object (a vanished key, access denied on either side). Backoff sleeps are skipped.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3CatalogueSource, s3Client, S3StageTarget } from '../../lib/stage/s3-store';
import { StageError, stageCatalogue } from '../../lib/stage/stage';

const s3 = mockClient(S3Client);
const retries: string[] = [];
const retry = { sleep: async () => {}, onRetry: (what: string, e: unknown) => void retries.push(`${what}: ${(e as Error).name}`) };

/** A response body as the SDK gives it, reduced to the one method the stage calls. */
const body = (text: string) => ({ transformToByteArray: async () => new TextEncoder().encode(text) }) as never;
const serviceError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

const songs = [0, 1, 2].map((i) => ({ Key: `song_data/A/${i}.json`, ETag: `"e${i}"`, Size: 20 }));

function stage() {
  const client = s3Client({ region: 'us-west-2' }); // the stage's own, with the SDK's Node notice turned off
  return stageCatalogue(new S3CatalogueSource(client, 's3://udacity-dend/song_data', retry), new S3StageTarget(client, 's3://stage-bucket/', retry), {
    slices: 16,
  });
}

beforeEach(() => {
  s3.reset();
  retries.length = 0;
  s3.on(ListObjectsV2Command, { Bucket: 'udacity-dend' }).resolves({ Contents: songs, IsTruncated: false });
  s3.on(ListObjectsV2Command, { Bucket: 'stage-bucket' }).resolves({ Contents: [], IsTruncated: false });
  for (const [i, song] of songs.entries()) s3.on(GetObjectCommand, { Bucket: 'udacity-dend', Key: song.Key }).resolves({ Body: body(`{"song_id":"S${i}"}`) });
  s3.on(GetObjectCommand, { Bucket: 'stage-bucket' }).rejects(new NoSuchKey({ message: 'no record yet', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
});

test('throttling (SlowDown) is retried with backoff, and the stage completes', async () => {
  s3.on(GetObjectCommand, { Bucket: 'udacity-dend', Key: songs[1]!.Key })
    .rejectsOnce(serviceError('SlowDown', 503))
    .rejectsOnce(serviceError('SlowDown', 503))
    .resolves({ Body: body('{"song_id":"S1"}') });
  const { record } = await stage();
  expect(retries).toEqual(['read: SlowDown', 'read: SlowDown']);
  expect(record.records).toBe(3);
  const part = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.endsWith('part-00000.json'))!;
  expect(String(part.args[0].input.Body)).toBe('{"song_id":"S0"}\n{"song_id":"S1"}\n{"song_id":"S2"}\n');
});

test('--parts 1 is worded as one part', async () => {
  const client = s3Client({ region: 'us-west-2' });
  const { record } = await stageCatalogue(new S3CatalogueSource(client, 's3://udacity-dend/song_data', retry), new S3StageTarget(client, 's3://stage-bucket/', retry), {
    slices: 16,
    parts: 1,
  });
  expect(record.plan).toBe('1 part, as --parts asked');
});

test('a 503 on the listing is retried', async () => {
  s3.on(ListObjectsV2Command, { Bucket: 'udacity-dend' }).rejectsOnce(serviceError('ServiceUnavailable', 503)).resolves({ Contents: songs, IsTruncated: false });
  await stage();
  expect(retries).toEqual(['list: ServiceUnavailable']);
});

test('a 5xx that never clears fails after the retries, and nothing is committed', async () => {
  s3.on(PutObjectCommand).rejects(serviceError('InternalError', 500));
  await expect(stage()).rejects.toThrow(/Could not write s3:\/\/stage-bucket\/song_data\/[0-9a-f]{16}\/part-00000\.json: InternalError \(HTTP 500\).*after retries/);
  expect(retries).toHaveLength(7);
  expect(s3.commandCalls(PutObjectCommand).some((c) => c.args[0].input.Key === '_stage/song_data.json')).toBe(false);
});

test('an object that vanished after the listing stops the stage, naming it', async () => {
  s3.on(GetObjectCommand, { Bucket: 'udacity-dend', Key: songs[2]!.Key }).rejects(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }));
  const error = await stage().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StageError);
  expect((error as StageError).message).toMatch(/^s3:\/\/udacity-dend\/song_data\/A\/2\.json was listed but is gone \(NoSuchKey\)/);
  expect(retries).toEqual([]);
  expect(s3.commandCalls(PutObjectCommand).some((c) => c.args[0].input.Key === '_stage/song_data.json')).toBe(false);
});

test('access denied on the source names the source and the permission, without retrying', async () => {
  s3.on(ListObjectsV2Command, { Bucket: 'udacity-dend' }).rejects(serviceError('AccessDenied', 403));
  await expect(stage()).rejects.toThrow('Access denied (AccessDenied) to list s3://udacity-dend/song_data. Your AWS identity needs s3:ListBucket and s3:GetObject');
  expect(retries).toEqual([]);
});

test('access denied on the target names the bucket and who may write it', async () => {
  s3.on(PutObjectCommand).rejects(serviceError('AccessDenied', 403));
  await expect(stage()).rejects.toThrow(
    /^Access denied \(AccessDenied\) to write s3:\/\/stage-bucket\/song_data\/[0-9a-f]{16}\/part-00000\.json\. Only the stack.s stagingWriterArns may write/,
  );
  expect(retries).toEqual([]);
});
