/**
 * The synthesized CloudFormation template, checked property by property, plus cdk-nag's AwsSolutions
 * rules. A few stacks are synthesized once and shared by the tests, to keep the file fast: default; operator
 * CIDR with custom settings; public CIDR explicitly allowed; an account with looked-up zones and a usage
 * limit; us-west-1 with two zones; a second stack name. Each synth gets cdk.json's feature flags, as
 * `cdk synth` does.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../lib/errors';
import { chooseAvailabilityZones } from '../../lib/infra/availability-zones';
import { OUTPUT_KEYS } from '../../lib/infra/output-keys';
import { DEFAULT_SETTINGS, settingsFromContext } from '../../lib/infra/settings';
import { DeployedSettings, deployedSettingsOf } from '../../lib/infra/update-rules';
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
  /** What the synth printed (CDK prints the validation report's warnings): captured, so a passing run is quiet. */
  readonly printed: string[];
}

/** The feature flags cdk.json sets (its `@…` context keys), which the CLI hands to every synth. */
const CDK_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
const FEATURE_FLAGS = Object.fromEntries(Object.entries(CDK_JSON.context).filter(([key]) => key.startsWith('@')));

const ACCOUNT = '123456789012';
/** The key under which the CLI caches an account's availability zones in cdk.context.json. */
const zonesKey = (region: string) => `availability-zones:account=${ACCOUNT}:region=${region}`;

interface SynthOptions {
  /** The deploying account (CDK_DEFAULT_ACCOUNT); without one the stack is account-agnostic. */
  readonly account?: string;
  /** Context CDK itself reads, such as cached lookups. */
  readonly cdkContext?: Record<string, unknown>;
  readonly change?: (stack: WarehouseStack) => void;
}

/** Synthesizes one stack the way bin/ does: settings from context, AwsSolutions checks on the app. */
function synth(context: Record<string, unknown>, options: SynthOptions = {}): Synthesized {
  const outdir = tempDir();
  // The usage-limit function is not bundled here (esbuild per synth is slow on a busy machine); the CDK app tests
  // below, and cdk-cli.test.ts, bundle it as `cdk synth` does.
  const app = new App({ outdir, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [], ...options.cdkContext } });
  const settings = settingsFromContext((name) => context[name]);
  const stack = new WarehouseStack(app, settings.stackName, { settings, env: { account: options.account } });
  const change = options.change;
  change?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let violations: Synthesized['violations'] = [];
  const printed: string[] = [];
  const capture = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  try {
    app.synth();
  } catch (error) {
    // An unacknowledged error-level finding fails the synth; the report below says which.
    if (!/validation ?failed/i.test(String(error))) throw error;
  } finally {
    capture.mockRestore();
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
  return { stack, template: Template.fromJSON(JSON.parse(fs.readFileSync(templateFile, 'utf8'))), violations, printed };
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
/** An account whose zones the CLI has looked up, and a usage limit. */
let lookedUp: Synthesized;
/** us-west-1, where the account has two zones. */
let twoZones: Synthesized;
/** A second stack in the same account. */
let dev: Synthesized;

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
    alertEmail: 'ops@example.com',
    usageLimitRpuHours: 'none',
  });
  everyone = synth({ ingressCidr: '0.0.0.0/0', allowPublicIngress: 'true' });
  lookedUp = synth(
    { usageLimitRpuHours: '120', usageLimitPeriod: 'weekly', usageLimitBreachAction: 'deactivate' },
    { account: ACCOUNT, cdkContext: { [zonesKey('us-west-2')]: ['us-west-2d', 'us-west-2b', 'us-west-2a', 'us-west-2c'] } },
  );
  twoZones = synth({ region: 'us-west-1' }, { account: ACCOUNT, cdkContext: { [zonesKey('us-west-1')]: ['us-west-1c', 'us-west-1b'] } });
  dev = synth({ stackName: 'SparkifyDev' });
});

