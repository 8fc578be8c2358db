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
 *   new namespace has none of the old one's tables.
 */
import { ConfigError } from '../errors';
import { WarehouseSettings } from './settings';

/** The deployed settings that decide what an update may change; published as JSON in the `DeployedSettings` output. */
export interface DeployedSettings {
  readonly namespaceName: string;
  readonly workgroupName: string;
  readonly baseCapacity: number;
  /** `null` when no cap was set. */
  readonly maxCapacity: number | null;
  readonly port: number;
  readonly publiclyAccessible: boolean;
}

/** The record of `settings` the stack publishes, and the next synth compares against. */
export function deployedSettingsOf(settings: WarehouseSettings): DeployedSettings {
  return {
    namespaceName: settings.namespaceName,
    workgroupName: settings.workgroupName,
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

/**
 * Checks an update from `deployed` to `settings` against the rules above.
 *
 * @param maxCapacityNone true when the settings say `"maxCapacity": "none"`: the user removed the cap
 *   outside CloudFormation and wants the template without one
 * @throws ConfigError saying what would go wrong and what to do instead
 */
export function checkUpdate(settings: WarehouseSettings, deployed: DeployedSettings | undefined, maxCapacityNone = false): void {
  if (!deployed) return;
  const next = deployedSettingsOf(settings);
  const namespaceRenamed = next.namespaceName !== deployed.namespaceName;
  const workgroupRenamed = next.workgroupName !== deployed.workgroupName;

  if (namespaceRenamed && !settings.allowNamespaceReplacement) {
    throw new ConfigError(
      `namespaceName '${next.namespaceName}' differs from the deployed namespace '${deployed.namespaceName}' (cdk-outputs.json). ` +
        'A namespace cannot be renamed: CloudFormation would create a new, empty one and delete the old one with every table in it. ' +
        `Keep "namespaceName": "${deployed.namespaceName}", or add "allowNamespaceReplacement": true to cdk.json if losing the data is intended.`,
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
  if (workgroupRenamed) return; // A new workgroup is created with all settings at once.

  if (deployed.maxCapacity !== null && next.maxCapacity === null && !maxCapacityNone) {
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
}
