/** The Redshift Serverless preflight over mocked SDK clients (aws-sdk-client-mock), as the Data API is mocked. */
import { ListDatabasesCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { GetNamespaceCommand, GetWorkgroupCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConfigError } from '../../lib/errors';
import { attachedRoles, preflight, type PreflightOptions } from '../../lib/warehouse/redshift/preflight';
import { awsError } from './mock-data-api';

const ROLE = 'arn:aws:iam::123456789012:role/sparkify-copy';
const roleString = (arn: string) => `IamRole(applyStatus=in-sync, iamRoleArn=${arn})`;

function setUp(options: Partial<PreflightOptions> = {}) {
  const serverless = new RedshiftServerlessClient({ region: 'us-west-2' });
  const data = new RedshiftDataClient({ region: 'us-west-2' });
  const sls = mockClient(serverless);
  const api = mockClient(data);
  sls.on(GetWorkgroupCommand).resolves({ workgroup: { workgroupName: 'sparkify', namespaceName: 'sparkify-ns', status: 'AVAILABLE' } });
  sls.on(GetNamespaceCommand).resolves({ namespace: { namespaceName: 'sparkify-ns', dbName: 'dev', iamRoles: [roleString(ROLE)], defaultIamRoleArn: ROLE } });
  const progress: string[] = [];
  const run = () =>
    preflight({
      workgroupName: 'sparkify',
      database: 'dev',
      region: 'us-west-2',
      iamRole: ROLE,
      serverless,
      data,
      timeoutMs: 1000,
      pollMs: 1,
      onProgress: (line) => progress.push(line),
      ...options,
    });
  return { sls, api, progress, run };
}

test('an AVAILABLE workgroup whose namespace has the role attached, in its own database, passes', async () => {
  const { sls, run } = setUp();
  await run();
  expect(sls).toHaveReceivedCommandWith(GetWorkgroupCommand, { workgroupName: 'sparkify' });
  expect(sls).toHaveReceivedCommandWith(GetNamespaceCommand, { namespaceName: 'sparkify-ns' });
});

test('a workgroup that does not exist names the workgroup and region settings (exit 2)', async () => {
  const { sls, run } = setUp();
  sls.on(GetWorkgroupCommand).rejects(awsError('ResourceNotFoundException', 'Workgroup sparkify not found.'));
  const error: ConfigError = await run().catch((e) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toBe(
    'There is no Redshift Serverless workgroup "sparkify" in us-west-2 (Workgroup sparkify not found). Name the right one with --workgroup ' +
      '(SPARKIFY_WORKGROUP), give the region it is in with --region (SPARKIFY_REGION), or deploy the stack with npx cdk deploy.',
  );
});

test('a workgroup being modified is waited for, with progress, until it is AVAILABLE', async () => {
  const { sls, run, progress } = setUp();
  sls
    .on(GetWorkgroupCommand)
    .resolvesOnce({ workgroup: { namespaceName: 'sparkify-ns', status: 'CREATING' } })
    .resolvesOnce({ workgroup: { namespaceName: 'sparkify-ns', status: 'MODIFYING' } })
    .resolves({ workgroup: { namespaceName: 'sparkify-ns', status: 'AVAILABLE' } });
  await run();
  expect(progress).toEqual([
    expect.stringMatching(/^the workgroup "sparkify" is CREATING: waiting for it to be AVAILABLE \(\d+ s so far\)$/),
    expect.stringMatching(/^the workgroup "sparkify" is MODIFYING: waiting/),
  ]);
});

test('a workgroup still MODIFYING at the timeout says to run again or allow longer', async () => {
  const { sls, run } = setUp({ timeoutMs: 20, pollMs: 5 });
  sls.on(GetWorkgroupCommand).resolves({ workgroup: { namespaceName: 'sparkify-ns', status: 'MODIFYING' } });
  await expect(run()).rejects.toThrow(/^The workgroup "sparkify" was still MODIFYING after 0 s\. .*--statement-timeout/);
});

test('a workgroup being deleted is not waited for', async () => {
  const { sls, run } = setUp();
  sls.on(GetWorkgroupCommand).resolves({ workgroup: { namespaceName: 'sparkify-ns', status: 'DELETING' } });
  await expect(run()).rejects.toThrow(/^The workgroup "sparkify" is DELETING, not AVAILABLE.*It is being deleted: deploy the stack again/);
  expect(sls).toHaveReceivedCommandTimes(GetWorkgroupCommand, 1);
});

test('a COPY role the namespace does not have names the setting and the roles it has', async () => {
  const { run } = setUp({ iamRole: 'arn:aws:iam::123456789012:role/other' });
  const error: ConfigError = await run().catch((e) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toMatch(
    /^COPY names the IAM role arn:aws:iam::123456789012:role\/other \(SPARKIFY_IAM_ROLE, or RoleArn in cdk-outputs\.json\), but the namespace sparkify-ns does not have it attached, so COPY could not use it\. It has arn:aws:iam::123456789012:role\/sparkify-copy attached\./,
  );
});

test('IAM_ROLE default needs the namespace to have a default role', async () => {
  const { sls, run } = setUp({ iamRole: 'default' });
  await run();
  sls.on(GetNamespaceCommand).resolves({ namespace: { namespaceName: 'sparkify-ns', dbName: 'dev', iamRoles: [roleString(ROLE)] } });
  await expect(run()).rejects.toThrow(/^COPY uses IAM_ROLE default, but the namespace sparkify-ns has no default IAM role\. It has .* attached\. Set SPARKIFY_IAM_ROLE/);
});

test('a database other than the namespace\'s is looked up with ListDatabases; a missing one names --database', async () => {
  const { api, run } = setUp({ database: 'analytics' });
  api.on(ListDatabasesCommand).resolves({ Databases: ['dev', 'analytics'] });
  await run();
  expect(api).toHaveReceivedCommandWith(ListDatabasesCommand, { WorkgroupName: 'sparkify', Database: 'dev' });
  api.on(ListDatabasesCommand).resolves({ Databases: ['dev'] });
  await expect(run()).rejects.toThrow(/^There is no database "analytics" in the workgroup "sparkify" \(it has dev\)\. Give one of those with --database/);
});

test('an identity that may not read the workgroup is not stopped: the checks are skipped with a warning', async () => {
  const { sls, run, progress } = setUp();
  sls.on(GetWorkgroupCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform redshift-serverless:GetWorkgroup'));
  await run();
  expect(progress).toEqual([expect.stringMatching(/^preflight skipped: this identity may not read the workgroup \(AccessDeniedException\)/)]);
});

test("the namespace's roles are read in either of the forms GetNamespace gives them", () => {
  expect(
    attachedRoles({
      iamRoles: [roleString(ROLE), `IamRole(iamRoleArn=arn:aws:iam::1:role/b, applyStatus=in-sync)`, 'arn:aws:iam::1:role/c'],
    }),
  ).toEqual([ROLE, 'arn:aws:iam::1:role/b', 'arn:aws:iam::1:role/c']);
});
