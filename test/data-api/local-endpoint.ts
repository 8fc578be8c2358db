/** A local Data API endpoint over a fresh test warehouse, and the real SDK client pointed at it. */
import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DataApiEndpoint, type DataApiEndpointOptions } from '../../lib/data-api-endpoint/endpoint';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

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
  const endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse, ...options });
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
