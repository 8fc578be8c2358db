import { ConfigError } from '../../lib/errors';
import { DEFAULT_SETTINGS, WarehouseSettings } from '../../lib/infra/settings';
import { DeployedSettings, UpdateContext, checkKeptInCdkJson, checkUpdate as checkWith, deployedSettingsOf } from '../../lib/infra/update-rules';

const ZONES = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
const deployed: DeployedSettings = deployedSettingsOf({ ...DEFAULT_SETTINGS, maxCapacity: 64 }, ZONES);
const next = (changes: Partial<WarehouseSettings>): WarehouseSettings => ({ ...DEFAULT_SETTINGS, maxCapacity: 64, ...changes });
/** The check as the stack runs it, with the zones the synth chose (the deployed ones unless a test says otherwise). */
const checkUpdate = (settings: WarehouseSettings, record: DeployedSettings | undefined, context: Partial<UpdateContext> = {}) =>
  checkWith(settings, record, { availabilityZones: ZONES, ...context });

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
    expect(() => checkUpdate(next({ usageLimitRpuHours: 100, alertEmail: 'ops@example.com' }), deployed)).not.toThrow();
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
    expect(() => checkUpdate(next({ maxCapacity: undefined }), deployed, { maxCapacityNone: true })).not.toThrow();
  });

  test('a new namespace name is refused unless the replacement of that namespace is allowed by name, and then only with a new workgroup name', () => {
    const snapshot =
      '`aws redshift-serverless create-snapshot --namespace-name sparkify-warehouse --snapshot-name sparkify-warehouse-final --retention-period -1 --region us-west-2`';
    expect(refusal(() => checkUpdate(next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two' }), deployed))).toBe(
      "namespaceName 'sparkify-two' differs from the deployed namespace 'sparkify-warehouse' (cdk-outputs.json). A namespace cannot be renamed: " +
        'CloudFormation would create a new, empty one and delete the old one with every table in it. Keep "namespaceName": "sparkify-warehouse"; ' +
        'or, if losing the data is intended, add "allowNamespaceReplacement": "sparkify-warehouse" to cdk.json (it allows replacing that namespace only), ' +
        `and take a final snapshot first if you may want the data back: ${snapshot}`,
    );
    expect(refusal(() => checkUpdate(next({ namespaceName: 'sparkify-two', allowNamespaceReplacement: 'sparkify-warehouse' }), deployed))).toMatch(
      /^namespaceName changes but workgroupName 'sparkify-warehouse' does not: .*"CloudFormation cannot update a stack when a custom-named resource requires replacing"/,
    );
    // Both renamed and explicitly allowed: a new namespace and workgroup, created with every setting at once; the
    // deploy is told how to keep a final snapshot.
    const renamed = next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two', allowNamespaceReplacement: 'sparkify-warehouse', baseCapacity: 16, port: 5440 });
    expect(checkUpdate(renamed, deployed)).toEqual([
      "This deploy replaces namespace 'sparkify-warehouse' with 'sparkify-two' and deletes every table in it. " +
        `If you may want the data back, stop now and take a final snapshot: ${snapshot}`,
    ]);
  });

  test('allowNamespaceReplacement left in cdk.json does not allow a later rename: it names the namespace already replaced', () => {
    const replaced = deployedSettingsOf(next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two' }), ZONES);
    const later = next({ namespaceName: 'sparkify-three', workgroupName: 'sparkify-three', allowNamespaceReplacement: 'sparkify-warehouse' });
    expect(refusal(() => checkUpdate(later, replaced))).toMatch(/^namespaceName 'sparkify-three' differs from the deployed namespace 'sparkify-two'/);
  });

  test('a new databaseName is refused: CloudFormation would change nothing and publish a database that does not exist', () => {
    expect(refusal(() => checkUpdate(next({ databaseName: 'dwh' }), deployed))).toBe(
      "databaseName 'dwh' differs from the deployed database 'sparkify' (cdk-outputs.json). CloudFormation cannot rename a namespace's database: " +
        'its update leaves the name out, so the deploy would succeed, change nothing, and publish a DatabaseName that does not exist, and the ETL ' +
        'would fail. Keep "databaseName": "sparkify". For another database, create it in SQL (CREATE DATABASE dwh;) and point the ETL at it with ' +
        '--database (SPARKIFY_DATABASE); or replace the namespace (new namespaceName and workgroupName, with allowNamespaceReplacement), which loses its data.',
    );
  });

  test('a new adminUsername is refused: the update would send a password Redshift refuses while it manages the password', () => {
    expect(refusal(() => checkUpdate(next({ adminUsername: 'dwh_admin' }), deployed))).toMatch(
      /^adminUsername 'dwh_admin' differs from the deployed admin user 'admin' \(cdk-outputs.json\)\. CloudFormation sends a new admin user name together with a password, .* Keep "adminUsername": "admin"\./,
    );
  });

  test('new availability zones are refused (the subnets would collide), also with a renamed namespace; unknown zones are not compared', () => {
    const moved = ['us-west-2a', 'us-west-2b', 'us-west-2d'];
    expect(refusal(() => checkUpdate(next({}), deployed, { availabilityZones: moved }))).toBe(
      'The subnets would move from availability zones us-west-2a, us-west-2b, us-west-2c (cdk-outputs.json) to us-west-2a, us-west-2b, us-west-2d. ' +
        'A subnet cannot change zone: CloudFormation would create each moved subnet anew with the same address range before deleting the old one, ' +
        "which EC2 refuses, and the workgroup's subnets would change as well. Keep the deployed zones: put \"availabilityZones\": " +
        '"us-west-2a,us-west-2b,us-west-2c" in cdk.json (and commit cdk.context.json, where a lookup caches them). To move the warehouse to other ' +
        'zones, `npx cdk destroy` and deploy again; the ETL reloads the tables from S3.',
    );
    const renamed = next({ namespaceName: 'sparkify-two', workgroupName: 'sparkify-two', allowNamespaceReplacement: 'sparkify-warehouse' });
    expect(refusal(() => checkUpdate(renamed, deployed, { availabilityZones: moved }))).toMatch(/^The subnets would move/);
    // Synth without an account (Fn::GetAZs), or the CLI's first pass before its lookup: nothing to compare.
    expect(() => checkUpdate(next({}), deployed, { availabilityZones: null })).not.toThrow();
  });

  test("a record from before these settings were published checks only what it holds", () => {
    const { databaseName, adminUsername, availabilityZones, ...older } = deployed;
    expect([databaseName, adminUsername, availabilityZones]).toEqual(['sparkify', 'admin', ZONES]);
    expect(() => checkUpdate(next({ databaseName: 'dwh', adminUsername: 'dwh_admin' }), older, { availabilityZones: ['us-west-2d', 'us-west-2b', 'us-west-2a'] })).not.toThrow();
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
