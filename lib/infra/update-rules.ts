/**
 * What a later `cdk deploy` can and cannot change, checked at synth against the settings the last deploy
 * published (the `DeployedSettings` output in `cdk-outputs.json`), so a deploy that CloudFormation or Redshift
 * would refuse halfway, or one that would silently do nothing or delete data, stops before it starts.
 *
 * The rules come from the service, not from this project:
 * - the CloudFormation handler of `AWS::RedshiftServerless::Workgroup` sends every changed property in one
 *   UpdateWorkgroup request, and Redshift refuses more than one ("Can't update multiple configurations at the
 *   same time for workgroup …");
 * - a property removed from the template is not sent at all, so removing `maxCapacity` leaves the cap in place
 *   (only `UpdateWorkgroup --max-capacity -1` removes it);
 * - `NamespaceName` and `WorkgroupName` can only be set at creation: a new name means a new resource, and a
 *   new namespace has none of the old one's tables;
 * - the namespace handler's UpdateNamespace request leaves the database name out ("we only support updating
 *   db-name after GA", Translator.java in aws-cloudformation/aws-cloudformation-resource-providers-redshift-serverless),
 *   so a new `databaseName` changes nothing while the outputs name a database that does not exist;
 * - a new admin user name is sent together with the admin password, and Redshift takes no password while it
 *   manages the password itself (`ManageAdminPassword`), so the update fails;
 * - a subnet's availability zone can only be set at creation, and CDK numbers the subnets' CIDRs by position: a
 *   new zone makes CloudFormation create a subnet with the same CIDR before deleting the old one, which EC2
 *   refuses; the workgroup's `SubnetIds` would change too, in the same UpdateWorkgroup request.
 */
import { ConfigError } from '../errors';
import { WarehouseSettings } from './settings';

/** The deployed settings that decide what an update may change; published as JSON in the `DeployedSettings` output. */
export interface DeployedSettings {
  readonly namespaceName: string;
  readonly workgroupName: string;
  /** Absent in records of deploys before it was recorded; then a change is not checked. */
  readonly databaseName?: string;
  readonly adminUsername?: string;
  /** The subnets' zones; `null` when synth could not know them (no account: `Fn::GetAZs`). */
  readonly availabilityZones?: readonly string[] | null;
  readonly baseCapacity: number;
  /** `null` when no cap was set. */
  readonly maxCapacity: number | null;
  readonly port: number;
  readonly publiclyAccessible: boolean;
}

/**
 * The record of `settings` the stack publishes, and the next synth compares against.
 *
 * @param availabilityZones the zones the stack put its subnets in, or `null` when they are not known at synth
 */
export function deployedSettingsOf(settings: WarehouseSettings, availabilityZones: readonly string[] | null): DeployedSettings {
  return {
    namespaceName: settings.namespaceName,
    workgroupName: settings.workgroupName,
    databaseName: settings.databaseName,
    adminUsername: settings.adminUsername,
    availabilityZones,
    baseCapacity: settings.baseCapacity,
    maxCapacity: settings.maxCapacity ?? null,
    port: settings.port,
    publiclyAccessible: settings.ingressCidr !== undefined,
  };
}

/**
 * Refuses settings that differ from the ones kept in `cdk.json`: a value given only with `-c` is not
 * remembered, so the next plain `cdk deploy` would quietly undo it (an ingress rule removed, a capacity
 * reverted).
 *
 * @param effective the settings from all context (`cdk.json`, `~/.cdk.json`, `-c`)
 * @param kept the settings from the `context` block of `cdk.json` alone
 */
