/** Where the ETL runs, discovered from the stack's outputs rather than copied by hand; flags and variables win. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OUTPUTS_FILE, resolveSettings, type Settings } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { OUTPUT_KEYS } from '../../lib/infra/output-keys';
import { DEFAULT_SETTINGS } from '../../lib/infra/settings';

const ROLE = 'arn:aws:iam::123456789012:role/SparkifyWarehouse-SourceReadRole';

/** What `npx cdk deploy` writes, with the stack's real output keys. */
const DEPLOYED = {
  [DEFAULT_SETTINGS.stackName]: {
    [OUTPUT_KEYS.workgroupName]: 'sparkify',
    [OUTPUT_KEYS.namespaceName]: 'sparkify',
    [OUTPUT_KEYS.databaseName]: 'sparkify',
    [OUTPUT_KEYS.endpointAddress]: 'sparkify.123456789012.us-west-2.redshift-serverless.amazonaws.com',
    [OUTPUT_KEYS.endpointPort]: '5439',
    [OUTPUT_KEYS.roleArn]: ROLE,
    [OUTPUT_KEYS.region]: 'us-west-2',
    [OUTPUT_KEYS.adminSecretName]: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:redshift!sparkify-admin-AbCdEf',
    [OUTPUT_KEYS.psqlCommand]: 'psql …',
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sparkify-outputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Settings with an outputs file holding `content` (none if undefined), and otherwise an empty environment. */
function settingsWith(content: unknown, flags = {}, env: NodeJS.ProcessEnv = {}): Settings {
  const file = join(dir, 'cdk-outputs.json');
  if (content !== undefined) writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return resolveSettings(flags, { SPARKIFY_CDK_OUTPUTS: file, ...env });
}

test('the outputs file is the one cdk.json tells cdk deploy to write', () => {
  const cdk = require('../../cdk.json') as { outputsFile: string };
  expect(DEFAULT_OUTPUTS_FILE).toBe(join(__dirname, '..', '..', cdk.outputsFile));
});

test('with no outputs the target is local, exactly as before', () => {
  const settings = settingsWith(undefined);
  expect(settings.target.kind).toBe('local');
  expect(settings.why).toBe('the default: no Redshift target is configured');
  expect(settings.sources.iamRole).toBe('default');
});

test('with the outputs the target is Redshift: workgroup, database, region and role come from them', () => {
  const settings = settingsWith(DEPLOYED);
  expect(settings.target).toEqual({
    kind: 'redshift',
    workgroupName: 'sparkify',
    database: 'sparkify',
    region: 'us-west-2',
    secretArn: undefined,
    statementTimeoutMs: 3_600_000,
    endpoint: undefined,
  });
  expect(settings.why).toBe(`the stack's outputs are in ${join(dir, 'cdk-outputs.json')}`);
  expect(settings.sources.iamRole).toBe(ROLE);
});

test('flags win over variables, which win over the outputs', () => {
  const env = { SPARKIFY_WORKGROUP: 'from-env', SPARKIFY_DATABASE: 'envdb', SPARKIFY_REGION: 'eu-west-1', SPARKIFY_IAM_ROLE: 'default' };
  const fromEnv = settingsWith(DEPLOYED, {}, env);
  expect(fromEnv.target).toMatchObject({ workgroupName: 'from-env', database: 'envdb', region: 'eu-west-1' });
  expect(fromEnv.sources.iamRole).toBe('default');
  const fromFlags = settingsWith(DEPLOYED, { workgroup: 'from-flag', database: 'flagdb', region: 'us-east-2', statementTimeout: '90' }, env);
  expect(fromFlags.target).toMatchObject({ workgroupName: 'from-flag', database: 'flagdb', region: 'us-east-2', statementTimeoutMs: 90_000 });
});

test('--target local overrides the outputs, and does not even read them', () => {
  const settings = settingsWith('{ not json', { target: 'local' });
  expect(settings.target.kind).toBe('local');
  expect(settings.why).toBe('chosen by --target');
});

test('a workgroup given without outputs means Redshift, in the database every namespace has and the SDK region', () => {
  const settings = settingsWith(undefined, { workgroup: 'sparkify' }, { AWS_ENDPOINT_URL_REDSHIFT_DATA: 'http://127.0.0.1:7439' });
  expect(settings.target).toMatchObject({ kind: 'redshift', database: 'dev', region: undefined, endpoint: 'http://127.0.0.1:7439' });
  expect(settings.why).toBe('a workgroup is given by --workgroup');
});

test('the environment alone (what the scheduled loader gets) names the Redshift target, its source and the staging bucket', () => {
  const env = {
    SPARKIFY_CDK_OUTPUTS: join(dir, 'none.json'),
    SPARKIFY_TARGET: 'redshift',
    SPARKIFY_WORKGROUP: 'sparkify',
    SPARKIFY_DATABASE: 'sparkify',
    SPARKIFY_IAM_ROLE: ROLE,
    SPARKIFY_EVENTS_URI: 's3://my-logs/log_data',
    SPARKIFY_SONGS_URI: undefined,
    SPARKIFY_SOURCE_REGION: 'eu-west-1',
    SPARKIFY_STAGING_BUCKET: 'sparkify-staging-123456789012',
    SPARKIFY_STATEMENT_TIMEOUT: '600',
    AWS_REGION: 'us-east-2',
  };
  const settings = resolveSettings({}, env);
  expect(settings.why).toBe('chosen by SPARKIFY_TARGET');
  // The region is left to the SDK, which reads AWS_REGION (as Lambda sets it).
  expect(settings.target).toEqual({ kind: 'redshift', workgroupName: 'sparkify', database: 'sparkify', region: undefined, secretArn: undefined, statementTimeoutMs: 600_000, endpoint: undefined });
  expect(settings.sources).toMatchObject({ eventsUri: 's3://my-logs/log_data', songsUri: 's3://udacity-dend/song_data', region: 'eu-west-1', iamRole: ROLE });
  expect(settings.stagingBucket).toBe('sparkify-staging-123456789012');
  // Songs named explicitly win over the staging bucket; a bucket given as a URI is refused with the variable's name.
  expect(resolveSettings({}, { ...env, SPARKIFY_SONGS_URI: 's3://my-songs/song_data' }).stagingBucket).toBeUndefined();
  expect(() => resolveSettings({}, { ...env, SPARKIFY_STAGING_BUCKET: 's3://sparkify-staging' })).toThrow(/^SPARKIFY_STAGING_BUCKET must be an S3 bucket name/);
});

test('AWS_DEFAULT_REGION (which the AWS CLI reads and the SDK does not) is honoured after AWS_REGION', () => {
  const region = (env: NodeJS.ProcessEnv) => (settingsWith(undefined, { workgroup: 'sparkify' }, env).target as { region?: string }).region;
  expect(region({ AWS_DEFAULT_REGION: 'eu-central-1' })).toBe('eu-central-1');
  // AWS_REGION is left to the SDK, which reads it itself.
  expect(region({ AWS_DEFAULT_REGION: 'eu-central-1', AWS_REGION: 'us-east-1' })).toBeUndefined();
  expect(region({ AWS_DEFAULT_REGION: 'eu-central-1', SPARKIFY_REGION: 'ap-south-1' })).toBe('ap-south-1');
  expect(() => region({ AWS_DEFAULT_REGION: 'moon-1' })).toThrow(/AWS_DEFAULT_REGION must be an AWS region/);
});

test('SPARKIFY_READERS names groups and roles granted SELECT at every publish', () => {
  expect(settingsWith(undefined, { target: 'local' }, { SPARKIFY_READERS: 'group:analysts, role:bi_reader' }).readers).toEqual([
    { kind: 'group', name: 'analysts' },
    { kind: 'role', name: 'bi_reader' },
  ]);
  expect(settingsWith(undefined, { target: 'local' }).readers).toEqual([]);
  expect(() => settingsWith(undefined, { target: 'local' }, { SPARKIFY_READERS: 'analysts' })).toThrow(/SPARKIFY_READERS must list readers as group:<name> or role:<name>.*"analysts" is not one/);
});

test('--target redshift with nothing to find says how to deploy or what to give', () => {
  expect(() => settingsWith(undefined, { target: 'redshift' })).toThrow(
    /Loading Redshift needs its workgroup, and .* does not exist or holds no warehouse stack\. Deploy the stack \(npx cdk deploy writes that file\), or give --workgroup and --database/,
  );
});

test('a secret can be given to sign in with instead of IAM', () => {
  const secret = DEPLOYED[DEFAULT_SETTINGS.stackName]![OUTPUT_KEYS.adminSecretName]!;
  expect(settingsWith(DEPLOYED, { secretArn: secret }).target).toMatchObject({ secretArn: secret });
});

test.each([
  [{ target: 'cloud' }, {}, /--target must be "local" or "redshift"; got "cloud"/],
  [{ workgroup: 'Bad_Name' }, {}, /--workgroup must be a Redshift Serverless workgroup name/],
  [{}, { SPARKIFY_DATABASE: 'my db' }, /SPARKIFY_DATABASE must be a database name/],
  [{ region: 'mars-1' }, {}, /--region must be an AWS region such as us-west-2/],
  [{ secretArn: 'not a secret' }, {}, /--secret-arn must be the name or ARN of a Secrets Manager secret/],
  [{ statementTimeout: '0' }, {}, /--statement-timeout must be a whole number from 1 to 86400/],
])('bad settings are refused naming the flag or variable: %j %j', (flags, env, message) => {
  expect(() => settingsWith(DEPLOYED, flags, env)).toThrow(ConfigError);
  expect(() => settingsWith(DEPLOYED, flags, env)).toThrow(message);
});

test('a value in the outputs file that is wrong names the file', () => {
  const broken = { [DEFAULT_SETTINGS.stackName]: { ...DEPLOYED[DEFAULT_SETTINGS.stackName], [OUTPUT_KEYS.region]: 'nowhere' } };
  expect(() => settingsWith(broken)).toThrow(/^The setting Region in .*cdk-outputs\.json must be an AWS region/);
});

test('an outputs file that is not JSON says how to recover', () => {
  expect(() => settingsWith('{ "SparkifyWarehouse": ')).toThrow(/cdk-outputs\.json is not valid JSON .* Run npx cdk deploy again to rewrite it, or delete it/);
});

test('an outputs file without a warehouse stack (a failed first deploy writes {}) leaves the target local', () => {
  expect(settingsWith({}).target.kind).toBe('local');
  expect(settingsWith({ Other: { Url: 'x' } }).target.kind).toBe('local');
});

test('of several stacks the default one is taken; SPARKIFY_STACK picks another; without either it asks', () => {
  const other = { Staging: { ...DEPLOYED[DEFAULT_SETTINGS.stackName], [OUTPUT_KEYS.workgroupName]: 'staging' } };
  expect(settingsWith({ ...DEPLOYED, ...other }).target).toMatchObject({ workgroupName: 'sparkify' });
  expect(settingsWith({ ...DEPLOYED, ...other }, {}, { SPARKIFY_STACK: 'Staging' }).target).toMatchObject({ workgroupName: 'staging' });
  const two = { A: other.Staging, B: other.Staging };
  expect(() => settingsWith(two)).toThrow(/holds the outputs of several stacks A, B\. Set SPARKIFY_STACK to the one to load\./);
});
