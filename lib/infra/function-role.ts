import { RemovalPolicy, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface FunctionRoleProps {
  /** What the role is for (IAM's description). */
  readonly description: string;
  /** The name of the role's one inline policy. */
  readonly policyName: string;
  /** What the function does; writing to its own log group is added. */
  readonly statements: readonly iam.PolicyStatement[];
}

/**
 * The role and log group of one of this stack's custom-resource functions, both the stack's own: the log
 * group keeps a week and goes with the stack, and the role carries every permission inline from the start of
 * the deploy. A separate policy resource would be created right before the function first runs, and IAM may
 * not have propagated it by then (AccessDenied and a rolled-back first deploy: aws/aws-cdk#23340, #21332,
 * #31429). The constructs are `<prefix>Logs` and `<prefix>Role`.
 */
export function functionRole(scope: Construct, prefix: string, props: FunctionRoleProps): { role: iam.Role; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, `${prefix}Logs`, {
    retention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${prefix}Role`, {
    description: props.description,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    inlinePolicies: {
      [props.policyName]: new iam.PolicyDocument({
        statements: [
          ...props.statements,
          new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        ],
      }),
    },
  });
  return { role, logGroup };
}
