import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  Aws,
  Duration,
  Stack,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_redshiftserverless as redshiftserverless,
  aws_s3 as s3,
  aws_scheduler as scheduler,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_SOURCES } from '../config';
import { ConfigError } from '../errors';
import { LOADER_METRICS_DIMENSION, LOADER_METRICS_NAMESPACE } from '../loader/metrics';
import { functionRole } from './function-role';
import { type LoadSchedule, staleAfterMinutes, staleAlarmWindow } from './load-schedule';

/** The repository root: esbuild bundles from here, with the versions package-lock.json pins. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The folders of sql/ the pipeline reads; the others (analytics, report) are the analysts'. */
const PIPELINE_SQL_FOLDERS = ['checks', 'incremental', 'ledger', 'marts', 'staging'];

/** Lambda's longest timeout; the run's deadline is taken from what is left of it (lib/loader/handler.ts). */
export const LOADER_TIMEOUT = Duration.minutes(15);

/** Properties of {@link ScheduledLoader}. */
export interface ScheduledLoaderProps {
  /** When to run, already parsed; `off` leaves the function for manual invocations, with no schedule. */
  readonly schedule: LoadSchedule;
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  readonly databaseName: string;
  /** The S3 prefix the loader loads (laid out like the Sparkify bucket) and its bucket's region. */
  readonly source: { readonly uri: string; readonly region: string };
  /** Every bucket the source may name (the `sourceBuckets` setting): the loader lists and reads them. */
  readonly sourceBuckets: readonly string[];
  /** The role COPY names (IAM_ROLE). */
  readonly copyRole: iam.IRole;
  /** The stack's staging bucket, where `npm run stage` puts the compacted catalogue. */
  readonly stagingBucket: s3.IBucket;
  /** The stack's alerts topic: each alarm is sent there (lib/infra/alerts.ts). */
  readonly alerts: { notify(alarm: cloudwatch.Alarm): void };
}

/**
 * The warehouse loads itself: an EventBridge Scheduler schedule invokes a Lambda function that runs
 * `npm run etl -- --new` (lib/loader/handler.ts) on the stack's workgroup, and CloudWatch alarms tell the
 * alerts topic when a run fails, when no run has succeeded for longer than the schedule allows, and when the
 * first full load is too big for the function.
 *
 * - The bundle is built by `cdk synth` with the project's own esbuild (never Docker), from the project's
 *   code: the Redshift path and the SQL files beside it, the AWS SDK included (pinned by package-lock.json).
 * - One run at a time (reserved concurrency 1), 15 minutes at most, no retry of a failed run (the next
 *   scheduled one is the retry), and a log group the stack owns.
 * - Its role runs statements on this workgroup only, reads only its own statements' results, gets
 *   credentials for this workgroup, and lists and reads the source and staging buckets: nothing else.
 */
