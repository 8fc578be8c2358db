/** Every way a Data API call can fail for a reason the user must fix, as the one-paragraph message they read. */
import { DescribeStatementCommand, ExecuteStatementCommand, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-redshift-data';
import { ConfigError, SparkifyError } from '../../lib/errors';
import { apiError } from '../../lib/warehouse/redshift/errors';
import { awsError, mockedWarehouse, STATEMENT_ID } from './mock-data-api';

const context = { operation: 'ExecuteStatement', workgroupName: 'sparkify', database: 'sparkify', region: 'us-west-2' };

/** The message a failure of the first ExecuteStatement gives. */
async function messageFor(error: Error): Promise<SparkifyError> {
  const { mock, warehouse } = mockedWarehouse();
  mock.on(ExecuteStatementCommand).rejects(error);
  return warehouse.run([{ sql: 'SELECT 1' }]).then(
    () => {
      throw new Error('the call should have failed');
    },
    (e: SparkifyError) => e,
  );
}

test('no credentials at all: sign in, or work offline (exit 2)', async () => {
  const error = await messageFor(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.exitCode).toBe(2);
  expect(error.message).toMatch(/^No AWS credentials were found .* aws sso login, aws configure, or AWS_ACCESS_KEY_ID .* --target local\.$/);
});

test('expired credentials: sign in again', async () => {
  const error = await messageFor(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toBe(
    'Your AWS credentials have expired (ExpiredTokenException: The security token included in the request is expired). Sign in again (for example aws sso login) and run again.',
  );
});

test('credentials AWS does not know: check the profile or keys', async () => {
  const error = await messageFor(awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'));
  expect(error.message).toMatch(/^AWS did not accept your credentials \(UnrecognizedClientException: .*\)\. Check which profile or keys are in use/);
});

test('an identity without permission: the actions it needs', async () => {
  const error = await messageFor(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/x is not authorized to perform: redshift-data:ExecuteStatement'));
  expect(error.message).toMatch(/^Your AWS identity may not call ExecuteStatement on workgroup "sparkify" in us-west-2 .*redshift-serverless:GetCredentials/);
});

test('no region anywhere: where to give one', async () => {
  const error = await messageFor(new Error('Region is missing'));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toMatch(/^No AWS region is set for the Data API\. Give --region/);
});

test.each([
  ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'Workgroup sparkify not found.', Message: 'Workgroup sparkify not found.', ResourceId: 'sparkify', $metadata: {} })],
  ['ValidationException', new ValidationException({ message: "Redshift endpoint doesn't exist in this region.", $metadata: {} })],
])('a workgroup that does not exist (%s), or the wrong region: both named, and what to do', async (_, cause) => {
  const error = await messageFor(cause);
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toMatch(/^There is no Redshift Serverless workgroup "sparkify" in us-west-2 .* give --region; .* npx cdk deploy; .* --workgroup\.$/);
});

test('a statement id that does not exist is not mistaken for a missing workgroup', async () => {
  const { mock, warehouse } = mockedWarehouse();
  mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
  mock.on(DescribeStatementCommand).rejects(new ResourceNotFoundException({ message: 'Query does not exist.', Message: 'Query does not exist.', ResourceId: STATEMENT_ID, $metadata: {} }));
  await expect(warehouse.run([{ sql: 'SELECT 1' }])).rejects.toThrow(
    'The Data API call DescribeStatement on workgroup "sparkify" in us-west-2 failed: ResourceNotFoundException: Query does not exist.',
  );
});

test('a database the namespace does not have: give the stack database', async () => {
  const { mock, warehouse } = mockedWarehouse();
  mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
  mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FAILED', Error: 'FATAL: database "sparkfy" does not exist' });
  await expect(warehouse.query('SELECT 1')).rejects.toThrow(/database "sparkfy" does not exist\. Give the database the stack created with --database/);
});

test('a local endpoint that is not running: start it, or unset the variable', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7439'), { code: 'ECONNREFUSED' });
  const error = apiError(refused, { ...context, endpoint: 'http://127.0.0.1:7439' });
  expect(error.message).toMatch(/^Nothing answers at http:\/\/127\.0\.0\.1:7439 \(AWS_ENDPOINT_URL_REDSHIFT_DATA\)\. Start the local endpoint with npm run data-api/);
});

test('a region that does not exist cannot be reached: check it', () => {
  const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND redshift-data.us-west-9.amazonaws.com'), { code: 'ENOTFOUND', name: 'Error' });
  const error = apiError(unknown, { ...context, region: 'us-west-9' });
  expect(error.message).toMatch(/^Cannot reach the Data API for us-west-9 .*Check that the region is a real one/);
});

test('anything else still reads as one paragraph with the AWS error code', () => {
  const error = apiError(awsError('SomethingNew', 'Odd.'), context);
  expect(error).toBeInstanceOf(SparkifyError);
  expect(error.message).toBe('The Data API call ExecuteStatement on workgroup "sparkify" in us-west-2 failed: SomethingNew: Odd.');
});
