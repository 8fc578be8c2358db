/**
 * The staging bucket in the stack's template: locked down, readable by the COPY role, writable only by the
 * stager, emptied and deleted by destroy, named in the outputs; cdk-nag clean with each acknowledgement explained.
 */
import { App, CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFromContext } from '../../lib/infra/settings';
import { WarehouseStack } from '../../lib/infra/warehouse-stack';

const outdir = mkdtempSync(join(tmpdir(), 'staging-bucket-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const WRITER = 'arn:aws:iam::123456789012:role/data-engineer';
// No bundling: the functions' code is not what these tests read.
const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new WarehouseStack(app, 'SparkifyWarehouse', { settings: settingsFromContext((name) => (name === 'stagingWriterArns' ? WRITER : undefined)) });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
const template = Template.fromJSON(JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')));
const id = (element: unknown) => stack.getLogicalId(element as CfnElement);
const bucketId = id(stack.stagingBucket.bucket.node.defaultChild);
const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
const objectsArn = { 'Fn::Join': ['', [bucketArn, '/*']] };

test('public access blocked, encrypted, no ACLs, deleted with the stack', () => {
  template.hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    Properties: {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    },
  });
});

test('the bucket policy denies plain HTTP, and writes by anyone but the stager and the emptying function', () => {
  const emptierRole = id(stack.stagingBucket.node.findChild('EmptyOnDeleteRole').node.defaultChild);
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucketId },
    PolicyDocument: {
      Statement: [
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: [bucketArn, objectsArn] },
        {
          Sid: 'OnlyTheStagerWrites',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['s3:PutObject', 's3:DeleteObject'],
          Resource: objectsArn,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [WRITER, { 'Fn::GetAtt': [emptierRole, 'Arn'] }] } },
        },
      ],
    },
  });
});

test('the COPY role may list the bucket and read its objects, nothing more', () => {
  const role = id(stack.sourceReadRole.role.node.defaultChild);
  const [, copyRole] = Object.entries(template.findResources('AWS::IAM::Role')).find(([key]) => key === role)!;
  // In the role's own inline policy, after the source buckets' two statements: no separate policy resource.
  expect(copyRole.Properties.Policies[0].PolicyDocument.Statement.slice(2)).toEqual([
    { Sid: 'ListStagingBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn },
    { Sid: 'ReadStagedCatalogue', Effect: 'Allow', Action: 's3:GetObject', Resource: objectsArn },
  ]);
  template.resourceCountIs('AWS::IAM::Policy', 0);
});

test('destroy empties the bucket first, with a function whose role and logs are the stack\'s own', () => {
  const [resource] = Object.values(template.findResources('Custom::EmptyBucket'));
  expect(resource.Properties.BucketName).toEqual({ Ref: bucketId });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: 'Empties the staging bucket on cdk destroy',
    LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
  });
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('staging bucket') } });
  const [role] = Object.values(roles);
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  expect(role.Properties.Policies[0].PolicyDocument.Statement.slice(0, 2)).toEqual([
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
    { Effect: 'Allow', Action: 's3:DeleteObject', Resource: objectsArn },
  ]);
});

test('its name is the StagingBucket output', () => {
  expect(template.toJSON().Outputs.StagingBucket.Value).toEqual({ Ref: bucketId });
});

test('cdk-nag finds nothing unacknowledged', () => {
  const reportFile = join(outdir, 'validation-report.json');
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  expect(report.pluginReports.flatMap((p: { violations: unknown[] }) => p.violations)).toEqual([]);
});

test('a writer that is a session, not a role, is refused', () => {
  expect(() => settingsFromContext((name) => (name === 'stagingWriterArns' ? 'arn:aws:sts::123456789012:assumed-role/x/y' : undefined))).toThrow(
    /stagingWriterArns 'arn:aws:sts::123456789012:assumed-role\/x\/y' is not valid: expected IAM user or role ARNs/,
  );
});

test('without stagingWriterArns nobody but the emptying function may write (not the whole account)', () => {
  const bare = new App({ outdir: mkdtempSync(join(outdir, 'bare-')), context: { 'aws:cdk:bundling-stacks': [] } });
  const bareStack = new WarehouseStack(bare, 'SparkifyWarehouse', { settings: settingsFromContext(() => undefined) });
  const bareTemplate = Template.fromStack(bareStack);
  const emptierRole = bareStack.getLogicalId(bareStack.stagingBucket.node.findChild('EmptyOnDeleteRole').node.defaultChild as CfnElement);
  bareTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'OnlyTheStagerWrites', Condition: { ArnNotLike: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [emptierRole, 'Arn'] }] } } }),
      ]),
    },
  });
});
