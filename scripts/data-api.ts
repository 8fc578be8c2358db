/** npm run data-api — serve the Redshift Data API on 127.0.0.1 over a local warehouse, for any AWS client. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { runCli, userPath } from '../lib/cli';
import { type LocalTarget, localS3Folders, PROJECT_ROOT, resolveSettings, type Settings } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { DataApiEndpoint } from '../lib/data-api-endpoint/endpoint';
import { LocalWarehouse } from '../lib/warehouse/local/local-warehouse';

/** Its own warehouse, not npm run etl's: two processes must never open one PGlite folder at once. */
const DEFAULT_DIR = resolve(PROJECT_ROOT, '.warehouse', 'data-api');

const program = new Command('npm run data-api --')
  .description(
    "Serve the Amazon Redshift Data API's own protocol on 127.0.0.1, backed by a local warehouse: COPY reads " +
      's3:// URIs from the source folder. It also answers the Redshift Serverless GetWorkgroup and GetNamespace that ' +
      "npm run etl's preflight reads, and S3's ListObjectsV2, GetObject and HeadObject over the source folder (for the " +
      "source's buckets) and any --bucket folder; other buckets are empty. Point any AWS SDK or the AWS CLI at it with " +
      'AWS_ENDPOINT_URL alone (S3 path-style). It behaves like the services at their worst documented: COPY reports ' +
      'ResultRows 0, each access key is its own database user, listings come 1,000 keys a page (docs/data-api-endpoint.md).',
  )
  .option('--port <port>', 'port to listen on (0: any free one)', '7439')
  .option('--workgroup <name>', 'the workgroup name it answers to', 'sparkify')
  .option('--database <name>', 'the database name it answers to', 'dev')
  .option('--data-dir <dir>', 'folder of its local warehouse', DEFAULT_DIR)
  .option('--source <dir>', 'local folder standing in for the source bucket (default data/sample)')
  .option('--page-size <rows>', 'rows per GetStatementResult page', '1000')
  .option('--bucket <name=dir>', 'serve (and let COPY read) this bucket from this folder, such as the stack\'s staging bucket; repeatable', collect, [])
  .addHelpText(
    'after',
    `
Then, in another shell (any non-empty keys: signatures are not checked; the key id names the database user):
  AWS_ENDPOINT_URL=http://127.0.0.1:7439 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\
    npm run etl -- --target redshift --workgroup sparkify --database dev --region us-west-2`,
  );

void runCli(program, async () => {
  const flags = program.opts<{ port: string; workgroup: string; database: string; dataDir: string; source?: string; pageSize: string; bucket: string[] }>();
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number from 0 to 65535; got ${JSON.stringify(flags.port)}.`);
  const pageSize = Number(flags.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new ConfigError(`--page-size must be a whole number of rows, 1 or more; got ${JSON.stringify(flags.pageSize)}.`);
  // With --target local the settings always name the local warehouse.
  const settings = resolveSettings({ target: 'local', source: flags.source, dataDir: flags.dataDir }) as Settings<LocalTarget>;
  const folders = { ...localS3Folders(settings), ...bucketFolders(flags.bucket) };
  const warehouse = await LocalWarehouse.open({ dataDir: settings.target.dataDir, s3Folders: folders });
  let endpoint: DataApiEndpoint;
  try {
    endpoint = await DataApiEndpoint.start({ warehouse, port, workgroupName: flags.workgroup, database: flags.database, pageSize, s3: { folders } });
  } catch (e) {
    await warehouse.close();
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`Port ${port} is in use: stop what runs there, or give another with --port.`);
    throw e;
  }
  process.stderr.write(
    `Redshift Data API on ${endpoint.url} for workgroup ${flags.workgroup}, database ${flags.database}\n` +
      `  warehouse: ${warehouse.description}\n` +
      `  S3 (COPY and the S3 API): ${Object.entries(folders).map(([bucket, dir]) => `s3://${bucket} from ${dir}`).join(', ')}; other buckets empty\n` +
      `  use it:    AWS_ENDPOINT_URL=${endpoint.url} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\\n` +
      `               npm run etl -- --target redshift --workgroup ${flags.workgroup} --database ${flags.database} --region us-west-2\n` +
      'Ctrl-C stops it.\n',
  );
  // runCli's Ctrl-C handler exits at once; stop cleanly instead, so the warehouse is closed and flushed.
  for (const listener of process.listeners('SIGINT')) process.removeListener('SIGINT', listener);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  process.stderr.write('\nStopping: cancelling what still runs…\n');
  await endpoint.close();
  await warehouse.close();
});

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --bucket name=dir, each an existing folder. */
function bucketFolders(values: readonly string[]): Record<string, string> {
  const folders: Record<string, string> = {};
  for (const value of values) {
    const m = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])=(.+)$/.exec(value);
    if (m === null) throw new ConfigError(`--bucket takes a bucket name and a folder, as --bucket sparkify-staging=./staged; got ${JSON.stringify(value)}.`);
    const dir = userPath(m[2]!);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`--bucket ${m[1]}: the folder ${dir} does not exist or is not a folder.`);
    folders[m[1]!] = dir;
  }
  return folders;
}
