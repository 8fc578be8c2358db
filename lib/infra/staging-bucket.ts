import {
  CustomResource,
  Duration,
  RemovalPolicy,
  Validations,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { functionRole } from './function-role';

/** Properties of {@link StagingBucket}. */
export interface StagingBucketProps {
  /**
   * IAM principal ARNs (users or roles) that may write and delete objects: the identity that runs `npm run stage`.
   * Everyone else is denied writes by the bucket policy, whatever their IAM policies say.
   * @default - nobody (but the emptying function): neither synth nor CloudFormation can know who deploys, and
   * "any identity of the account that IAM allows" is more than the stager, so staging needs the setting
   */
  readonly writerArns?: readonly string[];
}

/**
 * The bucket `npm run stage` writes the compacted song catalogue to, owned by the stack:
 *
 * - all public access blocked, TLS required (requests over plain HTTP are denied), encrypted at rest
 *   with S3-managed keys, bucket-owner-enforced object ownership (no ACLs);
 * - readable by the COPY role through its own inline policy (`readStatements`); writable only by `writerArns` (and this stack's
 *   emptying function): a bucket-policy Deny on writes for every other principal;
 * - emptied and removed by `cdk destroy`. CDK's `autoDeleteObjects` would do the emptying with a role that
 *   carries an AWS managed policy and a function whose log group outlives the stack; this construct's own
 *   small function has an inline policy for this bucket only and a log group the stack deletes.
 */
export class StagingBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StagingBucketProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const emptier = this.emptyOnDelete();

    // No writers named: the Deny covers everyone but the emptying function, so the bucket stays closed
    // rather than open to the whole account until the user names who stages.
    const writers = [...(props.writerArns ?? [])];
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheStagerWrites',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [...writers, emptier.roleArn] } },
      }),
    );

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would need a second bucket that outlives nothing but adds cost; the bucket holds a copy of a public data set, ' +
        'written only by the stager, and CloudTrail data events can be enabled by the account if access must be audited.',
    });
  }

  /**
   * What the COPY role needs to read the staged catalogue (list the bucket, get its objects), for the role's own
   * inline policy: an inline grant exists from the role's creation, with no separate policy resource to race.
   */
  readStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'ListStagingBucket', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [this.bucket.bucketArn] }),
      new iam.PolicyStatement({ sid: 'ReadStagedCatalogue', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] }),
    ];
  }

  /** cdk-nag's finding on the reader's `<bucket>/*`, acknowledged by name so any other wildcard still fails. */
  acknowledgeReader(role: iam.IRole): void {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.bucket)}.Arn>/*]`,
      reason: "COPY reads whichever staged parts the stage record names; the grant is read-only (s3:GetObject) and limited to the stack's own staging bucket.",
    });
  }

  private logicalIdOf(bucket: s3.Bucket): string {
    return (bucket.node.defaultChild as s3.CfnBucket).stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  }

  /** A custom resource that deletes every object of the bucket when the stack is destroyed (a bucket must be empty to be deleted). */
  private emptyOnDelete(): iam.Role {
    const { role, logGroup } = functionRole(this, 'EmptyOnDelete', {
      description: 'Deletes the staging bucket\'s objects when the stack is destroyed',
      policyName: 'EmptyStagingBucket',
      statements: [
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [this.bucket.arnForObjects('*')] }),
      ],
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.bucket)}.Arn>/*]`,
      reason: 'Emptying the bucket on destroy deletes every object in it; the grant is s3:DeleteObject on the stack\'s own staging bucket only.',
    });
    const fn = new lambda.Function(this, 'EmptyOnDelete', {
      description: 'Empties the staging bucket on cdk destroy',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(EMPTY_BUCKET_HANDLER),
      timeout: Duration.minutes(10),
      role,
      logGroup,
    });
    const resource = new CustomResource(this, 'EmptyOnDeleteResource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::EmptyBucket',
      properties: { BucketName: this.bucket.bucketName },
    });
    // Deleted before the role's policy and the bucket policy that let it delete, and before the bucket itself.
    resource.node.addDependency(role);
    if (this.bucket.policy !== undefined) resource.node.addDependency(this.bucket.policy);
    return role;
  }
}

/**
 * The emptying function: on Delete (and, for a replaced bucket, on Update) lists the bucket and deletes its
 * objects 1,000 at a time, then answers CloudFormation at the pre-signed ResponseURL. The Node.js runtime
 * ships @aws-sdk/client-s3, so the code is inline and has no dependencies to bundle.
 */
const EMPTY_BUCKET_HANDLER = `
const https = require('node:https');
const { S3Client, ListObjectsV2Command, DeleteObjectsCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});
async function empty(bucket) {
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const objects = (page.Contents || []).map((o) => ({ Key: o.Key }));
    if (objects.length > 0) {
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      if (result.Errors && result.Errors.length > 0) throw new Error('could not delete ' + result.Errors[0].Key + ': ' + result.Errors[0].Code);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status, Reason: reason, PhysicalResourceId: event.PhysicalResourceId || event.LogicalResourceId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const request = https.request({ hostname: url.hostname, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (response) => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(body);
  });
}
exports.handler = async (event) => {
  try {
    if (event.RequestType === 'Delete') await empty(event.ResourceProperties.BucketName);
    const old = event.OldResourceProperties && event.OldResourceProperties.BucketName;
    if (event.RequestType === 'Update' && old && old !== event.ResourceProperties.BucketName) await empty(old);
    await respond(event, 'SUCCESS', 'done');
  } catch (error) {
    console.error(error);
    await respond(event, 'FAILED', String((error && error.message) || error).slice(0, 400));
  }
};
`;
