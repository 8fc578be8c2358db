/**
 * Which days the source holds log files for, read from the listing of the events prefix before a daily run
 * opens the warehouse: a date outside the data is refused up front, and a backfill reports and skips the days
 * that have no file. Locally the listing is the source folder's (the same S3 prefix rules the COPY emulation
 * follows); on Redshift it is S3's ListObjectsV2, with the credentials of whoever runs the ETL.
 */
import { ConfigError, SparkifyError } from '../errors';
import { quietNodeVersionNotice } from '../sdk-notice';
import { parseS3Uri, S3Mounts } from '../warehouse/local/copy/s3-mounts';
import { dayOfKey } from './days';

export interface LogListing {
  /** Days with at least one log file, sorted. */
  readonly days: readonly string[];
  /** Keys under the events prefix that name no day: a full load reads them, a daily load never does. */
  readonly undated: readonly string[];
}

export type ListLogDays = (eventsUri: string) => Promise<LogListing>;

/** The days of a prefix's keys. */
export function listingOf(eventsUri: string, uris: readonly string[]): LogListing {
  const prefix = eventsUri.replace(/\/+$/, '');
  const days = new Set<string>();
  const undated: string[] = [];
  for (const uri of uris) {
    const day = uri.startsWith(`${prefix}/`) ? dayOfKey(uri.slice(prefix.length)) : undefined;
    if (day === undefined) undated.push(uri);
    else days.add(day);
  }
  return { days: [...days].sort(), undated };
}

/** The listing of local folders standing in for buckets, as the local COPY sees them. */
export function localLogDays(s3Folders: Readonly<Record<string, string>>): ListLogDays {
  const mounts = new S3Mounts(s3Folders);
  return async (eventsUri) => listingOf(eventsUri, mounts.list(eventsUri).map((o) => o.uri));
}

/** The listing of the events prefix in S3 (the SDK's default credentials; the bucket's region). */
export function s3LogDays(region: string): ListLogDays {
  return async (eventsUri) => {
    // Loaded only when listing S3: the local target never needs the S3 client.
    const { S3Client, paginateListObjectsV2 } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    const { bucket, key } = parseS3Uri(eventsUri);
    quietNodeVersionNotice();
    const client = new S3Client({ region });
    const uris: string[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: key })) {
        for (const object of page.Contents ?? []) if (object.Key) uris.push(`s3://${bucket}/${object.Key}`);
      }
    } catch (e) {
      const name = (e as { name?: string }).name ?? 'Error';
      throw new SparkifyError(
        `Could not list the log files under ${eventsUri} (${name}: ${(e as Error).message}). A daily load lists the events prefix ` +
          'to find the days it holds: the identity running the ETL needs s3:ListBucket on that bucket (and AWS credentials).',
        name === 'NoSuchBucket' ? 2 : 1,
        { cause: e },
      );
    } finally {
      client.destroy();
    }
    return listingOf(eventsUri, uris);
  };
}

/** Refuses a listing with no day at all: nothing a daily load could read. */
export function assertHasDays(listing: LogListing, eventsUri: string): void {
  if (listing.days.length === 0) {
    throw new ConfigError(
      `No log file under ${eventsUri} is named by a day (log_data/YYYY/MM/YYYY-MM-DD-events.json), so there is no day to load. ` +
        'Check SPARKIFY_EVENTS_URI or --source, or run a full load.',
    );
  }
}
