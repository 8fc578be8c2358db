/**
 * The S3 calls the ETL and the scheduled loader make, answered over local folders on the Data API endpoint's
 * port, so that AWS_ENDPOINT_URL alone points every client at the endpoint: ListObjectsV2 (pages of at most
 * 1,000 keys, continuation tokens), GetObject and HeadObject, and HeadBucket, path-style
 * (http://127.0.0.1:7439/<bucket>/<key>: the clients set forcePathStyle when an endpoint is given,
 * lib/s3-uri.ts). A bucket mapped to a folder lists that folder's files, with the keys, sizes and ETags S3
 * would give (the quoted hex MD5 of the content, as for a single-part upload); any other bucket answers as an
 * empty one. Read-only: anything else is refused with NotImplemented. docs/data-api-endpoint.md lists how it
 * differs from S3.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Mounts } from '../warehouse/local/copy/s3-mounts';

/** S3's own limit, and the most a page ever holds here. */
const MAX_KEYS = 1000;

export interface LocalS3Options {
  /** Local folder by bucket name; other buckets are empty. */
  readonly folders: Readonly<Record<string, string>>;
  /**
   * Keys per ListObjectsV2 page at most, for tests that need several pages of a small folder.
   * @default 1000, S3's maximum
   */
  readonly pageSize?: number;
}

interface ListedObject {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export class LocalS3 {
  readonly #folders: Readonly<Record<string, string>>;
  readonly #mounts: S3Mounts;
  readonly #pageSize: number;
  /** ETags by path, kept while the file's size and modification time stay the same. */
  readonly #etags = new Map<string, { size: number; mtimeMs: number; etag: string }>();

  constructor(options: LocalS3Options) {
    this.#folders = options.folders;
    this.#mounts = new S3Mounts(options.folders);
    this.#pageSize = Math.min(MAX_KEYS, Math.max(1, options.pageSize ?? MAX_KEYS));
  }