export function checkKeptInCdkJson(effective: WarehouseSettings, kept: WarehouseSettings): void {
  const names = new Set([...Object.keys(effective), ...Object.keys(kept)] as (keyof WarehouseSettings)[]);
  const differing = [...names].filter(
    (name) => JSON.stringify(effective[name]) !== JSON.stringify(kept[name]),
  );
  if (differing.length === 0) return;
  const lines = differing.map((name) => `"${name}": ${JSON.stringify(effective[name] ?? '')}`).join(', ');
  throw new ConfigError(
    `${differing.join(', ')} given with -c (or in ~/.cdk.json) but not in cdk.json: context given on the command line ` +
      'is not remembered, so the next `npx cdk deploy` without it would undo the change. ' +
      `Put ${lines} in the "context" block of cdk.json and run the command again without -c.`,
  );
}

/** What the stack's update would do to the workgroup: each changed setting, old → new. */
function workgroupChanges(next: DeployedSettings, deployed: DeployedSettings): string[] {
  const keys = ['baseCapacity', 'maxCapacity', 'port', 'publiclyAccessible'] as const;
  return keys
    .filter((key) => next[key] !== deployed[key])
    .map((key) => `${key} (${String(deployed[key] ?? 'none')} → ${String(next[key] ?? 'none')})`);
}

/** What `checkUpdate` needs besides the settings. */
export interface UpdateContext {
  /** The zones this synth puts the subnets in, or `null` when they are not known (see `deployedSettingsOf`). */
  readonly availabilityZones: readonly string[] | null;
  /**
   * True when the settings say `"maxCapacity": "none"`: the user removed the cap outside CloudFormation and
   * wants the template without one.
   * @default false
   */
  readonly maxCapacityNone?: boolean;
}

/**
 * Checks an update from `deployed` to `settings` against the rules above.
 *
 * @returns notices for the person deploying (the namespace replacement that is about to happen)
 * @throws ConfigError saying what would go wrong and what to do instead
 */
