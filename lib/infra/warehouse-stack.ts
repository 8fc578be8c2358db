import { Annotations, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Alerts } from './alerts';
import { chooseAvailabilityZones, knownZones } from './availability-zones';
import { WarehouseNamespace } from './namespace';
import { WarehouseNetwork } from './network';
import { WarehouseOutputs } from './outputs';
import { DEFAULT_SETTINGS, WarehouseSettings, validateSettings } from './settings';
import { SourceReadRole } from './source-read-role';
import { StagingBucket } from './staging-bucket';
import { DeployedSettings, checkUpdate, deployedSettingsOf } from './update-rules';
import { WarehouseUsageLimit } from './usage-limit';
import { WarehouseWorkgroup } from './workgroup';

/** Properties of {@link WarehouseStack}. */
export interface WarehouseStackProps extends StackProps {
  /**
   * The warehouse's settings; validated again here, so the stack is safe to build from code too.
   * `stackName` and `region` in here name and place the stack; `env.account`, when given, lets the
   * availability zones come from a lookup (see availability-zones.ts).
   * @default DEFAULT_SETTINGS
   */
  readonly settings?: WarehouseSettings;
  /**
   * What the last deploy published (`DeployedSettings` in cdk-outputs.json). With it, a change the service would
   * refuse halfway, or that would do nothing or lose data, stops the synth (update-rules.ts).
   * @default - a first deploy: nothing to check against
   */
  readonly deployed?: DeployedSettings;
  /**
   * True when the settings say `"maxCapacity": "none"`: the cap was removed outside CloudFormation.
   * @default false
   */
  readonly maxCapacityNone?: boolean;
}

/**
 * A Redshift Serverless warehouse that `cdk deploy` stands up and `cdk destroy` removes completely:
 * its own VPC and security group, a read-only role for COPY, the namespace (data, admin secret, audit
 * logs) and the workgroup (compute, endpoint), plus the outputs the ETL reads from `cdk-outputs.json`.
 *
 * The account is left to the CLI's credentials (so `cdk synth` needs none); the region is fixed by the
 * settings so the template and its outputs name it.
 * A usage limit caps the RPU-hours the workgroup may use per period (on by default), and an alarm on it reaches
 * the alerts topic.
 */
export class WarehouseStack extends Stack {
  readonly settings: WarehouseSettings;
  readonly network: WarehouseNetwork;
  readonly sourceReadRole: SourceReadRole;
  readonly namespace: WarehouseNamespace;
  readonly workgroup: WarehouseWorkgroup;
  readonly stagingBucket: StagingBucket;
  /** The topic every alarm of the stack publishes to (`alerts.notify(alarm)`); `alertEmail` subscribes an address. */
  readonly alerts: Alerts;
  /** The spending control, unless `usageLimitRpuHours` is "none". */
  readonly usageLimit?: WarehouseUsageLimit;

  constructor(scope: Construct, id: string, props: WarehouseStackProps = {}) {
    const settings = validateSettings(props.settings ?? DEFAULT_SETTINGS);
    super(scope, id, {
      description: 'Sparkify warehouse: Amazon Redshift Serverless data mart (sparkify-warehouse)',
      ...props,
      stackName: settings.stackName,
      env: { account: props.env?.account, region: settings.region },
    });
    this.settings = settings;
    Tags.of(this).add('project', 'sparkify-warehouse');

    this.alerts = new Alerts(this, 'Alerts', { email: settings.alertEmail });

    const availabilityZones = chooseAvailabilityZones(this, settings);
    const notices = checkUpdate(settings, props.deployed, { availabilityZones: knownZones(availabilityZones), maxCapacityNone: props.maxCapacityNone });
    for (const notice of notices) Annotations.of(this).addWarningV2('sparkify:namespaceReplaced', notice);

    this.network = new WarehouseNetwork(this, 'Network', {
      port: settings.port,
      ingressCidr: settings.ingressCidr,
      availabilityZones,
    });

    this.stagingBucket = new StagingBucket(this, 'StagingBucket', { writerArns: settings.stagingWriterArns });
    this.sourceReadRole = new SourceReadRole(this, 'SourceReadRole', {
      sourceBuckets: settings.sourceBuckets,
      moreStatements: this.stagingBucket.readStatements(),
    });
    this.stagingBucket.acknowledgeReader(this.sourceReadRole.role);

    this.namespace = new WarehouseNamespace(this, 'Namespace', {
      namespaceName: settings.namespaceName,
      databaseName: settings.databaseName,
      adminUsername: settings.adminUsername,
      role: this.sourceReadRole.role,
    });

    this.workgroup = new WarehouseWorkgroup(this, 'Workgroup', {
      workgroupName: settings.workgroupName,
      namespace: this.namespace.namespace,
      baseCapacity: settings.baseCapacity,
      maxCapacity: settings.maxCapacity,
      port: settings.port,
      subnetIds: this.network.subnetIds,
      securityGroupIds: [this.network.securityGroup.securityGroupId],
      // Without an ingress rule a public address would be useless; the Data API needs none.
      publiclyAccessible: this.network.hasIngress,
      internetConnectivity: this.network.internetConnectivity,
    });

    if (settings.usageLimitRpuHours !== undefined) {
      this.usageLimit = new WarehouseUsageLimit(this, 'UsageLimit', {
        workgroup: this.workgroup.workgroup,
        rpuHours: settings.usageLimitRpuHours,
        period: settings.usageLimitPeriod,
        breachAction: settings.usageLimitBreachAction,
        alerts: this.alerts,
      });
    }

    new WarehouseOutputs(this, 'Outputs', {
      workgroupName: settings.workgroupName,
      namespaceName: settings.namespaceName,
      databaseName: settings.databaseName,
      adminUsername: settings.adminUsername,
      endpointAddress: this.workgroup.workgroup.attrWorkgroupEndpointAddress,
      endpointPort: settings.port,
      roleArn: this.sourceReadRole.role.roleArn,
      region: this.region,
      adminSecretArn: this.namespace.adminSecretArn,
      stagingBucketName: this.stagingBucket.bucket.bucketName,
      alertsTopicArn: this.alerts.topic.topicArn,
      deployedSettings: deployedSettingsOf(settings, knownZones(availabilityZones)),
    });
  }
}