  /** Whether a request is an S3 call: the Data API's are POSTs with an X-Amz-Target header. */
  static isS3(request: IncomingMessage): boolean {
    return !(request.method === 'POST' && request.headers['x-amz-target'] !== undefined);
  }

  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The body (of a write it refuses) is read first: answering before it is read can reset the connection
    // under the client, which would then see a network error instead of the answer.
    await new Promise<void>((resolve) => {
      request.on('end', resolve);
      request.on('error', () => resolve());
      request.resume();
    });
    const url = new URL(request.url ?? '/', 'http://localhost');
    const head = request.method === 'HEAD';
    try {
      // A malformed escape (%zz) throws here: an InternalError answer, not a crashed endpoint.
      const [bucketPart = '', ...keyParts] = url.pathname.slice(1).split('/');
      const bucket = decodeURIComponent(bucketPart);
      const key = keyParts.map(decodeURIComponent).join('/');
      if (bucket === '' || (request.method !== 'GET' && !head)) {
        throw new S3Error(501, 'NotImplemented', `The local endpoint answers S3 reads only (ListObjectsV2, GetObject, HeadObject, HeadBucket); not ${request.method} ${url.pathname}.`);
      }
      if (key === '') {
        if (head) return send(response, 200, {}, undefined);
        if (url.searchParams.get('list-type') !== '2') {
          throw new S3Error(501, 'NotImplemented', 'The local endpoint lists buckets with ListObjectsV2 (list-type=2) only.');
        }
        return send(response, 200, { 'content-type': 'application/xml' }, this.#list(bucket, url.searchParams));
      }
      const object = this.#object(bucket, key);
      const etag = this.#etag(object);
      const ifMatch = request.headers['if-match'];
      if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').some((t) => t.trim() === etag)) {
        throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', key);
      }
      if (request.headers['range'] !== undefined) throw new S3Error(501, 'NotImplemented', 'The local endpoint does not serve ranged GETs.', key);
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(object.size),
        etag,
        'last-modified': new Date(object.mtimeMs).toUTCString(),
        'accept-ranges': 'bytes',
      };
      return head ? send(response, 200, headers, undefined) : send(response, 200, headers, readFileSync(object.path));
    } catch (e) {
      const error = e instanceof S3Error ? e : new S3Error(500, 'InternalError', (e as Error).message ?? String(e));
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xml(error.message)}</Message>` +
        `${error.key === undefined ? '' : `<Key>${xml(error.key)}</Key>`}<RequestId>${randomUUID()}</RequestId></Error>`;
      // A HEAD response has no body: the SDK names the error from the status (NotFound for 404).
      send(response, error.status, { 'content-type': 'application/xml' }, head ? undefined : body);
    }
  }

  /** Every object of the bucket under the prefix, in key order; none for a bucket without a folder. */
  #objects(bucket: string, prefix: string): ListedObject[] {
    if (this.#folders[bucket] === undefined) return [];
    return this.#mounts.list(`s3://${bucket}/${prefix}`).map((o) => {
      const stat = statSync(o.path);
      return { key: o.uri.slice(`s3://${bucket}/`.length), path: o.path, size: stat.size, mtimeMs: stat.mtimeMs };
    });
  }

  #object(bucket: string, key: string): ListedObject {
    const found = this.#objects(bucket, key).find((o) => o.key === key);
    if (found === undefined) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', key);
    return found;
  }

  #etag(object: ListedObject): string {
    const known = this.#etags.get(object.path);
    if (known !== undefined && known.size === object.size && known.mtimeMs === object.mtimeMs) return known.etag;
    const etag = `"${createHash('md5').update(readFileSync(object.path)).digest('hex')}"`;
    this.#etags.set(object.path, { size: object.size, mtimeMs: object.mtimeMs, etag });
    return etag;
  }

  /** ListObjectsV2: keys after the continuation token (or start-after), at most max-keys and the page size. */
  #list(bucket: string, query: URLSearchParams): string {
    if (query.get('delimiter')) throw new S3Error(501, 'NotImplemented', 'The local endpoint lists without a delimiter only.');
    const prefix = query.get('prefix') ?? '';
    const token = query.get('continuation-token');
    let after = query.get('start-after') ?? '';
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('after:')) throw new S3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect');
      after = decoded.slice('after:'.length);
    }
    const maxKeysText = query.get('max-keys');
    const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
    const matching = this.#objects(bucket, prefix).filter((o) => o.key > after);
    const page = matching.slice(0, Math.min(maxKeys, this.#pageSize));
    const truncated = page.length < matching.length;
    const urlEncoded = query.get('encoding-type') === 'url';
    const name = (key: string) => xml(urlEncoded ? encodeURIComponent(key).replace(/%2F/g, '/') : key);
    const contents = page
      .map(
        (o) =>
          `<Contents><Key>${name(o.key)}</Key><LastModified>${new Date(o.mtimeMs).toISOString()}</LastModified>` +
          `<ETag>${xml(this.#etag(o))}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('');
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(bucket)}</Name><Prefix>${name(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
      `${urlEncoded ? '<EncodingType>url</EncodingType>' : ''}<IsTruncated>${truncated}</IsTruncated>` +
      `${token === null ? '' : `<ContinuationToken>${xml(token)}</ContinuationToken>`}` +
      `${truncated ? `<NextContinuationToken>${Buffer.from(`after:${page[page.length - 1]!.key}`).toString('base64url')}</NextContinuationToken>` : ''}` +
      `${contents}</ListBucketResult>`
    );
  }
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer | undefined): void {
  const length = body === undefined ? undefined : String(Buffer.byteLength(body));
  response.writeHead(status, { 'x-amz-request-id': randomUUID(), ...headers, ...(length === undefined || headers['content-length'] ? {} : { 'content-length': length }) });
  response.end(body);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
