/**
 * The stage's source and target on Amazon S3, through @aws-sdk/client-s3. Every call goes through withRetry
 * (throttling and 5xx are retried with backoff; the SDK's own retries are off so nothing is retried twice),
 * and a final failure becomes a StageError that names the object, the permission and what to do.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConfigError } from '../errors';
import { quietNodeVersionNotice } from '../sdk-notice';
import { manifestKey, parseRecord, recordKey, type StageRecord } from './record';
import { type RetryOptions, withRetry } from './retry';
import { StageError } from './stage';
import type { CatalogueSource, PartWriter, SourceObject, StageTarget } from './stores';

export interface S3ClientOptions {
  readonly region: string;
  /** An S3-compatible endpoint instead of AWS's (tests, a local server): path-style addressing. */
  readonly endpoint?: string;
}

export function s3Client(options: S3ClientOptions): S3Client {
  quietNodeVersionNotice();
  return new S3Client({
    region: options.region,
    maxAttempts: 1,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
  });
}

/** s3://bucket/prefix split; the prefix may be empty (the bucket's root). */
export function splitS3Uri(setting: string, uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m || /['"\\\u0000-\u001f]/.test(m[2] ?? '')) {
    throw new ConfigError(`${setting} must be an S3 URI like s3://bucket/prefix; got ${JSON.stringify(uri)}.`);
  }
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}

interface S3Error {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A final S3 failure as a message for a person: which object, which permission, what to do. */
function failure(error: unknown, action: string, uri: string, side: 'source' | 'target'): StageError {
  const e = error as S3Error;
  const status = e.$metadata?.httpStatusCode;
  const code = e.name ?? 'Error';
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    const advice =
      side === 'source'
        ? 'Your AWS identity needs s3:ListBucket and s3:GetObject on the source (the public udacity-dend bucket allows both to any signed-in identity).'
        : "Only the stack's stagingWriterArns may write to the staging bucket (with none set, nobody may): put \"stagingWriterArns\": \"<the IAM role or user ARN you stage with>\" in cdk.json's context and deploy (docs/deploy.md), then run npm run stage with those credentials.";
    return new StageError(`Access denied (${code}) to ${action} ${uri}. ${advice}`, { cause: error });
  }
  if (code === 'NoSuchBucket') {
    return new StageError(
      `The bucket of ${uri} does not exist${side === 'target' ? ': deploy the stack (npx cdk deploy) or give --to s3://your-bucket/' : ''}.`,
      { cause: error },
    );
  }
  if (code === 'NoSuchKey' || code === 'NotFound' || status === 404) {
    return new StageError(
      `${uri} was listed but is gone (${code}): the source changed while it was being staged. Nothing was committed; run npm run stage again.`,
      { cause: error },
    );
  }
  const retried = status === 429 || (status !== undefined && status >= 500) || code === 'SlowDown';
  return new StageError(
    `Could not ${action} ${uri}: ${code}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}${retried ? ' — still failing after retries with backoff' : ''}. ` +
      'Nothing was committed; the previous stage, if any, is still the current one.',
    { cause: error },
  );
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  const b = body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined;
  if (b?.transformToByteArray === undefined) return new Uint8Array();
  return b.transformToByteArray();
}

export class S3CatalogueSource implements CatalogueSource {
  readonly description: string;
  readonly name: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #retry: RetryOptions;

  constructor(client: S3Client, uri: string, retry: RetryOptions = {}) {
    const { bucket, prefix } = splitS3Uri('--from', uri);
    const name = prefix.replace(/\/+$/, '').split('/').pop() ?? '';
    if (!/^[\w.-]+$/.test(name)) {
      throw new ConfigError(`--from ${uri} must name a prefix such as s3://udacity-dend/song_data (its last segment names the staged catalogue).`);
    }
    this.description = `s3://${bucket}/${prefix}`;
    this.name = name;
    this.#client = client;
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.#retry = retry;
  }

  where(key: string): string {
    return `s3://${this.#bucket}/${key}`;
  }

  async *list(): AsyncIterable<SourceObject> {
    let token: string | undefined;
    do {
      const page = await withRetry(
        'list',
        () => this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, ContinuationToken: token })),
        this.#retry,
      ).catch((e: unknown) => {
        throw failure(e, 'list', this.description, 'source');
      });
      for (const item of page.Contents ?? []) {
        yield { key: item.Key!, etag: item.ETag ?? '', size: item.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async read(object: SourceObject): Promise<Uint8Array> {
    return withRetry(
      'read',
      async () => {
        // IfMatch: an object replaced since the listing is an error, not a silent mix of old and new.
        const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: object.key, IfMatch: object.etag || undefined }));
        return bytesOf(response.Body);
      },
      this.#retry,
    ).catch((e: unknown) => {
      if ((e as S3Error).name === 'PreconditionFailed') {
        throw new StageError(`${this.where(object.key)} changed while it was being staged. Nothing was committed; run npm run stage again.`, { cause: e });
      }
      throw failure(e, 'read', this.where(object.key), 'source');
    });
  }
}