export class ScheduledLoader extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** Absent when the schedule is `off`. */
  readonly schedule?: scheduler.CfnSchedule;
  readonly failedAlarm: cloudwatch.Alarm;
  readonly firstLoadAlarm: cloudwatch.Alarm;
  /** Absent when the schedule is `off`: there is nothing to be late for. */
  readonly staleAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledLoaderProps) {
    super(scope, id);
    assertLocalEsbuild();
    const workgroupArn = props.workgroup.attrWorkgroupWorkgroupArn;
    const sourceArns = props.sourceBuckets.map((bucket) => `arn:${Aws.PARTITION}:s3:::${bucket}`);

    const { role, logGroup } = functionRole(this, '', {
      description: 'The scheduled loader: runs npm run etl -- --new on the warehouse workgroup',
      policyName: 'LoadTheWarehouse',
      statements: [
        // Redshift Data API (Service Authorization Reference): the statement-running actions take the workgroup ARN.
        new iam.PolicyStatement({ sid: 'RunStatements', actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], resources: [workgroupArn] }),
        // These have no resource type; the documented condition limits them to the statements this role ran.
        new iam.PolicyStatement({
          sid: 'OwnStatementsOnly',
          actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
          resources: ['*'],
          conditions: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
        }),
        // The Data API signs in with IAM: temporary database credentials for this workgroup (user IAMR:<role name>).
        new iam.PolicyStatement({ sid: 'SignIn', actions: ['redshift-serverless:GetCredentials'], resources: [workgroupArn] }),
        // --new lists the source (keys, sizes, ETags) and reads the stage record from the staging bucket.
        new iam.PolicyStatement({ sid: 'ListBuckets', actions: ['s3:ListBucket'], resources: [...sourceArns, props.stagingBucket.bucketArn] }),
        new iam.PolicyStatement({
          sid: 'ReadObjects',
          actions: ['s3:GetObject'],
          resources: [...sourceArns.map((arn) => `${arn}/*`), props.stagingBucket.arnForObjects('*')],
        }),
      ],
    });
    this.role = role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DescribeStatement, GetStatementResult and CancelStatement have no resource type (Service Authorization Reference, Redshift Data API); ' +
        'the grant is limited by redshift-data:statement-owner-iam-userid to the statements this role ran.',
    });
    for (const bucket of props.sourceBuckets) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/*]`,
        reason: `The loader reads whichever objects of the source bucket ${bucket} a load names; the grant is read-only (s3:GetObject).`,
      });
    }
    const stagingBucketId = Stack.of(this).getLogicalId(props.stagingBucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stagingBucketId}.Arn>/*]`,
      reason: "The loader reads the stage record and its parts; the grant is read-only (s3:GetObject) on the stack's own staging bucket.",
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'lib', 'loader', 'handler.ts'),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      // Plain JavaScript: Graviton runs it at a fifth less per GB-second than x86.
      architecture: lambda.Architecture.ARM_64,
      description: 'Sparkify warehouse: loads what is new in the source (npm run etl -- --new), on the stack schedule',
      role,
      logGroup,
      timeout: LOADER_TIMEOUT,
      // Enough for the pipeline and the AWS SDK; the work itself runs in Redshift.
      memorySize: 512,
      // Runs never overlap: a second invocation waits in Lambda's queue until the first ends.
      reservedConcurrentExecutions: 1,
      // A failed run is not run again: the next scheduled run takes over what is left.
      retryAttempts: 0,
      // An invocation still queued after an hour (behind a long manual run) is dropped; the schedule sends the next.
      maxEventAge: Duration.hours(1),
      environment: {
        SPARKIFY_TARGET: 'redshift',
        SPARKIFY_WORKGROUP: props.workgroup.ref,
        SPARKIFY_DATABASE: props.databaseName,
        SPARKIFY_REGION: Stack.of(this).region,
        SPARKIFY_EVENTS_URI: `${props.source.uri}/log_data`,
        // Named only when it is not the default: SPARKIFY_SONGS_URI wins over the staged catalogue (config.ts),
        // which npm run stage makes of the default songs.
        ...(`${props.source.uri}/song_data` === DEFAULT_SOURCES.songsUri ? {} : { SPARKIFY_SONGS_URI: `${props.source.uri}/song_data` }),
        SPARKIFY_JSONPATHS_URI: `${props.source.uri}/log_json_path.json`,
        SPARKIFY_SOURCE_REGION: props.source.region,
        SPARKIFY_IAM_ROLE: props.copyRole.roleArn,
        SPARKIFY_STAGING_BUCKET: props.stagingBucket.bucketName,
        // No statement outlives the function.
        SPARKIFY_STATEMENT_TIMEOUT: String(LOADER_TIMEOUT.toSeconds()),
      },
      bundling: {
        // Built here by the project's esbuild (assertLocalEsbuild), never in a Docker container.
        forceDockerBundling: false,
        // The AWS SDK is bundled too: the versions package-lock.json pins, the ones the tests ran.
        externalModules: [],
        minify: true,
        // Error names (ConfigError, LoadError…) are what the log and Lambda's errorType show.
        keepNames: true,
        target: 'node24',
        // index.meta.json beside the bundle lists every source file in it (the tests check what it holds).
        metafile: true,
        // sql-files.ts reads the SQL beside the bundle.
        define: { SPARKIFY_BUNDLED_SQL: 'true' },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The SQL the pipeline reads, folder by folder (the analysts' questions and the report's are not the loader's).
          afterBundling: (inputDir, outputDir) => [
            `mkdir -p "${outputDir}/sql"`,
            ...PIPELINE_SQL_FOLDERS.map((folder) => `cp -R "${inputDir}/sql/${folder}" "${outputDir}/sql/${folder}"`),
          ],
        },
      },
    });

    if (props.schedule.kind !== 'off') this.schedule = this.scheduleRuns(props.schedule.expression);

    const fn = this.function;
    const name = fn.functionName;
    const logs = `aws logs tail ${logGroup.logGroupName} --since 2d --region ${Stack.of(this).region}`;
    this.failedAlarm = new cloudwatch.Alarm(this, 'RunFailed', {
      alarmDescription:
        `A run of the scheduled loader failed or timed out: nothing half-published is visible, and the next run retries what is left. ` +
        `Find out why: ${logs} (the error is the run's last lines), and npm run status (etl_runs says which day failed). docs/operations.md, "Alarms".`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.firstLoadAlarm = new cloudwatch.Alarm(this, 'FirstLoadTooBig', {
      alarmDescription:
        'The warehouse is empty and its first full load does not fit in the loader\'s 15 minutes, so it was not started. Run npm run stage ' +
        '(the song catalogue as a few parts, read in seconds) or load once from the CLI (npm run etl -- --new); the schedule then takes over. ' +
        `Details: ${logs}. docs/operations.md, "Alarms".`,
      metric: loaderMetric(name, 'FirstLoadRefused', Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.schedule.kind !== 'off') {
      const window = staleAlarmWindow(props.schedule);
      const minutes = staleAfterMinutes(props.schedule);
      this.staleAlarm = new cloudwatch.Alarm(this, 'NoSuccessfulRun', {
        alarmDescription:
          `No run of the scheduled loader has succeeded for ${describeMinutes(minutes)} (the longest gap of loadSchedule ${props.schedule.expression}, ` +
          `plus one run): the schedule may be disabled, runs may fail, or each may be too short to publish a day. Find out: ${logs}, npm run status, ` +
          `and aws scheduler list-schedules --region ${Stack.of(this).region}. docs/operations.md, "Alarms".`,
        metric: loaderMetric(name, 'RunsSucceeded', Duration.seconds(window.periodSeconds)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        // No run at all publishes no data point: that is exactly what this alarm is for.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
    for (const alarm of [this.failedAlarm, this.firstLoadAlarm, this.staleAlarm]) if (alarm) props.alerts.notify(alarm);
  }

  /**
   * The schedule, as the L1 resource: the L2 target would grant its role lambda:InvokeFunction on the
   * function's versions too (`<arn>:*`) in a separate policy; this role may invoke the function, no more.
   */
  private scheduleRuns(expression: string): scheduler.CfnSchedule {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ScheduleRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the warehouse loader on its schedule',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      inlinePolicies: {
        InvokeTheLoader: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] })],
        }),
      },
    });
    return new scheduler.CfnSchedule(this, 'Schedule', {
      // A name to find it by (docs/operations.md: pausing it); Scheduler allows 64 characters.
      name: `${stack.stackName}-loader`.slice(-64),
      description: 'Runs the Sparkify warehouse loader (npm run etl -- --new); setting loadSchedule in cdk.json',
      scheduleExpression: expression,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.function.functionArn,
        roleArn: role.roleArn,
        // Scheduler retries only its own delivery (Lambda refusing the invocation), never a failed run.
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}

/** A metric the handler publishes (lib/loader/metrics.ts), summed. */
function loaderMetric(functionName: string, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: LOADER_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [LOADER_METRICS_DIMENSION]: functionName },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

function describeMinutes(minutes: number): string {
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  return `${hours} hours${minutes % 60 ? ` ${minutes % 60} minutes` : ''}`;
}

/**
 * The bundle is built by the esbuild package-lock.json installs (a devDependency). Without it the CDK would
 * quietly switch to bundling in Docker, with another esbuild, and fail without Docker; refuse instead.
 */
function assertLocalEsbuild(): void {
  try {
    createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('esbuild');
  } catch {
    throw new ConfigError(
      `The scheduled loader's bundle is built with the project's esbuild, which is not installed in ${path.join(PROJECT_ROOT, 'node_modules')}: ` +
        'run npm ci (it installs the devDependencies), then cdk synth or cdk deploy again.',
    );
  }
}
