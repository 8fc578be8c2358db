import { CfnOutput, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OUTPUT_KEYS } from './output-keys';
import { DeployedSettings } from './update-rules';

/** Properties of {@link WarehouseOutputs}: the values to publish (strings or CloudFormation tokens). */
export interface WarehouseOutputsProps {
  readonly workgroupName: string;
  readonly namespaceName: string;
  readonly databaseName: string;
  readonly adminUsername: string;
  readonly endpointAddress: string;
  /** The port the workgroup was created with (the workgroup's `Endpoint.Port` attribute is an integer, which Fn::Join refuses). */
  readonly endpointPort: number;
  readonly roleArn: string;
  readonly region: string;
  /** ARN of the admin secret (the Data API and Secrets Manager accept an ARN wherever they take a name). */
  readonly adminSecretArn: string;
  /** Name of the bucket `npm run stage` writes the compacted song catalogue to. */
  readonly stagingBucketName: string;
  /** ARN of the SNS topic the stack's alarms publish to. */
  readonly alertsTopicArn: string;
  /** The settings the next synth checks an update against (see update-rules.ts). */
  readonly deployedSettings: DeployedSettings;
}

/** The stack outputs, under the fixed keys of {@link OUTPUT_KEYS}. */
export class WarehouseOutputs extends Construct {
  constructor(scope: Construct, id: string, props: WarehouseOutputsProps) {
    super(scope, id);

    const port = String(props.endpointPort);
    // Ready to paste: fetches the admin password from Secrets Manager (needs the AWS CLI and jq) and
    // connects with TLS. It only reaches the endpoint when the stack was deployed with an ingressCidr.
    // Redshift names its managed secret `redshift!<namespace>-<user>`, and an interactive bash expands `!`
    // inside double quotes (history expansion), so nothing here is double-quoted: the ARN and the
    // connection string are single-quoted, and `VAR=$(…)` needs no quotes (an assignment is not split).
    const psql = Fn.join('', [
      `PGPASSWORD=$(aws secretsmanager get-secret-value --region ${props.region} --secret-id '`,
      props.adminSecretArn,
      `' --query SecretString --output text | jq -r .password) psql 'host=`,
      props.endpointAddress,
      ` port=`,
      port,
      ` dbname=${props.databaseName} user=${props.adminUsername} sslmode=require'`,
    ]);

    this.output(OUTPUT_KEYS.workgroupName, props.workgroupName, 'Redshift Serverless workgroup (Data API WorkgroupName)');
    this.output(OUTPUT_KEYS.namespaceName, props.namespaceName, 'Redshift Serverless namespace');
    this.output(OUTPUT_KEYS.databaseName, props.databaseName, 'Database the ETL loads');
    this.output(OUTPUT_KEYS.endpointAddress, props.endpointAddress, 'Workgroup endpoint host name');
    this.output(OUTPUT_KEYS.endpointPort, port, 'Workgroup endpoint port');
    this.output(OUTPUT_KEYS.roleArn, props.roleArn, 'IAM role for COPY (also the namespace default: IAM_ROLE default)');
    this.output(OUTPUT_KEYS.region, props.region, 'AWS region of the warehouse');
    this.output(OUTPUT_KEYS.adminSecretName, props.adminSecretArn, 'ARN of the Secrets Manager secret with the admin user and password');
    this.output(OUTPUT_KEYS.stagingBucket, props.stagingBucketName, 'S3 bucket of the staged song catalogue (npm run stage writes it, the ETL reads it)');
    this.output(OUTPUT_KEYS.alertsTopic, props.alertsTopicArn, 'SNS topic of the stack alarms (spending, loads): subscribe to be told');
    this.output(OUTPUT_KEYS.psqlCommand, psql, 'psql connection line (needs an ingressCidr at deploy, the AWS CLI and jq)');
    this.output(OUTPUT_KEYS.deployedSettings, JSON.stringify(props.deployedSettings), 'Settings this deploy applied; the next synth checks its changes against them');
  }

  private output(key: string, value: string, description: string): void {
    const output = new CfnOutput(this, key, { value, description });
    // The logical id is the key in cdk-outputs.json; without this it would carry a path hash.
    output.overrideLogicalId(key);
  }
}
