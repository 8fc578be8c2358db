/**
 * The scheduled loader in the synthesized template: its schedule, the function's settings and environment,
 * its role (exact actions and resources), the alarms and the topic they go to. Synthesized without bundling
 * (the `aws:cdk:bundling-stacks` context CDK reads): test/loader/bundle.test.ts builds and runs the bundle.
 * cdk-nag's checks of the same stack run in warehouse-stack.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { settingsFromContext } from '../../lib/infra/settings';
import { WarehouseStack } from '../../lib/infra/warehouse-stack';

const ROOT = path.resolve(__dirname, '../..');
const FEATURE_FLAGS = Object.fromEntries(
  Object.entries((JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context).filter(([k]) => k.startsWith('@')),
);
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
}

function synth(context: Record<string, string>): { stack: WarehouseStack; resources: Record<string, Resource>; outputs: Record<string, { Value: unknown }> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-stack-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const settings = settingsFromContext((name) => context[name]);
  const stack = new WarehouseStack(app, settings.stackName, { settings });
  let template: ReturnType<Template['toJSON']>;
  // Synth warns (console.error) that without an account the zones are left to Fn::GetAZs: expected here, and
  // the only thing it may print.
  const printed: string[] = [];
  const capture = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  try {
    template = Template.fromStack(stack).toJSON();
  } finally {
    capture.mockRestore();
  }
  expect(printed.filter((line) => !/availability zones are left to Fn::GetAZs/.test(line))).toEqual([]);
  return { stack, resources: template.Resources, outputs: template.Outputs };
}

function ofType(resources: Record<string, Resource>, type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}
function only(resources: Record<string, Resource>, type: string, where: (r: Resource) => boolean = () => true): [string, Resource] {
  const found = ofType(resources, type).filter(([, r]) => where(r));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]!;
}
const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const bucketArn = (bucket: string, suffix = '') => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}${suffix}`]] });

let standard: ReturnType<typeof synth>;
let custom: ReturnType<typeof synth>;
let off: ReturnType<typeof synth>;
beforeAll(() => {
  standard = synth({});
  custom = synth({
    loadSchedule: 'rate(2 hours)',
    sourceBuckets: 'udacity-dend,sparkify-extra',
    loadSource: 's3://sparkify-extra/2019/',
    loadSourceRegion: 'eu-west-1',
    databaseName: 'dwh',
    workgroupName: 'loader-test',
  });
  off = synth({ loadSchedule: 'off' });
});

const isLoader = (r: Resource) => r.Properties['Description']?.startsWith('Sparkify warehouse: loads what is new');

describe('the loader function', () => {
  test('Node.js 24 on Graviton, 15 minutes, 512 MB, one run at a time, no retry of a failed run, its own log group', () => {
    const [id, fn] = only(standard.resources, 'AWS::Lambda::Function', isLoader);
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 900, MemorySize: 512, ReservedConcurrentExecutions: 1 });
    const logs = standard.resources[fn.Properties['LoggingConfig'].LogGroup.Ref]!;
    expect(logs).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } });
    const [, invokeConfig] = only(standard.resources, 'AWS::Lambda::EventInvokeConfig', (r) => r.Properties['FunctionName'].Ref === id);
    expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 });
  });

  test("its environment is the stack's own workgroup, database, COPY role, staging bucket and the loadSource (songs named only when not the default, which would turn the staged catalogue off)", () => {
    const ids = logicalIds(standard.stack);
    const [, fn] = only(standard.resources, 'AWS::Lambda::Function', isLoader);
    expect(fn.Properties['Environment'].Variables).toEqual({
      SPARKIFY_TARGET: 'redshift',
      SPARKIFY_WORKGROUP: { Ref: ids.workgroup },
      SPARKIFY_DATABASE: 'sparkify',
      SPARKIFY_REGION: 'us-west-2',
      SPARKIFY_EVENTS_URI: 's3://udacity-dend/log_data',
      SPARKIFY_JSONPATHS_URI: 's3://udacity-dend/log_json_path.json',
      SPARKIFY_SOURCE_REGION: 'us-west-2',
      SPARKIFY_IAM_ROLE: getAtt(ids.copyRole, 'Arn'),
      SPARKIFY_STAGING_BUCKET: { Ref: ids.stagingBucket },
      SPARKIFY_STATEMENT_TIMEOUT: '900',
    });
    const [, customFn] = only(custom.resources, 'AWS::Lambda::Function', isLoader);
    // Published for docs/operations.md's commands (aws lambda invoke, aws logs tail).
    expect(standard.outputs['LoaderFunctionName']!.Value).toEqual({ Ref: ids.fn });
    expect(customFn.Properties['Environment'].Variables).toMatchObject({
      SPARKIFY_DATABASE: 'dwh',
      SPARKIFY_EVENTS_URI: 's3://sparkify-extra/2019/log_data',
      SPARKIFY_SONGS_URI: 's3://sparkify-extra/2019/song_data',
      SPARKIFY_JSONPATHS_URI: 's3://sparkify-extra/2019/log_json_path.json',
      SPARKIFY_SOURCE_REGION: 'eu-west-1',
    });
  });
});

describe("the loader's role", () => {
  test('runs statements on this workgroup, reads only its own statements, signs in to this workgroup, reads the source and staging buckets: nothing else', () => {
    const ids = logicalIds(standard.stack);
    const [, fn] = only(standard.resources, 'AWS::Lambda::Function', isLoader);
    const roleId = fn.Properties['Role']['Fn::GetAtt'][0] as string;
    const role = standard.resources[roleId]!;
    expect(role.Properties['AssumeRolePolicyDocument'].Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
    const workgroupArn = getAtt(ids.workgroup, 'Workgroup.WorkgroupArn');
    expect(role.Properties['Policies']).toEqual([
      {
        PolicyName: 'LoadTheWarehouse',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'RunStatements', Effect: 'Allow', Action: ['redshift-data:BatchExecuteStatement', 'redshift-data:ExecuteStatement'], Resource: workgroupArn },
            {
              Sid: 'OwnStatementsOnly',
              Effect: 'Allow',
              Action: ['redshift-data:CancelStatement', 'redshift-data:DescribeStatement', 'redshift-data:GetStatementResult'],
              Resource: '*',
              Condition: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
            },
            { Sid: 'SignIn', Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn },
            { Sid: 'ListBuckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: [getAtt(ids.stagingBucket, 'Arn'), bucketArn('udacity-dend')] },
            {
              Sid: 'ReadObjects',
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: [bucketArn('udacity-dend', '/*'), { 'Fn::Join': ['', [getAtt(ids.stagingBucket, 'Arn'), '/*']] }],
            },
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(fn.Properties['LoggingConfig'].LogGroup.Ref, 'Arn') },
          ],
        },
      },
    ]);
    // Nothing else grants it anything: no separate policy names the role.
    expect(ofType(standard.resources, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p).includes(roleId))).toEqual([]);
  });

  test('every source bucket is listed and read, and no other', () => {
    const [, fn] = only(custom.resources, 'AWS::Lambda::Function', isLoader);
    const statements = custom.resources[fn.Properties['Role']['Fn::GetAtt'][0]]!.Properties['Policies'][0].PolicyDocument.Statement as { Sid?: string; Resource: unknown[] }[];
    const s3 = (sid: string) => JSON.stringify(statements.find((s) => s.Sid === sid)!.Resource);
    expect(s3('ListBuckets')).toContain(JSON.stringify(bucketArn('sparkify-extra')));
    expect(s3('ReadObjects')).toContain(JSON.stringify(bucketArn('sparkify-extra', '/*')));
    expect(statements.find((s) => s.Sid === 'ListBuckets')!.Resource).toHaveLength(3);
  });
});

describe('the schedule', () => {
  test('loadSchedule (default: 06:00 UTC daily) invokes the function with a role that may invoke it and nothing else', () => {
    const [, fn] = only(standard.resources, 'AWS::Lambda::Function', isLoader);
    const fnId = Object.entries(standard.resources).find(([, r]) => r === fn)![0];
    const [, schedule] = only(standard.resources, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties).toMatchObject({
      Name: 'SparkifyWarehouse-loader',
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: getAtt(fnId, 'Arn'), RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 } },
    });
    const role = standard.resources[schedule.Properties['Target'].RoleArn['Fn::GetAtt'][0]]!;
    expect(role.Properties['AssumeRolePolicyDocument'].Statement).toMatchObject([
      { Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    expect(role.Properties['Policies']).toEqual([
      { PolicyName: 'InvokeTheLoader', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt(fnId, 'Arn') }] } },
    ]);
    const [, customSchedule] = only(custom.resources, 'AWS::Scheduler::Schedule');
    expect(customSchedule.Properties['ScheduleExpression']).toBe('rate(2 hours)');
  });

  test('"off": no schedule and no staleness alarm; the function stays for runs by hand, and so does its failure alarm', () => {
    expect(ofType(off.resources, 'AWS::Scheduler::Schedule')).toEqual([]);
    only(off.resources, 'AWS::Lambda::Function', isLoader);
    expect(alarms(off).map((a) => a.Properties['MetricName']).sort()).toEqual(['Errors', 'FirstLoadRefused']);
  });
});

describe('the alarms', () => {
  test('a failed or timed-out run, a refused first load, no successful run: each to the alerts topic, each saying what to run', () => {
    const ids = logicalIds(standard.stack);
    const [, fn] = only(standard.resources, 'AWS::Lambda::Function', isLoader);
    const fnId = Object.entries(standard.resources).find(([, r]) => r === fn)![0];
    const byMetric: Record<string, Record<string, any>> = Object.fromEntries(alarms(standard).map((a) => [a.Properties['MetricName'], a.Properties]));
    expect(Object.keys(byMetric).sort()).toEqual(['Errors', 'FirstLoadRefused', 'RunsSucceeded']);
    for (const alarm of Object.values(byMetric)) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: ids.topic }]);
      expect(alarm['OKActions']).toEqual([{ Ref: ids.topic }]);
      expect(alarm['Dimensions']).toEqual([{ Name: 'FunctionName', Value: { Ref: fnId } }]);
      expect(JSON.stringify(alarm['AlarmDescription'])).toMatch(/aws logs tail/);
    }
    expect(byMetric['Errors']).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(byMetric['Errors']!['AlarmDescription'])).toContain('npm run status');
    expect(byMetric['FirstLoadRefused']).toMatchObject({ Namespace: 'Sparkify/Loader', Threshold: 1, TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(byMetric['FirstLoadRefused']!['AlarmDescription'])).toMatch(/npm run stage.*load once from the CLI/);
    // Daily: a success within the last 24 h 20 min (the gap, plus a run), in hourly periods; no run at all is a breach.
    expect(byMetric['RunsSucceeded']).toMatchObject({
      Namespace: 'Sparkify/Loader',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      TreatMissingData: 'breaching',
    });
  });

  test("the no-successful-run window follows the schedule, within CloudWatch's limits", () => {
    const stale = alarms(custom).find((a) => a.Properties['MetricName'] === 'RunsSucceeded')!.Properties;
    // Every 2 hours: 140 minutes in 5-minute periods (periods under an hour may span at most a day).
    expect(stale).toMatchObject({ Period: 300, EvaluationPeriods: 28, DatapointsToAlarm: 28 });
    for (const { Period, EvaluationPeriods } of [stale, alarms(standard).find((a) => a.Properties['MetricName'] === 'RunsSucceeded')!.Properties]) {
      expect(Period * EvaluationPeriods).toBeLessThanOrEqual(Period < 3600 ? 86_400 : 604_800);
    }
  });
});

function alarms(s: ReturnType<typeof synth>): Resource[] {
  return ofType(s.resources, 'AWS::CloudWatch::Alarm')
    .filter(([id]) => id.startsWith('Loader'))
    .map(([, r]) => r);
}

function logicalIds(stack: WarehouseStack) {
  const id = (construct: { node: { defaultChild?: unknown } } | undefined, child?: unknown) =>
    stack.getLogicalId((child ?? construct!.node.defaultChild) as Parameters<typeof stack.getLogicalId>[0]);
  return {
    workgroup: id(undefined, stack.workgroup.workgroup),
    copyRole: id(stack.sourceReadRole.role),
    stagingBucket: id(stack.stagingBucket.bucket),
    topic: id(stack.alerts.topic),
    fn: id(stack.loader.function),
  };
}
