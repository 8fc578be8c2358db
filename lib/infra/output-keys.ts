/**
 * Keys of the stack outputs. `cdk deploy` writes them to `cdk-outputs.json` as
 * `{ "<StackName>": { "<OutputKey>": "value" } }`; other code reads them, so they never change.
 * A module of its own: the ETL's configuration reads it without loading the CDK.
 */
export const OUTPUT_KEYS = {
  workgroupName: 'WorkgroupName',
  namespaceName: 'NamespaceName',
  databaseName: 'DatabaseName',
  endpointAddress: 'EndpointAddress',
  endpointPort: 'EndpointPort',
  roleArn: 'RoleArn',
  region: 'Region',
  adminSecretName: 'AdminSecretName',
  psqlCommand: 'PsqlCommand',
  stagingBucket: 'StagingBucket',
  alertsTopic: 'AlertsTopicArn',
  deployedSettings: 'DeployedSettings',
} as const;
