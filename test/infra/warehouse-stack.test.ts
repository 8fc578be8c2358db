/**
 * The synthesized CloudFormation template, checked property by property, plus cdk-nag's AwsSolutions
 * rules. Only three stacks are synthesized (default, operator CIDR with custom settings, public CIDR
 * explicitly allowed) and shared by the tests, to keep the file fast.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { OUTPUT_KEYS } from '../../lib/infra/outputs';
import { DEFAULT_SETTINGS, settingsFromContext } from '../../lib/infra/settings';
import { WarehouseStack } from '../../lib/infra/warehouse-stack';

const ROOT = path.resolve(__dirname, '../..');

/** Cloud assembly folders written by these tests, removed at the end. */
const outdirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warehouse-stack-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Synthesized {
  readonly stack: WarehouseStack;
  readonly template: Template;
  /** cdk-nag's findings (rule, severity, construct path) from the validation report. */
  readonly violations: { rule: string; severity: string; paths: string[] }[];
}

/** Synthesizes one stack the way bin/ does: settings from context, AwsSolutions checks on the app. */
function synth(context: Record<string, unknown>, change?: (stack: WarehouseStack) => void): Synthesized {
  const outdir = tempDir();
  const app = new App({ outdir });
  const settings = settingsFromContext((name) => context[name]);
  const stack = new WarehouseStack(app, settings.stackName, { settings });
  change?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let violations: Synthesized['violations'] = [];
  try {
    app.synth();
  } catch (error) {
    // An unacknowledged error-level finding fails the synth; the report below says which.
    if (!/validation ?failed/i.test(String(error))) throw error;
  } finally {
    const reportFile = path.join(outdir, 'validation-report.json');
    if (fs.existsSync(reportFile)) {
      const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
      violations = report.pluginReports
        .filter((plugin: { pluginName: string }) => plugin.pluginName === 'AwsSolutions')
        .flatMap((plugin: { violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }) =>
          plugin.violations.map((v) => ({ rule: v.ruleName, severity: v.severity, paths: v.violatingConstructs.map((c) => c.constructPath) })),
        );
    }
  }
  // Read the template synth wrote, rather than Template.fromStack, which would synthesize (and validate) again.
  const templateFile = path.join(outdir, stack.templateFile);
  return { stack, template: Template.fromJSON(JSON.parse(fs.readFileSync(templateFile, 'utf8'))), violations };
}

/** Every acknowledgement recorded on the construct tree: rule id → reason. */
function acknowledgements(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id, reason);
    }
  }
  return found;
}

function only<T>(record: Record<string, T>): [string, T] {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0];
}

