import { Aws, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of {@link SourceReadRole}. */
export interface SourceReadRoleProps {
  /** Buckets COPY reads from (names only, already validated). */
  readonly sourceBuckets: readonly string[];
  /**
   * More read grants for the same inline policy (the staging bucket's).
   * @default none
   */
  readonly moreStatements?: readonly iam.PolicyStatement[];
}

/**
 * The role Redshift assumes to run COPY: read-only access to the source buckets and nothing else.
 *
 * No AWS managed policy (the console's default for Redshift roles is the broad
 * `AmazonRedshiftAllCommandsFullAccess`); one inline policy lists exactly what COPY needs:
 * `s3:ListBucket` and `s3:GetBucketLocation` on each bucket, `s3:GetObject` on its objects.
 */
export class SourceReadRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SourceReadRoleProps) {
    super(scope, id);

    const bucketArns = props.sourceBuckets.map((bucket) => `arn:${Aws.PARTITION}:s3:::${bucket}`);
    const objectArns = bucketArns.map((arn) => `${arn}/*`);

    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by Redshift Serverless to COPY from the Sparkify source buckets (read-only)',
      // Redshift Serverless needs both service principals in the trust policy
      // ("Granting permissions to Amazon Redshift Serverless", Management Guide).
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('redshift.amazonaws.com'),
        new iam.ServicePrincipal('redshift-serverless.amazonaws.com'),
      ),
      inlinePolicies: {
        ReadSourceBuckets: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ListSourceBuckets',
              actions: ['s3:ListBucket', 's3:GetBucketLocation'],
              resources: bucketArns,
            }),
            new iam.PolicyStatement({
              sid: 'ReadSourceObjects',
              actions: ['s3:GetObject'],
              resources: objectArns,
            }),
            ...(props.moreStatements ?? []),
          ],
        }),
      },
    });

    // cdk-nag flags every `<bucket>/*`; each finding is acknowledged by name so a new wildcard still fails.
    for (const bucket of props.sourceBuckets) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/*]`,
        reason: `COPY reads whichever objects of the source bucket ${bucket} a load names; the grant is read-only (s3:GetObject) and limited to that bucket.`,
      });
    }
  }
}
