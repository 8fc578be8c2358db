/** A RedshiftDataApiWarehouse over a mocked SDK client (aws-sdk-client-mock), with polling and retries made quick. */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { RedshiftDataApiWarehouse, type RedshiftDataApiWarehouseOptions } from '../../lib/warehouse/redshift/redshift-warehouse';

// The SDK warns once per process that it will soon need a newer Node; that is for the machine's owner, not these tests.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export const STATEMENT_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

export function mockedWarehouse(options: Partial<RedshiftDataApiWarehouseOptions> = {}) {
  const client = new RedshiftDataClient({ region: 'us-west-2' });
  const mock = mockClient(client);
  const progress: string[] = [];
  const warehouse = new RedshiftDataApiWarehouse({
    workgroupName: 'sparkify',
    database: 'sparkify',
    region: 'us-west-2',
    client,
    polling: { firstMs: 1, capMs: 4, progressAfterMs: 0, progressEveryMs: 0 },
    retry: { attempts: 4, baseMs: 1, capMs: 4 },
    onProgress: (line) => progress.push(line),
    ...options,
  });
  return { mock, warehouse, progress };
}

/** An error as the SDK raises it for an AWS error code, modeled or not. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode }, $fault: httpStatusCode >= 500 ? 'server' : 'client' });
}