const bucketArn = (bucket: string, suffix = '') => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}${suffix}`]] });

let standard: Synthesized;
let operator: Synthesized;
let everyone: Synthesized;

beforeAll(() => {
  standard = synth({});
  operator = synth({
    stackName: 'SparkifyWarehouseTest',
    namespaceName: 'sparkify-test',
    workgroupName: 'sparkify-test-wg',
    databaseName: 'dwh',
    adminUsername: 'dwh_admin',
    baseCapacity: '32',
    maxCapacity: '64',
    port: '5440',
    ingressCidr: '203.0.113.0/24',
    sourceBuckets: 'udacity-dend,sparkify-extra',
    availabilityZones: 'us-west-2a,us-west-2b,us-west-2d',
  });
  everyone = synth({ ingressCidr: '0.0.0.0/0', allowPublicIngress: 'true' });
});

describe('IAM role for COPY', () => {
  test('trusted by Redshift and Redshift Serverless, reads only the source buckets', () => {
    const [, role] = only(
      standard.template.findResources('AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'redshift.amazonaws.com' } })]) } },
      }),
    );
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service).sort()).toEqual([
      'redshift-serverless.amazonaws.com',
      'redshift.amazonaws.com',
    ]);
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'ReadSourceBuckets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ListSourceBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn('udacity-dend') },
            { Sid: 'ReadSourceObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: bucketArn('udacity-dend', '/*') },
          ],
        },
      },
    ]);
  });

  test('covers every configured bucket and nothing else', () => {
    const [, role] = only(
      operator.template.findResources('AWS::IAM::Role', { Properties: { Policies: [{ PolicyName: 'ReadSourceBuckets' }] } }),
    );
    const [list, read] = role.Properties.Policies[0].PolicyDocument.Statement;
    expect(list.Resource).toEqual([bucketArn('udacity-dend'), bucketArn('sparkify-extra')]);
    expect(read.Resource).toEqual([bucketArn('udacity-dend', '/*'), bucketArn('sparkify-extra', '/*')]);
  });

  test('no role in the stack has a managed policy, and no statement grants "*"', () => {
    for (const { template } of [standard, operator, everyone]) {
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
      // Deny statements may say s3:* (the staging bucket's TLS-only rule); no Allow may.
      const statements = (node: unknown): unknown[] =>
        typeof node !== 'object' || node === null ? [] : [node, ...Object.values(node).flatMap(statements)];
      const allows = JSON.stringify(statements(template.toJSON()).filter((n) => (n as { Effect?: string }).Effect === 'Allow'));
      expect(allows).toContain('"Effect":"Allow"');
      expect(allows).not.toMatch(/"Resource":"\*"/);
      expect(allows).not.toMatch(/"Action":"[a-z0-9-]+:\*"/);
    }
  });
});

describe('namespace', () => {
  test('database, admin user with a Redshift-managed password, the role attached and default, audit logs', () => {
    const roleArn = { 'Fn::GetAtt': [standard.stack.getLogicalId(standard.stack.sourceReadRole.role.node.defaultChild as CfnElement), 'Arn'] };
    standard.template.hasResource('AWS::RedshiftServerless::Namespace', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        NamespaceName: 'sparkify',
        DbName: 'sparkify',
        AdminUsername: 'admin',
        ManageAdminPassword: true,
        AdminUserPassword: Match.absent(),
        IamRoles: [roleArn],
        DefaultIamRoleArn: roleArn,
        LogExports: ['userlog', 'connectionlog', 'useractivitylog'],
        FinalSnapshotName: Match.absent(),
      },
    });
    operator.template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      NamespaceName: 'sparkify-test',
      DbName: 'dwh',
      AdminUsername: 'dwh_admin',
    });
  });

  test('no password anywhere in the template', () => {
    expect(JSON.stringify(standard.template.toJSON())).not.toMatch(/AdminUserPassword|MasterUserPassword|"Password"/);
  });

  test('the audit log groups exist before the namespace, with a retention, and are deleted with the stack', () => {
    const logGroups = standard.template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/redshift/sparkify/') },
    });
    expect(Object.values(logGroups).map((g) => g.Properties.LogGroupName).sort()).toEqual([
      '/aws/redshift/sparkify/connectionlog',
      '/aws/redshift/sparkify/useractivitylog',
      '/aws/redshift/sparkify/userlog',
    ]);
    for (const group of Object.values(logGroups)) {
      expect(group).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 30 } });
    }
    const [, namespace] = only(standard.template.findResources('AWS::RedshiftServerless::Namespace'));
    expect([...namespace.DependsOn].sort()).toEqual(Object.keys(logGroups).sort());
  });

  test('the admin secret ARN is read back with GetNamespace, by a role allowed only that', () => {
    const namespaceId = standard.stack.getLogicalId(standard.stack.namespace.namespace);
    const [, lookup] = only(standard.template.findResources('Custom::AWS'));
    expect(lookup.DependsOn).toContain(namespaceId);
    expect(JSON.parse(lookup.Properties.Create)).toMatchObject({
      service: '@aws-sdk/client-redshift-serverless',
      action: 'GetNamespace',
      parameters: { namespaceName: 'sparkify' },
      outputPaths: ['namespace.adminPasswordSecretArn'],
    });
    standard.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'redshift-serverless:GetNamespace', Resource: { 'Fn::GetAtt': [namespaceId, 'Namespace.NamespaceArn'] } },
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: Match.anyValue() },
        ],
      },
    });
    // The lookup function logs into a log group of the stack's own, so destroy leaves nothing behind.
    standard.template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.anyValue() } } });
  });
});

describe('workgroup', () => {
  test('defaults: smallest safe capacity, no ceiling, default port, not public, after the namespace', () => {
    const namespaceId = standard.stack.getLogicalId(standard.stack.namespace.namespace);
    const [, workgroup] = only(standard.template.findResources('AWS::RedshiftServerless::Workgroup'));
    expect(workgroup).toMatchObject({
      DeletionPolicy: 'Delete',
      DependsOn: [namespaceId],
      Properties: {
        WorkgroupName: 'sparkify',
        NamespaceName: 'sparkify',
        BaseCapacity: 8,
        Port: 5439,
        PubliclyAccessible: false,
        EnhancedVpcRouting: false,
        ConfigParameters: [
          { ParameterKey: 'enable_user_activity_logging', ParameterValue: 'true' },
          { ParameterKey: 'require_ssl', ParameterValue: 'true' },
        ],
      },
    });
    expect(workgroup.Properties.MaxCapacity).toBeUndefined();
    expect(workgroup.Properties.SubnetIds).toHaveLength(3);
    expect(workgroup.Properties.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [standard.stack.getLogicalId(standard.stack.network.securityGroup.node.defaultChild as CfnElement), 'GroupId'] },
    ]);
  });

  test('settings flow through: capacities, port, names; public only with an operator CIDR', () => {
    operator.template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', {
      WorkgroupName: 'sparkify-test-wg',
      NamespaceName: 'sparkify-test',
      BaseCapacity: 32,
      MaxCapacity: 64,
      Port: 5440,
      PubliclyAccessible: true,
    });
  });
});

describe('network', () => {
  const subnetZones = (template: Template) =>
    Object.values(template.findResources('AWS::EC2::Subnet')).map((subnet) => subnet.Properties.AvailabilityZone);

  test('its own VPC with one subnet in each of three availability zones', () => {
    standard.template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(subnetZones(standard.template)).toEqual([0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })));
    expect(subnetZones(operator.template)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2d']);
  });

  test('no NAT gateway and no elastic IP: nothing costs money while idle', () => {
    for (const { template } of [standard, operator, everyone]) {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
    }
  });

  test('without a CIDR: no ingress rule at all', () => {
    const [, group] = only(standard.template.findResources('AWS::EC2::SecurityGroup'));
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    standard.template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('with a CIDR: exactly one rule, that CIDR on the workgroup port', () => {
    const [, group] = only(operator.template.findResources('AWS::EC2::SecurityGroup'));
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '203.0.113.0/24', IpProtocol: 'tcp', FromPort: 5440, ToPort: 5440, Description: 'Operator access to the warehouse port from 203.0.113.0/24' },
    ]);
    operator.template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('the whole internet only with allowPublicIngress=true', () => {
    expect(() => settingsFromContext((name) => (name === 'ingressCidr' ? '0.0.0.0/0' : undefined))).toThrow(
      "ingressCidr '0.0.0.0/0' would open the warehouse port to the whole internet.",
    );
    everyone.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 5439, ToPort: 5439 })],
    });
    everyone.template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { PubliclyAccessible: true });
  });

  test('an invalid setting stops the stack before anything is built', () => {
    const app = new App();
    expect(() => new WarehouseStack(app, 'Bad', { settings: { ...DEFAULT_SETTINGS, baseCapacity: 12 } })).toThrow(
      "baseCapacity '12' is not valid: expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 544 to 1024 RPUs (us-west-2 allows up to 1024).",
    );
  });
});

describe('outputs', () => {
  test('exactly the documented keys, with the values the ETL needs', () => {
    const outputs = standard.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OUTPUT_KEYS).sort());
    const workgroupId = standard.stack.getLogicalId(standard.stack.workgroup.workgroup);
    expect(outputs.WorkgroupName.Value).toBe('sparkify');
    expect(outputs.NamespaceName.Value).toBe('sparkify');
    expect(outputs.DatabaseName.Value).toBe('sparkify');
    expect(outputs.EndpointAddress.Value).toEqual({ 'Fn::GetAtt': [workgroupId, 'Workgroup.Endpoint.Address'] });
    expect(outputs.EndpointPort.Value).toBe('5439');
    expect(outputs.Region.Value).toBe('us-west-2');
    expect(outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SourceReadRole/), 'Arn'] });
    expect(outputs.AdminSecretName.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NamespaceAdminSecretLookup/), 'namespace.adminPasswordSecretArn'] });
    const psql = JSON.stringify(outputs.PsqlCommand.Value);
    expect(psql).toContain('port=5439 dbname=sparkify user=admin sslmode=require');
    expect(psql).toContain('aws secretsmanager get-secret-value --region us-west-2 --secret-id ');
    expect(psql).toContain('Workgroup.Endpoint.Address');
  });
});

describe('destroy removes everything', () => {
  test('no resource is retained or snapshotted', () => {
    for (const { template } of [standard, operator, everyone]) {
      for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)) {
        expect([id, resource.DeletionPolicy ?? 'Delete']).toEqual([id, 'Delete']);
      }
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('no finding is left, in any of the three configurations', () => {
    expect(standard.violations).toEqual([]);
    expect(operator.violations).toEqual([]);
    expect(everyone.violations).toEqual([]);
  });

  test('the checks do run: a new wildcard grant is reported, not silently acknowledged', () => {
    const widened = synth({}, (stack) =>
      stack.sourceReadRole.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::another-bucket/*'] })),
    );
    expect(widened.violations).toEqual([
      { rule: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::another-bucket/*]', severity: 'error', paths: [expect.stringMatching(/SourceReadRole\/Role\/DefaultPolicy/)] },
    ]);
  });

  test('each acknowledgement is one we meant, with its reason', () => {
    const nag = (s: Synthesized) =>
      [...acknowledgements(s.stack)].filter(([id]) => id.includes('AwsSolutions-'));
    for (const s of [standard, operator, everyone]) {
      for (const [, reason] of nag(s)) expect(reason.length).toBeGreaterThan(40);
    }
    const ids = (s: Synthesized) => nag(s).map(([id]) => id.replace(/^Annotation::/, '')).sort();
    // The staging bucket's two (lib/infra/staging-bucket.ts): its objects readable by COPY, and no access log bucket.
    const staging = ['AwsSolutions-IAM5[Resource::<StagingBucket437AB70B.Arn>/*]', 'AwsSolutions-S1'];
    expect(ids(standard)).toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]', ...staging, 'AwsSolutions-VPC7'].sort());
    expect(ids(operator)).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::sparkify-extra/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]',
      ...staging,
      'AwsSolutions-VPC7',
    ].sort());
    expect(ids(everyone)).toEqual(['AwsSolutions-EC23', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]', ...staging, 'AwsSolutions-VPC7'].sort());
  });
});

describe('the CDK app (bin/)', () => {
  const cleanEnv = () =>
    Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
  const runApp = (context: Record<string, string>, outdir: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/sparkify-warehouse.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      // This is how the CDK CLI hands `-c name=value` to the app.
      env: { ...cleanEnv(), CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });

  test('synthesizes with no AWS credentials and no network', () => {
    const outdir = tempDir();
    const run = runApp({}, outdir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'SparkifyWarehouse.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs).sort()).toEqual(Object.values(OUTPUT_KEYS).sort());
  });

  test('a bad setting prints one line naming it and exits with code 2', () => {
    const run = runApp({ baseCapacity: '12' }, tempDir());
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      "Error: baseCapacity '12' is not valid: expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 544 to 1024 RPUs (us-west-2 allows up to 1024).",
    );
  });

  test('cdk.json runs this app and makes `cdk deploy` write cdk-outputs.json', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('npx tsx bin/sparkify-warehouse.ts');
    expect(cdkJson.outputsFile).toBe('cdk-outputs.json');
  });
});
