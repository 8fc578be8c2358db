/** A local Data API endpoint over a fresh test warehouse, and the real SDK client pointed at it. */
import { join, resolve } from 'node:path';
import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DataApiEndpoint, type DataApiEndpointOptions } from '../../lib/data-api-endpoint/endpoint';
import { openTestWarehouse, SAMPLE_DIR, type TestWarehouse } from '../helpers/local-warehouse';

// The SDK warns once per process that it will soon need a newer Node; that is for the machine's owner, not these tests.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export interface LocalEndpoint {
  readonly db: TestWarehouse;
  readonly endpoint: DataApiEndpoint;
  /** The SDK's own client, signing its requests with dummy keys, with the SDK's retries off. */
  readonly client: RedshiftDataClient;
  dispose(): Promise<void>;
}

export async function startLocalEndpoint(
  options: Omit<Partial<DataApiEndpointOptions>, 'warehouse'> = {},
  s3Folders?: Record<string, string>,
): Promise<LocalEndpoint> {
  const db = await openTestWarehouse(s3Folders);
  // S3 calls are answered over the same folders the warehouse's COPY reads.
  const endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse, s3: { folders: s3Folders ?? { 'udacity-dend': SAMPLE_DIR } }, ...options });
  const client = new RedshiftDataClient({
    endpoint: endpoint.url,
    region: 'us-west-2',
    credentials: { accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
  return {
    db,
    endpoint,
    client,
    async dispose() {
      client.destroy();
      await endpoint.close();
      await db.dispose();
    },
  };
}

/** Polls until the statement has ended, and returns its description. */
export async function ended(client: RedshiftDataClient, id: string) {
  for (;;) {
    const description = await client.send(new DescribeStatementCommand({ Id: id }));
    if (description.Status === 'FINISHED' || description.Status === 'FAILED' || description.Status === 'ABORTED') return description;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * The environment of a script run against `endpoint`: this process's environment without any AWS or
 * SPARKIFY setting, dummy keys, and nothing of this machine's AWS or cdk settings. AWS_ENDPOINT_URL alone
 * points every client at the endpoint: the Data API, Redshift Serverless and S3.
 */
export function endpointEnvironment(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|SPARKIFY_)/.test(name))),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIALOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_CONFIG_FILE: join(ROOT, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'no-such-aws-credentials'),
    SPARKIFY_CDK_OUTPUTS: join(ROOT, 'no-such-cdk-outputs.json'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
