import { ConfigError } from '../../lib/errors';
import { DEFAULT_SETTINGS, WarehouseSettings } from '../../lib/infra/settings';
import { DeployedSettings, checkKeptInCdkJson, checkUpdate, deployedSettingsOf } from '../../lib/infra/update-rules';

const deployed: DeployedSettings = deployedSettingsOf({ ...DEFAULT_SETTINGS, maxCapacity: 64 });
const next = (changes: Partial<WarehouseSettings>): WarehouseSettings => ({ ...DEFAULT_SETTINGS, maxCapacity: 64, ...changes });

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('checkUpdate', () => {
  test('nothing deployed yet, or one workgroup setting at a time: allowed', () => {
    expect(() => checkUpdate(next({ baseCapacity: 512, port: 5440 }), undefined)).not.toThrow();
    expect(() => checkUpdate(next({}), deployed)).not.toThrow();
    expect(() => checkUpdate(next({ baseCapacity: 16 }), deployed)).not.toThrow();
    expect(() => checkUpdate(next({ ingressCidr: '203.0.113.7/32' }), deployed)).not.toThrow();
    expect(() => checkUpdate(next({ usageLimitRpuHours: 100, databaseName: 'dwh' }), deployed)).not.toThrow();
  });

  test('two workgroup settings in one deploy are refused with the message Redshift would give', () => {
    expect(refusal(() => checkUpdate(next({ baseCapacity: 16, port: 5440 }), deployed))).toBe(
      "This deploy would change baseCapacity (8 → 16) and port (5439 → 5440) of workgroup 'sparkify-warehouse' at once. " +
        'CloudFormation sends them in one UpdateWorkgroup request and Redshift Serverless refuses it ("Can\'t update multiple ' +
        'configurations at the same time for workgroup sparkify-warehouse"). Change one setting, deploy, then the next.',
    );
    expect(refusal(() => checkUpdate(next({ maxCapacity: 128, ingressCidr: '203.0.113.7/32' }), deployed))).toMatch(
      /^This deploy would change maxCapacity \(64 → 128\) and publiclyAccessible \(false → true\)/,
    );
  });

  test('removing maxCapacity is refused (it would not remove the cap) unless it says "none"', () => {
    expect(refusal(() => checkUpdate(next({ maxCapacity: undefined }), deployed))).toBe(
      "maxCapacity is no longer set, but removing it does not remove the cap: CloudFormation sends nothing for a property that is gone, so workgroup 'sparkify-warehouse' " +
        'keeps its 64 RPUs. Either set a new "maxCapacity", or remove the cap with `aws redshift-serverless update-workgroup --workgroup-name sparkify-warehouse ' +
        '--max-capacity -1 --region us-west-2` and then set "maxCapacity": "none" in cdk.json.',
    );
    expect(() => checkUpdate(next({ maxCapacity: undefined }), deployed, true)).not.toThrow();
  });

  test('a new namespace name is refused unless data loss is allowed, and then only with a new workgroup name', () => {
    expect(refusal(() => checkUpdate(next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two' }), deployed))).toBe(
      "namespaceName 'sparkify-two' differs from the deployed namespace 'sparkify-warehouse' (cdk-outputs.json). A namespace cannot be renamed: " +
        'CloudFormation would create a new, empty one and delete the old one with every table in it. Keep "namespaceName": "sparkify-warehouse", ' +
        'or add "allowNamespaceReplacement": true to cdk.json if losing the data is intended.',
    );
    expect(refusal(() => checkUpdate(next({ namespaceName: 'sparkify-two', allowNamespaceReplacement: true }), deployed))).toMatch(
      /^namespaceName changes but workgroupName 'sparkify-warehouse' does not: .*"CloudFormation cannot update a stack when a custom-named resource requires replacing"/,
    );
    // Both renamed and explicitly allowed: a new namespace and workgroup, created with every setting at once.
    expect(() =>
      checkUpdate(next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two', allowNamespaceReplacement: true, baseCapacity: 16, port: 5440 }), deployed),
    ).not.toThrow();
  });

  test('a new workgroup name on the same namespace is refused: one workgroup per namespace', () => {
    expect(refusal(() => checkUpdate(next({ workgroupName: 'sparkify-compute' }), deployed))).toMatch(
      /^workgroupName 'sparkify-compute' differs from the deployed workgroup 'sparkify-warehouse' \(cdk-outputs.json\): .*a namespace serves only one workgroup/,
    );
  });
});

describe('checkKeptInCdkJson', () => {
  test('settings that differ from cdk.json (given with -c) are refused with the line to put in cdk.json', () => {
    expect(() => checkKeptInCdkJson(DEFAULT_SETTINGS, DEFAULT_SETTINGS)).not.toThrow();
    expect(refusal(() => checkKeptInCdkJson({ ...DEFAULT_SETTINGS, ingressCidr: '203.0.113.7/32', baseCapacity: 16 }, DEFAULT_SETTINGS))).toBe(
      'baseCapacity, ingressCidr given with -c (or in ~/.cdk.json) but not in cdk.json: context given on the command line is not remembered, ' +
        'so the next `npx cdk deploy` without it would undo the change. Put "baseCapacity": 16, "ingressCidr": "203.0.113.7/32" in the "context" ' +
        'block of cdk.json and run the command again without -c.',
    );
    // Removing a kept setting on the command line is a change too.
    expect(refusal(() => checkKeptInCdkJson(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, ingressCidr: '203.0.113.7/32' }))).toMatch(/^ingressCidr given with -c/);
  });
});
