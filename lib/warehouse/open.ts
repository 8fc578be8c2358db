/** Opens the warehouse the settings name: the pipeline and the scripts never construct one themselves. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localS3Folders, type Settings } from '../config';
import { SparkifyError } from '../errors';
import { LocalWarehouse } from './local/local-warehouse';
import type { Warehouse } from './warehouse';

export interface OpenOptions {
  /** Refuse to create an empty local warehouse: for commands that only read (query, analytics). */
  readonly mustExist?: boolean;
}

export async function openWarehouse(settings: Settings, options: OpenOptions = {}): Promise<Warehouse> {
  const { target } = settings;
  if (options.mustExist && !existsSync(join(target.dataDir, 'PG_VERSION'))) {
    throw new SparkifyError(`The warehouse is empty: there is no local warehouse in ${target.dataDir} yet; run npm run etl first.`);
  }
  return LocalWarehouse.open({ dataDir: target.dataDir, s3Folders: localS3Folders({ ...settings, target }) });
}