export class S3StageTarget implements StageTarget {
  readonly description: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #root: string;
  readonly #retry: RetryOptions;

  /** @param uri the target root, s3://bucket/ or s3://bucket/prefix/ */
  constructor(client: S3Client, uri: string, retry: RetryOptions = {}) {
    const { bucket, prefix } = splitS3Uri('--to', uri);
    this.#root = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.description = `s3://${bucket}/${this.#root}`;
    this.#client = client;
    this.#bucket = bucket;
    this.#retry = retry;
  }

  uriOf(key: string): string {
    return `s3://${this.#bucket}/${this.#root}${key}`;
  }

  async readRecord(name: string): Promise<StageRecord | undefined> {
    const key = `${this.#root}${recordKey(name)}`;
    try {
      const response = await withRetry('read', () => this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key })), this.#retry);
      return parseRecord(Buffer.from(await bytesOf(response.Body)).toString('utf8'));
    } catch (e) {
      if ((e as S3Error).name === 'NoSuchKey' || (e as S3Error).$metadata?.httpStatusCode === 404) return undefined;
      throw failure(e, 'read', this.uriOf(recordKey(name)), 'target');
    }
  }

  async hasParts(record: StageRecord): Promise<boolean> {
    for (const part of record.parts) {
      try {
        const head = await withRetry(
          'check',
          () => this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: `${this.#root}${part.key}` })),
          this.#retry,
        );
        if (head.ContentLength !== part.bytes) return false;
      } catch (e) {
        if ((e as S3Error).name === 'NotFound' || (e as S3Error).$metadata?.httpStatusCode === 404) return false;
        throw failure(e, 'check', this.uriOf(part.key), 'target');
      }
    }
    return true;
  }

  async begin(name: string, generation: string): Promise<PartWriter> {
    const partsPrefix = `${name}/${generation}/`;
    const put = (key: string, body: Buffer | string, contentType: string) =>
      withRetry(
        'write',
        () => this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: `${this.#root}${key}`, Body: body, ContentType: contentType })),
        this.#retry,
      ).catch((e: unknown) => {
        throw failure(e, 'write', this.uriOf(key), 'target');
      });
    const partKey = (index: number) => `${partsPrefix}part-${String(index).padStart(5, '0')}.json`;
    return {
      partsPrefix,
      partKey,
      put: async (index, body) => {
        await put(partKey(index), body, 'application/x-ndjson');
      },
      commit: async (record) => {
        // A Redshift manifest of exactly these parts, each mandatory: the ETL loads through it (discover.ts).
        // Written before the record and before the earlier parts go, so it always names parts that exist.
        const manifest = {
          entries: record.parts.map((p) => ({ url: this.uriOf(p.key), mandatory: true, meta: { content_length: p.bytes } })),
        };
        await put(manifestKey(name), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
        await put(recordKey(name), `${JSON.stringify(record, null, 2)}\n`, 'application/json');
        await this.#removeOtherGenerations(`${this.#root}${name}/`, `${this.#root}${partsPrefix}`);
      },
    };
  }

  /** Earlier stages' parts: no longer named by the record, so deleted (the ETL must never read two generations). */
  async #removeOtherGenerations(catalogue: string, keep: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await withRetry(
        'list',
        () => this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: catalogue, ContinuationToken: token })),
        this.#retry,
      ).catch((e: unknown) => {
        throw failure(e, 'list', `s3://${this.#bucket}/${catalogue}`, 'target');
      });
      const stale = (page.Contents ?? []).map((o) => o.Key!).filter((key) => !key.startsWith(keep));
      if (stale.length > 0) {
        const result = await withRetry(
          'delete',
          () => this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: stale.map((Key) => ({ Key })), Quiet: true } })),
          this.#retry,
        ).catch((e: unknown) => {
          throw failure(e, 'delete earlier parts under', `s3://${this.#bucket}/${catalogue}`, 'target');
        });
        if ((result.Errors ?? []).length > 0) {
          const first = result.Errors![0]!;
          throw new StageError(
            `The new stage is committed, but ${result.Errors!.length} earlier parts could not be deleted (first: s3://${this.#bucket}/${first.Key}: ${first.Code}). ` +
              'The ETL reads only the current parts; delete the others by hand or run npm run stage -- --force.',
          );
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
