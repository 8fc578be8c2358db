/** Opens the warehouse the settings name: the pipeline and the scripts never construct one themselves. */
import { type Flags, localS3Folders, resolveSettings, type Settings } from '../config';
import { handleInterrupts } from '../interrupts';
import type { WaitOptions } from './local/data-folder';
import { LocalWarehouse } from './local/local-warehouse';
import { cancelOnInterrupt } from './redshift/cli';
import type { Warehouse } from './warehouse';

export interface OpenOptions {
  /** Refuse to create an empty local warehouse: for commands that only read (query, analytics). */
  readonly mustExist?: boolean;
  /**
   * Lines about slow work: statements that run long on Redshift (which one, its status, for how long), the
   * local warehouse's one-time template.
   * @default dropped
   */
  readonly onProgress?: (line: string) => void;
  /**
   * Aborting it cancels the statement running on Redshift (the local warehouse cannot stop a statement midway).
   * @default not cancellable
   */
  readonly signal?: AbortSignal;
  /**
   * While another process owns the local warehouse: how long to wait for it, and where to say so.
   * @default data-folder.ts's DEFAULT_WAIT_S, silently
   */
  readonly wait?: WaitOptions;
  /** The command loads the warehouse (ETL): it also waits for any other load, also one through npm run serve. */
  readonly writer?: boolean;
}

export async function openWarehouse(settings: Settings, options: OpenOptions = {}): Promise<Warehouse> {
  const { target } = settings;
  if (target.kind === 'redshift') {
    // Loaded only for Redshift: loading the AWS SDK is a noticeable part of a local run's start-up.
    const { RedshiftDataApiWarehouse } = require('./redshift/redshift-warehouse') as typeof import('./redshift/redshift-warehouse');
    return new RedshiftDataApiWarehouse({
      workgroupName: target.workgroupName,
      database: target.database,
      secretArn: target.secretArn,
      region: target.region,
      endpoint: target.endpoint,
      polling: { timeoutMs: target.statementTimeoutMs },
      onProgress: options.onProgress,
      signal: options.signal,
    });
  }
  // From here on Ctrl-C and SIGTERM stop the work at the next statement, so the warehouse closes cleanly.
  handleInterrupts();
  return LocalWarehouse.open({
    dataDir: target.dataDir,
    s3Folders: localS3Folders({ ...settings, target }),
    mustExist: options.mustExist,
    wait: options.wait,
    writer: options.writer,
    onProgress: options.onProgress,
  });
}

/**
 * Opens the warehouse for a command that only reads a loaded mart (query, analytics): it must exist, long
 * Redshift statements report progress on stderr, and Ctrl-C cancels the running statement there.
 */
export async function openForReading(flags: Flags, wait?: WaitOptions): Promise<Warehouse> {
  const settings = resolveSettings(flags);
  return openWarehouse(settings, {
    mustExist: true,
    wait,
    onProgress: (line) => process.stderr.write(`… ${line}\n`),
    signal: settings.target.kind === 'redshift' ? cancelOnInterrupt() : undefined,
  });
}
