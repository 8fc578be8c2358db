/**
 * The source listing of the local target: the folders standing in for buckets, as the local COPY sees them,
 * each file's version its modification time (source-files.ts has the S3 listing). Kept apart from it so that
 * what runs on Redshift alone (the scheduled loader's bundle) never reaches lib/warehouse/local.
 */
import { statSync } from 'node:fs';
import { S3Mounts } from '../warehouse/local/copy/s3-mounts';
import { type ListLogDays, logDays } from './log-days';
import type { ListFiles } from './source-files';

/** Size and modification time of every file under a prefix. */
export function localFiles(s3Folders: Readonly<Record<string, string>>): ListFiles {
  return async (prefixUri) =>
    new S3Mounts(s3Folders).list(prefixUri).map((o) => {
      const stat = statSync(o.path);
      return { uri: o.uri, size: stat.size, version: `mtime:${Math.trunc(stat.mtimeMs)}` };
    });
}

/** The log days of local folders standing in for buckets. */
export function localLogDays(s3Folders: Readonly<Record<string, string>>): ListLogDays {
  return logDays(localFiles(s3Folders));
}
