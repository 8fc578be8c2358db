import * as path from 'node:path';
import {
  CustomResource,
  Duration,
  Stack,
  Validations,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_redshiftserverless as redshiftserverless,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { functionRole } from './function-role';
import { UsageLimitBreachAction, UsageLimitPeriod } from './settings';

/** The repository root: esbuild bundles from here, with the versions package-lock.json pins. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Properties of {@link WarehouseUsageLimit}. */
export interface WarehouseUsageLimitProps {
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  /** The most RPU-hours the workgroup may use per `period`, already validated (a whole number above 0). */
  readonly rpuHours: number;
  readonly period: UsageLimitPeriod;
  readonly breachAction: UsageLimitBreachAction;
}

/**
 * A Redshift Serverless usage limit on the workgroup's compute (RPU-hours per day, week or month), the
 * service's spending control; `maxCapacity` only caps RPUs at a moment. CloudFormation has no resource for
 * it, so a small function of this stack's own (usage-limit-handler.ts) calls the usage-limit API.
 *
 * Its role has its permissions inline from the start of the deploy, so nothing waits on IAM propagation
 * when the function first runs (lib/infra/function-role.ts). The usage-limit actions
 * support no resource-level permissions (Service Authorization Reference, Amazon Redshift Serverless), so
 * they are granted on `*`, limited to this stack's region.
 */
export class WarehouseUsageLimit extends Construct {
  readonly resource: CustomResource;
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: WarehouseUsageLimitProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const { role, logGroup } = functionRole(this, '', {
      description: 'Creates, updates and deletes the Redshift Serverless usage limit of the warehouse workgroup',
      policyName: 'ManageUsageLimit',
      statements: [
        new iam.PolicyStatement({
          actions: ['redshift-serverless:CreateUsageLimit', 'redshift-serverless:UpdateUsageLimit', 'redshift-serverless:DeleteUsageLimit'],
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
      properties: {
        WorkgroupArn: props.workgroup.attrWorkgroupWorkgroupArn,
        AmountRpuHours: String(props.rpuHours),
        Period: props.period,
        BreachAction: props.breachAction,
      },
    });
  }
}