export function checkUpdate(settings: WarehouseSettings, deployed: DeployedSettings | undefined, context: UpdateContext): string[] {
  if (!deployed) return [];
  const next = deployedSettingsOf(settings, context.availabilityZones);
  const namespaceRenamed = next.namespaceName !== deployed.namespaceName;
  const workgroupRenamed = next.workgroupName !== deployed.workgroupName;
  const snapshot = snapshotCommand(deployed.namespaceName, settings.region);

  checkZones(next, deployed);
  if (namespaceRenamed && settings.allowNamespaceReplacement !== deployed.namespaceName) {
    throw new ConfigError(
      `namespaceName '${next.namespaceName}' differs from the deployed namespace '${deployed.namespaceName}' (cdk-outputs.json). ` +
        'A namespace cannot be renamed: CloudFormation would create a new, empty one and delete the old one with every table in it. ' +
        `Keep "namespaceName": "${deployed.namespaceName}"; or, if losing the data is intended, add ` +
        `"allowNamespaceReplacement": "${deployed.namespaceName}" to cdk.json (it allows replacing that namespace only), ` +
        `and take a final snapshot first if you may want the data back: ${snapshot}`,
    );
  }
  if (namespaceRenamed && !workgroupRenamed) {
    throw new ConfigError(
      `namespaceName changes but workgroupName '${next.workgroupName}' does not: the workgroup would have to be replaced under the ` +
        'same name, which CloudFormation refuses for a named resource ("CloudFormation cannot update a stack when a custom-named ' +
        'resource requires replacing"). Give the workgroup a new name in the same change.',
    );
  }
  if (workgroupRenamed && !namespaceRenamed) {
    throw new ConfigError(
      `workgroupName '${next.workgroupName}' differs from the deployed workgroup '${deployed.workgroupName}' (cdk-outputs.json): ` +
        'CloudFormation would create the new workgroup before deleting the old one, and a namespace serves only one workgroup, ' +
        `so the deploy would fail. Keep "workgroupName": "${deployed.workgroupName}".`,
    );
  }
  if (namespaceRenamed) {
    // A new namespace and workgroup are created with every setting at once.
    return [
      `This deploy replaces namespace '${deployed.namespaceName}' with '${next.namespaceName}' and deletes every table in it. ` +
        `If you may want the data back, stop now and take a final snapshot: ${snapshot}`,
    ];
  }

  if (deployed.databaseName !== undefined && next.databaseName !== deployed.databaseName) {
    throw new ConfigError(
      `databaseName '${next.databaseName}' differs from the deployed database '${deployed.databaseName}' (cdk-outputs.json). ` +
        "CloudFormation cannot rename a namespace's database: its update leaves the name out, so the deploy would succeed, change " +
        `nothing, and publish a DatabaseName that does not exist, and the ETL would fail. Keep "databaseName": "${deployed.databaseName}". ` +
        `For another database, create it in SQL (CREATE DATABASE ${next.databaseName};) and point the ETL at it with --database (SPARKIFY_DATABASE); ` +
        'or replace the namespace (new namespaceName and workgroupName, with allowNamespaceReplacement), which loses its data.',
    );
  }
  if (deployed.adminUsername !== undefined && next.adminUsername !== deployed.adminUsername) {
    throw new ConfigError(
      `adminUsername '${next.adminUsername}' differs from the deployed admin user '${deployed.adminUsername}' (cdk-outputs.json). ` +
        'CloudFormation sends a new admin user name together with a password, and Redshift refuses a password while it manages the ' +
        `admin password in Secrets Manager, so the deploy would fail. Keep "adminUsername": "${deployed.adminUsername}". For another ` +
        `user, create it in SQL (CREATE USER ${next.adminUsername} PASSWORD '…';) as ${deployed.adminUsername}; or replace the ` +
        'namespace (new namespaceName and workgroupName, with allowNamespaceReplacement), which loses its data.',
    );
  }
  if (workgroupRenamed) return [];

  if (deployed.maxCapacity !== null && next.maxCapacity === null && !context.maxCapacityNone) {
    throw new ConfigError(
      `maxCapacity is no longer set, but removing it does not remove the cap: CloudFormation sends nothing for a property that is ` +
        `gone, so workgroup '${deployed.workgroupName}' keeps its ${deployed.maxCapacity} RPUs. Either set a new "maxCapacity", or ` +
        `remove the cap with \`aws redshift-serverless update-workgroup --workgroup-name ${deployed.workgroupName} ` +
        `--max-capacity -1 --region ${settings.region}\` and then set "maxCapacity": "none" in cdk.json.`,
    );
  }
  const changes = workgroupChanges(next, deployed);
  if (changes.length > 1) {
    throw new ConfigError(
      `This deploy would change ${changes.join(' and ')} of workgroup '${deployed.workgroupName}' at once. ` +
        "CloudFormation sends them in one UpdateWorkgroup request and Redshift Serverless refuses it (\"Can't update multiple " +
        `configurations at the same time for workgroup ${deployed.workgroupName}\"). Change one setting, deploy, then the next.`,
    );
  }
  return [];
}

/** Refuses new availability zones (whatever else changes: a replaced workgroup gets the new subnets too). */
function checkZones(next: DeployedSettings, deployed: DeployedSettings): void {
  const before = deployed.availabilityZones;
  const after = next.availabilityZones;
  if (!before || !after || before.join(',') === after.join(',')) return;
  throw new ConfigError(
    `The subnets would move from availability zones ${before.join(', ')} (cdk-outputs.json) to ${after.join(', ')}. ` +
      'A subnet cannot change zone: CloudFormation would create each moved subnet anew with the same address range before ' +
      "deleting the old one, which EC2 refuses, and the workgroup's subnets would change as well. Keep the deployed zones: " +
      `put "availabilityZones": "${before.join(',')}" in cdk.json (and commit cdk.context.json, where a lookup caches them). ` +
      'To move the warehouse to other zones, `npx cdk destroy` and deploy again; the ETL reloads the tables from S3.',
  );
}

/** The AWS CLI line that takes a manual snapshot of `namespace`, kept until deleted. */
function snapshotCommand(namespace: string, region: string): string {
  return (
    `\`aws redshift-serverless create-snapshot --namespace-name ${namespace} --snapshot-name ${namespace}-final ` +
    `--retention-period -1 --region ${region}\``
  );
}
