/**
 * The source's files as a listing gives them: each object's URI, size and version, where the version is
 * what changes when the file does — on S3 the ETag ListObjectsV2 returns (no extra request per object), in
 * a local folder the file's modification time. `--new` compares them with loaded_files (what each published
 * day was loaded from) to find the days that are new or changed.
 *
 * The local listing is in local-files.ts, apart, so that the scheduled loader's bundle, which imports this
 * module, holds nothing of the local warehouse.
 */
import { SparkifyError } from '../errors';
import { parseS3Uri, s3ClientConfig } from '../s3-uri';

export interface SourceFile {
  /** s3://bucket/key */
  readonly uri: string;
  readonly size: number;
  /**
   * What changes when the file does: the ETag S3 lists (for a single-part upload, the hex MD5 of the content
   * in double quotes), or `mtime:<ms since the epoch>` for a file in a local folder.
   */
  readonly version: string;
}

/** Every object whose key starts with the URI's prefix, in key order. */
export type ListFiles = (prefixUri: string) => Promise<SourceFile[]>;

/**
 * The listing of an S3 prefix: ListObjectsV2 page after page (at most 1,000 keys each, with continuation
 * tokens), with the SDK's default credentials, in the bucket's `region`. AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL point it elsewhere (such as the local endpoint, npm run data-api), path-style.
 */
export function s3Files(region: string, env: NodeJS.ProcessEnv = process.env): ListFiles {
  return async (prefixUri) => {
    // Loaded only when listing S3: the local target never needs the S3 client.
    const { S3Client, paginateListObjectsV2 } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    const { bucket, key } = parseS3Uri(prefixUri);
    const client = new S3Client(s3ClientConfig(region, env));
    const files: SourceFile[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: key })) {
        for (const object of page.Contents ?? []) {
          if (object.Key) files.push({ uri: `s3://${bucket}/${object.Key}`, size: Number(object.Size ?? 0), version: object.ETag ?? '' });
        }
      }
    } catch (e) {
      const name = (e as { name?: string }).name ?? 'Error';
      throw new SparkifyError(
        `Could not list the files under ${prefixUri} (${name}: ${(e as Error).message}). The ETL lists the source to find the days ` +
          'it holds and which files changed: the identity running it needs s3:ListBucket on that bucket (and AWS credentials).',
        name === 'NoSuchBucket' ? 2 : 1,
        { cause: e },
      );
    } finally {
      client.destroy();
    }
    return files;
  };
}
