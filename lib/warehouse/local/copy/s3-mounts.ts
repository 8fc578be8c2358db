/**
 * Maps S3 buckets to local folders, so the COPY that Redshift runs against `s3://udacity-dend/log_data`
 * reads `data/sample/log_data` locally. S3 has no folders: a COPY source is a key *prefix*, so
 * `s3://bucket/log_data` matches `log_data/2018/…` and also `log_data_old/…`, exactly as on S3.
 */
import { type Dirent, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ConfigError } from '../../../errors';
import { parseS3Uri } from '../../../s3-uri';

export interface S3Object {
  /** The object's URI, as Redshift names it in sys_load_error_detail. */
  readonly uri: string;
  /** The local file behind it. */
  readonly path: string;
}

export class S3Mounts {
  readonly #folders: ReadonlyMap<string, string>;

  /** @param folders local folder by bucket name */
  constructor(folders: Readonly<Record<string, string>>) {
    this.#folders = new Map(Object.entries(folders));
  }

  /** The local path of one object (for a JSONPaths file). */
  resolve(uri: string): S3Object {
    const { bucket, key } = parseS3Uri(uri);
    return { uri, path: join(this.#folder(bucket, uri), ...key.split('/')) };
  }

  /** Every object whose key starts with the URI's prefix, in key order (as S3 lists them). */
  list(uri: string): S3Object[] {
    const { bucket, key: prefix } = parseS3Uri(uri);
    const root = this.#folder(bucket, uri);
    // Only the folder holding the prefix's last segment can contain matches; walk from there.
    const cut = prefix.lastIndexOf('/');
    const start = join(root, ...prefix.slice(0, cut + 1).split('/'));
    const found: S3Object[] = [];
    const walk = (dir: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // no such folder: no such keys
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        const key = relative(root, path).split(sep).join('/');
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) walk(path);
        } else if (key.startsWith(prefix)) {
          found.push({ uri: `s3://${bucket}/${key}`, path });
        }
      }
    };
    walk(start);
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  #folder(bucket: string, uri: string): string {
    const folder = this.#folders.get(bucket);
    if (folder === undefined) {
      const known = [...this.#folders.keys()].map((b) => `s3://${b}`).join(', ') || 'none';
      throw new ConfigError(
        `No local folder stands in for the bucket of ${uri} (buckets mapped: ${known}). ` +
          'Point the local warehouse at a folder for it (npm run etl -- --source <dir> maps the source bucket).',
      );
    }
    return folder;
  }
}