describe('IAM role for COPY', () => {
  test('trusted by Redshift and Redshift Serverless, reads only the source buckets', () => {
    const [, role] = only(
      standard.template.findResources('AWS::IAM::Role', { Properties: { Policies: [{ PolicyName: 'ReadSourceBuckets' }] } }),
    );
    // One statement with both principals (the recommended @aws-cdk/aws-iam:minimizePolicies merges them).
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['redshift-serverless.amazonaws.com', 'redshift.amazonaws.com'] } },
    ]);
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'ReadSourceBuckets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ListSourceBuckets', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucketArn('udacity-dend') },
            { Sid: 'ReadSourceObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: bucketArn('udacity-dend', '/*') },
            // Then the stack's own staging bucket, read-only (asserted in staging-bucket.test.ts).
            expect.objectContaining({ Sid: 'ListStagingBucket' }),
            expect.objectContaining({ Sid: 'ReadStagedCatalogue' }),
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
    expect(list.Resource).toEqual([bucketArn('sparkify-extra'), bucketArn('udacity-dend')]);
    expect(read.Resource).toEqual([bucketArn('sparkify-extra', '/*'), bucketArn('udacity-dend', '/*')]);
  });

  test('no role of ours has a managed policy; "*" only for the usage-limit actions, which allow nothing narrower', () => {
    for (const { template } of [standard, operator, everyone, lookedUp, twoZones]) {
      const roles = template.findResources('AWS::IAM::Role');
      const managed = Object.entries(roles).filter(([, role]) => role.Properties.ManagedPolicyArns !== undefined);
      // Only CDK's own function behind @aws-cdk/aws-ec2:restrictDefaultSecurityGroup, with basic Lambda logging.
      expect(managed.map(([id, role]) => [id.replace(/[0-9A-F]{8}$/, ''), role.Properties.ManagedPolicyArns])).toEqual([
        ['CustomVpcRestrictDefaultSGCustomResourceProviderRole', [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }]],
      ]);
      // Deny statements may say s3:* (the staging bucket's TLS-only rule); no Allow may.
      const statements = (node: unknown): unknown[] =>
        typeof node !== 'object' || node === null ? [] : [node, ...Object.values(node).flatMap(statements)];
      const allows = JSON.stringify(statements(template.toJSON()).filter((n) => (n as { Effect?: string }).Effect === 'Allow'));
      expect(allows).toContain('"Effect":"Allow"');
      expect(allows).not.toMatch(/"Action":"[a-z0-9-]+:\*"/);
      const wildcards: { Action: unknown }[] = [];
      JSON.stringify(template.toJSON().Resources, (_key, value) => {
        if (value?.Effect === 'Allow' && value.Resource === '*') wildcards.push(value);
        return value;
      });
      // Every stack has the usage limit, except operator's, which turns it off.
      expect(wildcards.map((statement) => statement.Action)).toEqual(
        template === operator.template
          ? []
          : [['redshift-serverless:CreateUsageLimit', 'redshift-serverless:DeleteUsageLimit', 'redshift-serverless:ListUsageLimits', 'redshift-serverless:UpdateUsageLimit']],
      );
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
        NamespaceName: 'sparkify-warehouse',
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
      Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/redshift/sparkify-warehouse/') },
    });
    expect(Object.values(logGroups).map((g) => g.Properties.LogGroupName).sort()).toEqual([
      '/aws/redshift/sparkify-warehouse/connectionlog',
      '/aws/redshift/sparkify-warehouse/useractivitylog',
      '/aws/redshift/sparkify-warehouse/userlog',
    ]);
    for (const group of Object.values(logGroups)) {
      expect(group).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 30 } });
    }
    const [, namespace] = only(standard.template.findResources('AWS::RedshiftServerless::Namespace'));
    expect([...namespace.DependsOn].sort()).toEqual(Object.keys(logGroups).sort());
  });

  test('the admin secret ARN is read back with GetNamespace, after the namespace exists', () => {
    const namespaceId = standard.stack.getLogicalId(standard.stack.namespace.namespace);
    const [, lookup] = only(standard.template.findResources('Custom::AWS'));
    expect(lookup.DependsOn).toContain(namespaceId);
    expect(JSON.parse(lookup.Properties.Create)).toMatchObject({
      service: '@aws-sdk/client-redshift-serverless',
      action: 'GetNamespace',
      parameters: { namespaceName: 'sparkify-warehouse' },
      outputPaths: ['namespace.adminPasswordSecretArn'],
    });
    // The lookup function logs into a log group of the stack's own, so destroy leaves nothing behind.
    standard.template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.anyValue() } } });
  });

  test("the lookup's permission exists from the start of the deploy, not only once the namespace does (IAM race)", () => {
    const namespaceId = standard.stack.getLogicalId(standard.stack.namespace.namespace);
    const resources = standard.template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[]; Properties: { Role?: unknown } }>;
    const [functionId, fn] = only(
      standard.template.findResources('AWS::Lambda::Function', { Properties: { Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NamespaceAdminSecretLookupRole'), 'Arn'] } } }),
    );
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    // The grant is inline in the role: no separate policy resource that CloudFormation would create later.
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
    expect(resources[roleId].Properties).toMatchObject({
      Policies: [
        {
          PolicyName: 'ReadNamespace',
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'redshift-serverless:GetNamespace',
                Resource: {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift-serverless:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':namespace/*']],
                },
              },
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^NamespaceAdminSecretLookupLogs/), 'Arn'] } },
            ],
          },
        },
      ],
    });
    // Neither the role nor the function waits for the namespace, by reference or by DependsOn.
    for (const id of [roleId, functionId]) {
      expect(JSON.stringify(resources[id])).not.toContain(namespaceId);
    }
  });
});

describe('workgroup', () => {
  test('defaults: smallest safe capacity, no ceiling, default port, not public, after the namespace', () => {
    const namespaceId = standard.stack.getLogicalId(standard.stack.namespace.namespace);
    const [, workgroup] = only(standard.template.findResources('AWS::RedshiftServerless::Workgroup'));
    expect(workgroup.DependsOn).toContain(namespaceId);
    expect(workgroup).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        WorkgroupName: 'sparkify-warehouse',
        NamespaceName: 'sparkify-warehouse',
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

  test('is created after, and deleted before, the internet gateway attachment and the routes to it', () => {
    for (const { template } of [standard, everyone]) {
      const [, workgroup] = only(template.findResources('AWS::RedshiftServerless::Workgroup'));
      const attachment = only(template.findResources('AWS::EC2::VPCGatewayAttachment'))[0];
      const routes = Object.keys(template.findResources('AWS::EC2::Route', { Properties: { DestinationCidrBlock: '0.0.0.0/0' } }));
      expect(routes).toHaveLength(3);
      expect(workgroup.DependsOn).toEqual(expect.arrayContaining([attachment, ...routes]));
    }
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
    expect(subnetZones(operator.template)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2d']);
  });

  test("with a known account, the account's first three zones by name, from the lookup cdk.context.json caches", () => {
    expect(subnetZones(lookedUp.template)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    expect(JSON.stringify(lookedUp.template.toJSON())).not.toContain('Fn::GetAZs');
  });

  test('without an account (synth with no credentials) the zones are left to Fn::GetAZs, with a warning', () => {
    expect(subnetZones(standard.template)).toEqual([0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })));
    const warnings = standard.stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));
    expect(warnings).toEqual([expect.stringContaining('No AWS account at synth, so the availability zones are left to Fn::GetAZs')]);
    // As the synth's validation report printed it (captured), and only then: a known account prints nothing.
    expect(standard.printed).toEqual([expect.stringContaining('WARNING No AWS account at synth')]);
    expect(lookedUp.printed).toEqual([]);
  });

  test('us-west-1 with two zones: two subnets in each (Redshift Serverless takes three subnets over two zones there)', () => {
    expect(subnetZones(twoZones.template).sort()).toEqual(['us-west-1b', 'us-west-1b', 'us-west-1c', 'us-west-1c']);
    const [, workgroup] = only(twoZones.template.findResources('AWS::RedshiftServerless::Workgroup'));
    expect(workgroup.Properties.SubnetIds).toHaveLength(4);
  });

  test('a region that offers the account only two zones elsewhere stops the synth, naming the zones', () => {
    expect(() => synth({ region: 'us-east-2' }, { account: ACCOUNT, cdkContext: { [zonesKey('us-east-2')]: ['us-east-2a', 'us-east-2b'] } })).toThrow(
      `Account ${ACCOUNT} has only 2 availability zone(s) in us-east-2 (us-east-2a, us-east-2b, from the lookup cached in cdk.context.json), ` +
        'and Redshift Serverless needs subnets in three zones there (two will do only in us-west-1). Deploy to another region with "region" in cdk.json.',
    );
  });

  test("the default security group's rules are removed (recommended flag), by a function that logs into the stack's own log group", () => {
    const [, restrict] = only(standard.template.findResources('Custom::VpcRestrictDefaultSG'));
    expect(restrict.Properties.DefaultSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NetworkVpc/), 'DefaultSecurityGroup'] });
    const [, handler] = only(standard.template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('default security group') } }));
    const logGroupId = handler.Properties.LoggingConfig.LogGroup.Ref;
    // The Ref alone orders the log group before the function (no DependsOn through the deprecated addDependency).
    expect(standard.template.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Delete' });
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
    expect(outputs.WorkgroupName.Value).toBe('sparkify-warehouse');
    expect(outputs.NamespaceName.Value).toBe('sparkify-warehouse');
    expect(outputs.DatabaseName.Value).toBe('sparkify');
    expect(outputs.EndpointAddress.Value).toEqual({ 'Fn::GetAtt': [workgroupId, 'Workgroup.Endpoint.Address'] });
    expect(outputs.EndpointPort.Value).toBe('5439');
    expect(outputs.Region.Value).toBe('us-west-2');
    expect(outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SourceReadRole/), 'Arn'] });
    expect(outputs.AdminSecretName.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NamespaceAdminSecretLookup/), 'namespace.adminPasswordSecretArn'] });
    expect(JSON.parse(outputs.DeployedSettings.Value as string)).toEqual({
      namespaceName: 'sparkify-warehouse',
      workgroupName: 'sparkify-warehouse',
      databaseName: 'sparkify',
      adminUsername: 'admin',
      // No account at synth: the zones are Fn::GetAZs, not known.
      availabilityZones: null,
      baseCapacity: 8,
      maxCapacity: null,
      port: 5439,
      publiclyAccessible: false,
    });
  });

  test('DeployedSettings records the zones the subnets went in, and the database and admin user', () => {
    const record = (s: Synthesized) => JSON.parse((s.template.toJSON().Outputs as Record<string, { Value: string }>).DeployedSettings.Value) as DeployedSettings;
    expect(record(lookedUp).availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    expect(record(twoZones).availabilityZones).toEqual(['us-west-1b', 'us-west-1c']);
    expect(record(operator)).toMatchObject({ databaseName: 'dwh', adminUsername: 'dwh_admin', availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2d'] });
  });

  test('PsqlCommand pastes into an interactive bash and runs, although the secret ARN contains "!"', () => {
    const outputs = operator.template.toJSON().Outputs as Record<string, { Value: { 'Fn::Join': [string, unknown[]] } }>;
    // The command as CloudFormation resolves it, with a Redshift-managed secret's ARN and an endpoint.
    const secretArn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:redshift!sparkify-test-dwh_admin-AbCdEf';
    const parts = outputs.PsqlCommand.Value['Fn::Join'][1].map((part) =>
      typeof part === 'string' ? part : JSON.stringify(part).includes('adminPasswordSecretArn') ? secretArn : 'wg.123456789012.us-west-2.redshift-serverless.amazonaws.com',
    );
    const command = parts.join('');
    expect(command).not.toContain('"');
    expect(command).toContain(`--secret-id '${secretArn}'`);

    // Stand-ins for aws, jq and psql record what they receive.
    const bin = tempDir();
    const log = path.join(bin, 'calls.log');
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    stub('aws', `printf 'aws %s\\n' "$*" >> ${log}; echo '{"password":"p@ss"}'`);
    stub('jq', `cat >/dev/null; echo 'p@ss'`);
    stub('psql', `printf 'psql %s PGPASSWORD=%s\\n' "$*" "$PGPASSWORD" >> ${log}`);
    // An interactive shell, as when pasting: history expansion of "!" is on there.
    const run = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
      input: `set -o histexpand\n${command}\nexit\n`,
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin },
    });
    expect(run.stderr).not.toMatch(/event not found/);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      `aws secretsmanager get-secret-value --region us-west-2 --secret-id ${secretArn} --query SecretString --output text`,
      'psql host=wg.123456789012.us-west-2.redshift-serverless.amazonaws.com port=5440 dbname=dwh user=dwh_admin sslmode=require PGPASSWORD=p@ss',
    ]);
  });
});

describe('names', () => {
  test('namespace and workgroup are named after the stack, so a second stack in the account collides on nothing', () => {
    const physicalNames = (template: Template) =>
      Object.values(template.toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>).flatMap((resource) =>
        ['NamespaceName', 'WorkgroupName', 'LogGroupName', 'RoleName', 'FunctionName', 'GroupName']
          .map((key) => resource.Properties?.[key])
          .filter((value): value is string => typeof value === 'string'),
      );
    expect(physicalNames(dev.template)).toEqual(expect.arrayContaining(['sparkify-dev', '/aws/redshift/sparkify-dev/userlog']));
    const shared = physicalNames(dev.template).filter((name) => physicalNames(standard.template).includes(name));
    expect(shared).toEqual([]);
  });
});

describe('usage limit (spending control)', () => {
  test('on by default: 60 RPU-hours a month, emit-metric; "none" turns it off', () => {
    for (const { template } of [standard, everyone, twoZones]) {
      const [, limit] = only(template.findResources('Custom::RedshiftServerlessUsageLimit'));
      expect(limit.Properties).toMatchObject({ AmountRpuHours: '60', Period: 'monthly', BreachAction: 'emit-metric' });
    }
    operator.template.resourceCountIs('Custom::RedshiftServerlessUsageLimit', 0);
    operator.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('CloudFormation waits at most 10 minutes for its function, not the default hour', () => {
    const [, limit] = only(lookedUp.template.findResources('Custom::RedshiftServerlessUsageLimit'));
    expect(limit.Properties.ServiceTimeout).toBe('600');
  });

  test("an alarm on the limit's metric (UsageLimitConsumed, by the limit's id) tells the alerts topic when the limit is reached", () => {
    for (const [s, amount] of [[standard, 60], [lookedUp, 120]] as const) {
      const limitId = s.stack.getLogicalId(s.stack.usageLimit!.resource.node.defaultChild as CfnElement);
      const topicId = s.stack.getLogicalId(s.stack.alerts.topic.node.defaultChild as CfnElement);
      const [, alarm] = only(s.template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarm.Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: amount,
        EvaluationPeriods: 1,
        TreatMissingData: 'ignore',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
        Metrics: [
          {
            Expression: {
              'Fn::Join': ['', ['SELECT MAX(UsageLimitConsumed) FROM "AWS/Redshift-Serverless" WHERE UsageLimitId = \'', { Ref: limitId }, "'"]],
            },
            Period: 3600,
            ReturnData: true,
          },
        ],
      });
    }
  });

  test("created on the workgroup with the settings' amount, period and breach action", () => {
    const workgroupId = lookedUp.stack.getLogicalId(lookedUp.stack.workgroup.workgroup);
    const [, limit] = only(lookedUp.template.findResources('Custom::RedshiftServerlessUsageLimit'));
    expect(limit.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^UsageLimitFunction/), 'Arn'] },
      WorkgroupArn: { 'Fn::GetAtt': [workgroupId, 'Workgroup.WorkgroupArn'] },
      AmountRpuHours: '120',
      Period: 'weekly',
      BreachAction: 'deactivate',
      ServiceTimeout: '600',
    });
    expect(limit.DeletionPolicy).toBe('Delete');
  });

  test("its function's permissions are inline from the start, limited to the usage-limit actions in the stack's region", () => {
    const workgroupId = lookedUp.stack.getLogicalId(lookedUp.stack.workgroup.workgroup);
    const resources = lookedUp.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const [functionId, fn] = only(lookedUp.template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('UsageLimit') } }));
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^UsageLimitLogs/) } } });
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[roleId].Properties.Policies).toEqual([
      {
        PolicyName: 'ManageUsageLimit',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'redshift-serverless:CreateUsageLimit',
                'redshift-serverless:DeleteUsageLimit',
                'redshift-serverless:ListUsageLimits',
                'redshift-serverless:UpdateUsageLimit',
              ],
              Resource: '*',
              Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } },
            },
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^UsageLimitLogs/), 'Arn'] } },
          ],
        },
      },
    ]);
    for (const id of [roleId, functionId]) expect(JSON.stringify(resources[id])).not.toContain(workgroupId);
  });
});

describe('updates of a deployed stack (checked while the stack is built, before any synth)', () => {
  const ZONES = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
  const deployed = deployedSettingsOf({ ...DEFAULT_SETTINGS, availabilityZones: ZONES }, ZONES);
  const build = (context: Record<string, unknown>, options: { account?: string; cdkContext?: Record<string, unknown> } = {}) => {
    // No bundling of the usage-limit function: these stacks are built, never synthesized.
    const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [], ...options.cdkContext } });
    const settings = settingsFromContext((name) => context[name]);
    return new WarehouseStack(app, settings.stackName, { settings, deployed, env: { account: options.account } });
  };
  const warnings = (stack: Stack) =>
    stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));

  test('the same settings build; each refused change stops it with the one-paragraph ConfigError of update-rules.ts', () => {
    expect(() => build({ availabilityZones: ZONES.join(',') })).not.toThrow();
    for (const [change, message] of [
      [{ databaseName: 'dwh' }, /^databaseName 'dwh' differs from the deployed database 'sparkify'/],
      [{ adminUsername: 'dwh_admin' }, /^adminUsername 'dwh_admin' differs from the deployed admin user 'admin'/],
      [{ availabilityZones: 'us-west-2a,us-west-2b,us-west-2d' }, /^The subnets would move from availability zones us-west-2a, us-west-2b, us-west-2c/],
    ] as const) {
      expect(() => build({ availabilityZones: ZONES.join(','), ...change })).toThrow(ConfigError);
      expect(() => build({ availabilityZones: ZONES.join(','), ...change })).toThrow(message);
    }
  });

  test('zones from the lookup are compared too (a teammate without cdk.context.json would get other zones)', () => {
    const lookup = (zones: string[]) => ({ account: ACCOUNT, cdkContext: { [zonesKey('us-west-2')]: zones } });
    expect(() => build({}, lookup(['us-west-2c', 'us-west-2b', 'us-west-2a', 'us-west-2d']))).not.toThrow();
    expect(() => build({}, lookup(['us-west-2b', 'us-west-2c', 'us-west-2d']))).toThrow(/^The subnets would move/);
    // The CLI's first pass, before its lookup fills cdk.context.json: CDK's placeholders are not compared.
    expect(() => build({}, { account: ACCOUNT })).not.toThrow();
  });

  test('an allowed namespace replacement warns, with the command for a final snapshot', () => {
    const stack = build({
      availabilityZones: ZONES.join(','),
      namespaceName: 'sparkify-two',
      workgroupName: 'sparkify-two',
      allowNamespaceReplacement: 'sparkify-warehouse',
    });
    expect(warnings(stack)).toEqual([
      expect.stringMatching(
        /^This deploy replaces namespace 'sparkify-warehouse' with 'sparkify-two' .* `aws redshift-serverless create-snapshot --namespace-name sparkify-warehouse .*`/,
      ),
    ]);
  });

  test('us-east-1 with looked-up zones warns how to choose zones whose IDs Redshift Serverless supports', () => {
    const app = new App({ context: { [zonesKey('us-east-1')]: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } });
    const stack = new Stack(app, 'Zones', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(chooseAvailabilityZones(stack, { ...DEFAULT_SETTINGS, region: 'us-east-1' })).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(warnings(stack)).toEqual([expect.stringMatching(/^Redshift Serverless does not offer every availability zone ID in us-east-1, .*"availabilityZones"/)]);
    // Pinned zones, or another region: no warning.
    const pinned = new Stack(app, 'Pinned', { env: { account: ACCOUNT, region: 'us-east-1' } });
    chooseAvailabilityZones(pinned, { ...DEFAULT_SETTINGS, region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1d'] });
    expect(warnings(pinned)).toEqual([]);
  });
});

describe('alerts topic', () => {
  test('one topic, TLS only, exposed as stack.alerts.topic and published as an output', () => {
    const [topicId, topic] = only(standard.template.findResources('AWS::SNS::Topic'));
    expect(standard.stack.getLogicalId(standard.stack.alerts.topic.node.defaultChild as CfnElement)).toBe(topicId);
    expect(topic.Properties.DisplayName).toBe('Sparkify warehouse alerts');
    standard.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const outputs = standard.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[OUTPUT_KEYS.alertsTopic].Value).toEqual({ Ref: topicId });
  });

  test('alertEmail subscribes that address; without it nobody is subscribed', () => {
    standard.template.resourceCountIs('AWS::SNS::Subscription', 0);
    const [, subscription] = only(operator.template.findResources('AWS::SNS::Subscription'));
    expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('destroy removes everything', () => {
  test('no resource is retained or snapshotted', () => {
    for (const { template } of [standard, operator, everyone, lookedUp, twoZones]) {
      for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)) {
        expect([id, resource.DeletionPolicy ?? 'Delete']).toEqual([id, 'Delete']);
      }
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('no finding is left, in any configuration', () => {
    for (const s of [standard, operator, everyone, lookedUp, twoZones, dev]) expect(s.violations).toEqual([]);
  });

  test('the checks do run: a new wildcard grant is reported, not silently acknowledged', () => {
    const widened = synth({}, {
      change: (stack) =>
        stack.sourceReadRole.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::another-bucket/*'] })),
    });
    expect(widened.violations).toEqual([
      { rule: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::another-bucket/*]', severity: 'error', paths: [expect.stringMatching(/SourceReadRole\/Role\/DefaultPolicy/)] },
    ]);
  });

  test('each acknowledgement is one we meant, with its reason', () => {
    const nag = (s: Synthesized) =>
      [...acknowledgements(s.stack)].filter(([id]) => id.includes('AwsSolutions-'));
    for (const s of [standard, operator, everyone, lookedUp]) {
      for (const [, reason] of nag(s)) expect(reason.length).toBeGreaterThan(40);
    }
    const ids = (s: Synthesized) => nag(s).map(([id]) => id.replace(/^Annotation::/, '')).sort();
    // The staging bucket's two (lib/infra/staging-bucket.ts): its objects readable by COPY, and no access log bucket;
    // the alerts topic's one (lib/infra/alerts.ts): no KMS key, which CloudWatch alarms could not publish through.
    const always = ['AwsSolutions-IAM5[Resource::<StagingBucket437AB70B.Arn>/*]', 'AwsSolutions-S1', 'AwsSolutions-SNS2'];
    const namespaces = 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:redshift-serverless:<AWS::Region>:<AWS::AccountId>:namespace/*]';
    const usageLimit = 'AwsSolutions-IAM5[Resource::*]';
    expect(ids(standard)).toEqual([usageLimit, namespaces, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]', ...always, 'AwsSolutions-VPC7'].sort());
    expect(ids(operator)).toEqual([
      namespaces,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::sparkify-extra/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]',
      ...always,
      'AwsSolutions-VPC7',
    ].sort());
    expect(ids(everyone)).toEqual(['AwsSolutions-EC23', usageLimit, namespaces, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]', ...always, 'AwsSolutions-VPC7'].sort());
    expect(ids(lookedUp)).toEqual([
      usageLimit,
      namespaces,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::udacity-dend/*]',
      ...always,
      'AwsSolutions-VPC7',
    ].sort());
  });
});

describe('the CDK app (bin/)', () => {
  const cleanEnv = () =>
    Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
  const runApp = (context: Record<string, unknown>, outdir: string, cwd = ROOT) =>
    spawnSync(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(ROOT, 'bin/sparkify-warehouse.ts')], {
      cwd,
      encoding: 'utf8',
      // This is how the CDK CLI hands context (cdk.json's merged with `-c name=value`) to the app.
      env: { ...cleanEnv(), CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
  /** A project folder with its own cdk.json (the real one plus `settings`) and, optionally, cdk-outputs.json. */
  const project = (settings: Record<string, unknown>, deployed?: DeployedSettings) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ ...CDK_JSON, context: { ...CDK_JSON.context, ...settings } }));
    if (deployed) {
      const outputs = { SparkifyWarehouse: { [OUTPUT_KEYS.workgroupName]: deployed.workgroupName, [OUTPUT_KEYS.deployedSettings]: JSON.stringify(deployed) } };
      fs.writeFileSync(path.join(dir, 'cdk-outputs.json'), JSON.stringify(outputs));
    }
    return dir;
  };

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

  test('an unknown setting stops the synth with the setting it most likely meant', () => {
    const run = runApp({ basecapacity: '16' }, tempDir());
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^Error: Unknown setting 'basecapacity': did you mean baseCapacity\? /);
  });

  test('a setting given only with -c is refused (a later plain deploy would undo it); kept in cdk.json it applies', () => {
    const refused = runApp({ ...CDK_JSON.context, ingressCidr: '203.0.113.7/32' }, tempDir(), project({}));
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^Error: ingressCidr given with -c \(or in ~\/.cdk.json\) but not in cdk.json: .* Put "ingressCidr": "203.0.113.7\/32" in the "context" block/);
    const outdir = tempDir();
    const settings = { ingressCidr: '203.0.113.7/32', usageLimitRpuHours: 300 };
    const kept = runApp({ ...CDK_JSON.context, ...settings }, outdir, project(settings));
    expect(kept.stderr).not.toMatch(/Error/);
    expect(kept.status).toBe(0);
    const template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, 'SparkifyWarehouse.template.json'), 'utf8')));
    template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { PubliclyAccessible: true });
    template.hasResourceProperties('Custom::RedshiftServerlessUsageLimit', { AmountRpuHours: '300' });
  });

  test('checks the change against what the last deploy published in cdk-outputs.json', () => {
    const deployed = deployedSettingsOf(DEFAULT_SETTINGS, null);
    const settings = { namespaceName: 'sparkify-two', workgroupName: 'sparkify-two' };
    const run = runApp({ ...CDK_JSON.context, ...settings }, tempDir(), project(settings, deployed));
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^Error: namespaceName 'sparkify-two' differs from the deployed namespace 'sparkify-warehouse' \(cdk-outputs.json\)/);
  });

  test('cdk.json runs this app and makes `cdk deploy` write cdk-outputs.json', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('npx tsx bin/sparkify-warehouse.ts');
    expect(cdkJson.outputsFile).toBe('cdk-outputs.json');
  });
});
