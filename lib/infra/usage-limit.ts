import * as path from 'node:path';
import {
  CustomResource,
  Duration,
  Stack,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_redshiftserverless as redshiftserverless,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Alerts } from './alerts';
import { functionRole } from './function-role';
import { UsageLimitBreachAction, UsageLimitPeriod } from './settings';

/** The repository root: esbuild bundles from here, with the versions package-lock.json pins. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const PERIOD_NOUN: Record<UsageLimitPeriod, string> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** Properties of {@link WarehouseUsageLimit}. */
export interface WarehouseUsageLimitProps {
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  /** The most RPU-hours the workgroup may use per `period`, already validated (a whole number above 0). */
  readonly rpuHours: number;
  readonly period: UsageLimitPeriod;
  readonly breachAction: UsageLimitBreachAction;
  /** Where the alarm on the limit goes. */
  readonly alerts: Alerts;
}

/**
 * A Redshift Serverless usage limit on the workgroup's compute (RPU-hours per day, week or month), the
 * service's spending control; `maxCapacity` only caps RPUs at a moment. CloudFormation has no resource for
 * it, so a small function of this stack's own (usage-limit-handler.ts) calls the usage-limit API. An alarm on
 * the limit's metric tells the alerts topic when the limit is reached, whatever the breach action.
 *
 * Its role has its permissions inline from the start of the deploy, so nothing waits on IAM propagation
 * when the function first runs (lib/infra/function-role.ts). The usage-limit actions
 * support no resource-level permissions (Service Authorization Reference, Amazon Redshift Serverless), so
 * they are granted on `*`, limited to this stack's region.
 */
export class WarehouseUsageLimit extends Construct {
  readonly resource: CustomResource;
  readonly function: nodejs.NodejsFunction;
  /** Goes off when the period's RPU-hours reach the limit; it publishes to the stack's alerts topic. */
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WarehouseUsageLimitProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const { role, logGroup } = functionRole(this, '', {
      description: 'Creates, updates and deletes the Redshift Serverless usage limit of the warehouse workgroup',
      policyName: 'ManageUsageLimit',
      statements: [
        new iam.PolicyStatement({
          actions: [
            'redshift-serverless:ListUsageLimits',
            'redshift-serverless:CreateUsageLimit',
            'redshift-serverless:UpdateUsageLimit',
            'redshift-serverless:DeleteUsageLimit',
          ],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
        }),
      ],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CreateUsageLimit, UpdateUsageLimit and DeleteUsageLimit support no resource-level permissions (Service Authorization ' +
        'Reference), so they can only be granted on *; the grant is limited to these three actions in this region.',
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, 'usage-limit-handler.ts'),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      description: 'Custom::RedshiftServerlessUsageLimit: keeps the warehouse workgroup usage limit in line with the stack',
      role,
      logGroup,
      timeout: Duration.minutes(2),
      // The Node.js runtime ships the AWS SDK v3; the bundle holds only the handler.
      bundling: { externalModules: ['@aws-sdk/*'], minify: true, target: 'node24' },
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::RedshiftServerlessUsageLimit',
      // Without it CloudFormation waits an hour for an answer that never comes (a function that timed out).
      // This covers the function's 2 minutes and Lambda's two retries of an invocation that died unanswered;
      // the handler is idempotent, so a retry is safe.
      serviceTimeout: Duration.minutes(10),
      properties: {
        WorkgroupArn: props.workgroup.attrWorkgroupWorkgroupArn,
        AmountRpuHours: String(props.rpuHours),
        Period: props.period,
        BreachAction: props.breachAction,
      },
    });

    this.alarm = this.alarmOnLimit(props);
    props.alerts.notify(this.alarm);
  }

  /**
   * An alarm when the RPU-hours consumed in the period reach the limit. The usage limit's metric is
   * `UsageLimitConsumed` (RPU-hours) in `AWS/Redshift-Serverless`, with the dimensions UsageLimitId, UsageType
   * and Workgroup (Management Guide, "Audit logging for Amazon Redshift Serverless", metrics table). A Metrics
   * Insights query selects it by the limit's id alone, so the alarm does not depend on how the UsageType value is
   * spelled. Hourly, and missing data keeps the alarm's state: the metric need not be published every period.
   */
  private alarmOnLimit(props: WarehouseUsageLimitProps): cloudwatch.Alarm {
    const consumed = new cloudwatch.MathExpression({
      expression: `SELECT MAX(UsageLimitConsumed) FROM "AWS/Redshift-Serverless" WHERE UsageLimitId = '${this.resource.ref}'`,
      label: 'RPU-hours consumed this period',
      period: Duration.hours(1),
    });
    return consumed.createAlarm(this, 'Alarm', {
      alarmDescription:
        `The warehouse workgroup used its ${props.rpuHours} RPU-hours for this ${PERIOD_NOUN[props.period]} ` +
        `(usage limit, breach action ${props.breachAction}). Raise usageLimitRpuHours in cdk.json and deploy, or wait for the next period.`,
      threshold: props.rpuHours,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }
}
