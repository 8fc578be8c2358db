import { ConfigError } from '../../lib/errors';
import { regionNotice } from '../../lib/infra/app-settings';
import {
  DEFAULT_SETTINGS,
  SettingName,
  checkContextKeys,
  defaultServerlessName,
  isValidBaseCapacity,
  isValidBucketName,
  settingsFromContext,
  validateIngressCidr,
} from '../../lib/infra/settings';

/** Settings as `cdk synth -c name=value …` would produce them (every `-c` value is a string). */
function fromContext(context: Partial<Record<SettingName, unknown>>) {
  return settingsFromContext((name) => context[name]);
}

function messageOf(context: Partial<Record<SettingName, unknown>>): string {
  try {
    fromContext(context);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
}

describe('settingsFromContext', () => {
  test('no context gives the documented defaults', () => {
    expect(fromContext({})).toEqual({
      ...DEFAULT_SETTINGS,
      availabilityZones: undefined,
      maxCapacity: undefined,
      ingressCidr: undefined,
    });
    expect(DEFAULT_SETTINGS).toMatchObject({
      stackName: 'SparkifyWarehouse',
      region: 'us-west-2',
      namespaceName: 'sparkify-warehouse',
      workgroupName: 'sparkify-warehouse',
      databaseName: 'sparkify',
      adminUsername: 'admin',
      baseCapacity: 8,
      port: 5439,
      allowPublicIngress: false,
      sourceBuckets: ['udacity-dend'],
      usageLimitRpuHours: 60,
      usageLimitPeriod: 'monthly',
      usageLimitBreachAction: 'emit-metric',
    });
    expect(DEFAULT_SETTINGS.allowNamespaceReplacement).toBeUndefined();
  });

  test('namespace and workgroup default to the stack name in kebab case', () => {
    expect(fromContext({ stackName: 'SparkifyDev' })).toMatchObject({ namespaceName: 'sparkify-dev', workgroupName: 'sparkify-dev' });
    expect(fromContext({ stackName: 'Sparkify-QA2' })).toMatchObject({ namespaceName: 'sparkify-qa2' });
    expect(fromContext({ stackName: 'SparkifyDev', workgroupName: 'dev-compute' })).toMatchObject({ namespaceName: 'sparkify-dev', workgroupName: 'dev-compute' });
    expect(defaultServerlessName('ETLWarehouse')).toBe('etl-warehouse');
    expect(defaultServerlessName(`A${'b'.repeat(127)}`)).toHaveLength(64);
  });

  test('usage limit: 60 RPU-hours a month by default, "none" for no limit; amount, period and breach action as Redshift names them', () => {
    expect(fromContext({}).usageLimitRpuHours).toBe(60);
    expect(fromContext({ usageLimitRpuHours: 'none' }).usageLimitRpuHours).toBeUndefined();
    expect(fromContext({ usageLimitRpuHours: '200', usageLimitPeriod: 'daily', usageLimitBreachAction: 'deactivate' })).toMatchObject({
      usageLimitRpuHours: 200,
      usageLimitPeriod: 'daily',
      usageLimitBreachAction: 'deactivate',
    });
    expect(fromContext({ usageLimitRpuHours: 50 })).toMatchObject({ usageLimitRpuHours: 50, usageLimitPeriod: 'monthly', usageLimitBreachAction: 'emit-metric' });
  });

  test('alertEmail: none by default; one address is taken as given', () => {
    expect(fromContext({}).alertEmail).toBeUndefined();
    expect(fromContext({ alertEmail: ' ops@example.com ' }).alertEmail).toBe('ops@example.com');
  });

  test('maxCapacity "none" means no cap in the template (the cap was removed outside CloudFormation)', () => {
    expect(fromContext({ maxCapacity: 'none' }).maxCapacity).toBeUndefined();
  });

  test('two zones are accepted in us-west-1 only', () => {
    expect(fromContext({ region: 'us-west-1', availabilityZones: 'us-west-1b,us-west-1c' }).availabilityZones).toEqual(['us-west-1b', 'us-west-1c']);
  });

  test('reads -c strings and cdk.json values alike', () => {
    const fromStrings = fromContext({
      baseCapacity: '32',
      maxCapacity: '128',
      port: '5440',
      allowPublicIngress: 'false',
      sourceBuckets: 'udacity-dend, my-sparkify-copy',
      availabilityZones: 'us-west-2a,us-west-2b,us-west-2d',
      ingressCidr: '203.0.113.7',
    });
    const fromJson = fromContext({
      baseCapacity: 32,
      maxCapacity: 128,
      port: 5440,
      allowPublicIngress: false,
      sourceBuckets: ['udacity-dend', 'my-sparkify-copy'],
      availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2d'],
      ingressCidr: '203.0.113.7/32',
    });
    expect(fromStrings).toEqual(fromJson);
    expect(fromStrings).toMatchObject({ baseCapacity: 32, maxCapacity: 128, port: 5440, ingressCidr: '203.0.113.7/32' });
  });

  test('an empty value means "not given"', () => {
    expect(fromContext({ ingressCidr: '', baseCapacity: '' })).toMatchObject({ ingressCidr: undefined, baseCapacity: 8 });
  });

  test.each<[Partial<Record<SettingName, unknown>>, string | RegExp]>([
    [{ namespaceName: 'Sparkify' }, "namespaceName 'Sparkify' is not valid: expected 3 to 64 lowercase letters, digits or hyphens."],
    [{ namespaceName: 'ab' }, "namespaceName 'ab' is not valid: expected 3 to 64 lowercase letters, digits or hyphens."],
    [{ workgroupName: 'spark_wg' }, "workgroupName 'spark_wg' is not valid: expected 3 to 64 lowercase letters, digits or hyphens."],
    [{ workgroupName: 'w'.repeat(65) }, `workgroupName '${'w'.repeat(65)}' is not valid: expected 3 to 64 lowercase letters, digits or hyphens.`],
    [
      { databaseName: '1sparkify' },
      "databaseName '1sparkify' is not valid: expected a lowercase letter, then lowercase letters, digits or underscores, at most 127 characters.",
    ],
    [
      { adminUsername: 'Admin-User' },
      "adminUsername 'Admin-User' is not valid: expected a lowercase letter, then lowercase letters, digits or underscores, at most 127 characters.",
    ],
    [
      { baseCapacity: '12' },
      "baseCapacity '12' is not valid: expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 544 to 1024 RPUs (us-west-2 allows up to 1024).",
    ],
    [
      { baseCapacity: '0' },
      "baseCapacity '0' is not valid: expected 4, a multiple of 8 from 8 to 512, or a multiple of 32 from 544 to 1024 RPUs (us-west-2 allows up to 1024).",
    ],
    [
      { baseCapacity: '1024', region: 'ap-south-1' },
      "baseCapacity '1024' is not valid: expected 4 or a multiple of 8 from 8 to 512 RPUs (ap-south-1 does not offer the extended range up to 1024).",
    ],
    [{ baseCapacity: 'eight' }, "baseCapacity 'eight' is not valid: expected a whole number."],
    [{ baseCapacity: '8.5' }, "baseCapacity '8.5' is not valid: expected a whole number."],
    [
      { maxCapacity: '8', baseCapacity: '16' },
      "maxCapacity '8' is not valid: expected RPUs in the steps Redshift Serverless offers, 4, a multiple of 8 from 8 to 512, or a multiple of 32 " +
        'from 544 to 1024 (us-west-2 allows up to 1024), no smaller than baseCapacity (16).',
    ],
    [{ maxCapacity: '9' }, /^maxCapacity '9' is not valid: expected RPUs in the steps Redshift Serverless offers, /],
    [{ maxCapacity: '10000' }, /^maxCapacity '10000' is not valid: expected RPUs in the steps Redshift Serverless offers, /],
    [{ maxCapacity: '1024', region: 'ap-south-1' }, /^maxCapacity '1024' is not valid: .*\(ap-south-1 does not offer the extended range up to 1024\)/],
    [
      { stackName: 'AB' },
      "stackName 'AB' would give the namespace and workgroup the name 'ab', but Redshift Serverless names take 3 to 64 lowercase letters, digits or " +
        'hyphens. Choose a stack name with at least three letters or digits, or set "namespaceName" and "workgroupName" in cdk.json (namespaceName is the first that needs one).',
    ],
    [{ port: '5430' }, "port '5430' is not valid: expected a port from 5431 to 5455 or from 8191 to 8215 (Redshift Serverless default 5439)."],
    [{ port: '8216' }, "port '8216' is not valid: expected a port from 5431 to 5455 or from 8191 to 8215 (Redshift Serverless default 5439)."],
    [
      { ingressCidr: '0.0.0.0/0' },
      "ingressCidr '0.0.0.0/0' would open the warehouse port to the whole internet. " +
        'Give your own address instead (e.g. "ingressCidr": "203.0.113.7/32"), or add "allowPublicIngress": true if you really mean it.',
    ],
    [
      { ingressCidr: '::/0' },
      "ingressCidr '::/0' would open the warehouse port to the whole internet. " +
        'Give your own address instead (e.g. "ingressCidr": "203.0.113.7/32"), or add "allowPublicIngress": true if you really mean it.',
    ],
    [{ ingressCidr: '203.0.113.7/24' }, "ingressCidr '203.0.113.7/24' has host bits set; did you mean 203.0.113.0/24?"],
    [{ ingressCidr: '203.0.113.300/32' }, "ingressCidr '203.0.113.300/32' is not an IPv4 address or CIDR block such as 203.0.113.7/32."],
    [{ ingressCidr: 'my-laptop' }, "ingressCidr 'my-laptop' is not an IPv4 address or CIDR block such as 203.0.113.7/32."],
    [
      { ingressCidr: '2001:db8::/32' },
      "ingressCidr '2001:db8::/32' is IPv6, but the warehouse's VPC and workgroup are IPv4-only. Give an IPv4 CIDR such as 203.0.113.7/32.",
    ],
    [{ allowPublicIngress: 'yes' }, "allowPublicIngress 'yes' is not valid: expected true or false."],
    [
      { sourceBuckets: 's3://udacity-dend/song_data' },
      "sourceBuckets 's3://udacity-dend/song_data' is not valid: expected S3 bucket names (3–63 lowercase letters, digits, dots or hyphens, " +
        'starting and ending with a letter or digit), comma-separated, without s3:// or a path.',
    ],
    [{ sourceBuckets: ',' }, 'sourceBuckets is empty: give at least one S3 bucket name, e.g. "sourceBuckets": "udacity-dend".'],
    [
      { availabilityZones: 'us-west-2a,us-west-2b' },
      "availabilityZones 'us-west-2a,us-west-2b' is not valid: give three different zones of us-west-2, comma-separated, " +
        'e.g. "availabilityZones": "us-west-2a,us-west-2b,us-west-2c". List your account\'s zones and zone IDs with: ' +
        'aws ec2 describe-availability-zones --region us-west-2 --query "AvailabilityZones[].[ZoneName,ZoneId]" --output text',
    ],
    [
      { availabilityZones: 'us-east-1a,us-east-1b,us-east-1c' },
      "availabilityZones 'us-east-1a,us-east-1b,us-east-1c' is not valid: give three different zones of us-west-2, comma-separated, " +
        'e.g. "availabilityZones": "us-west-2a,us-west-2b,us-west-2c". List your account\'s zones and zone IDs with: ' +
        'aws ec2 describe-availability-zones --region us-west-2 --query "AvailabilityZones[].[ZoneName,ZoneId]" --output text',
    ],
    [
      { region: 'us-west-1', availabilityZones: 'us-west-1b' },
      "availabilityZones 'us-west-1b' is not valid: give two or three different zones of us-west-1, comma-separated, " +
        'e.g. "availabilityZones": "us-west-1a,us-west-1b". List your account\'s zones and zone IDs with: ' +
        'aws ec2 describe-availability-zones --region us-west-1 --query "AvailabilityZones[].[ZoneName,ZoneId]" --output text',
    ],
    [{ usageLimitRpuHours: '0' }, "usageLimitRpuHours '0' is not valid: expected a whole number of RPU-hours greater than 0."],
    [{ usageLimitRpuHours: 'lots' }, "usageLimitRpuHours 'lots' is not valid: expected a whole number."],
    [{ usageLimitPeriod: 'yearly' }, "usageLimitPeriod 'yearly' is not valid: expected daily, weekly, monthly."],
    [{ usageLimitBreachAction: 'stop' }, "usageLimitBreachAction 'stop' is not valid: expected log, emit-metric, deactivate."],
    [{ alertEmail: 'ops' }, "alertEmail 'ops' is not valid: expected one e-mail address such as \"ops@example.com\" (AWS mails it a confirmation link; leave the setting out for no subscription)."],
    [{ alertEmail: 'ops@example.com,dev@example.com' }, "alertEmail 'ops@example.com,dev@example.com' is not valid: expected one e-mail address such as \"ops@example.com\" (AWS mails it a confirmation link; leave the setting out for no subscription)."],
    [{ alertEmail: 'Ops <ops@example.com>' }, "alertEmail 'Ops <ops@example.com>' is not valid: expected one e-mail address such as \"ops@example.com\" (AWS mails it a confirmation link; leave the setting out for no subscription)."],
    [
      { allowNamespaceReplacement: true },
      'allowNamespaceReplacement true is no longer accepted: a yes/no left in cdk.json would allow every later rename. Give the name of the ' +
        'deployed namespace you allow to be replaced (and its data deleted), e.g. "allowNamespaceReplacement": "sparkify-warehouse", or remove the setting.',
    ],
    [{ allowNamespaceReplacement: 'Sparkify' }, /^allowNamespaceReplacement 'Sparkify' is not valid: expected the name of the deployed namespace that may be replaced/],
    [{ region: 'oregon' }, "region 'oregon' is not valid: expected an AWS region name such as us-west-2."],
    [
      { stackName: 'Sparkify_Warehouse' },
      "stackName 'Sparkify_Warehouse' is not valid: expected a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters.",
    ],
  ])('refuses %j with a message naming the setting', (context, message) => {
    if (typeof message === 'string') expect(messageOf(context)).toBe(message);
    else expect(messageOf(context)).toMatch(message);
  });

  test('maxCapacity takes the RPU steps of the base capacity, up to 1024 where offered', () => {
    expect(fromContext({ maxCapacity: '64' }).maxCapacity).toBe(64);
    expect(fromContext({ maxCapacity: '1024' }).maxCapacity).toBe(1024);
  });

  test('allowNamespaceReplacement names the namespace whose replacement it allows', () => {
    expect(fromContext({ allowNamespaceReplacement: 'sparkify-warehouse' }).allowNamespaceReplacement).toBe('sparkify-warehouse');
  });
});

describe('checkContextKeys', () => {
  const messageFor = (key: string) => {
    try {
      checkContextKeys([key]);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return undefined;
  };

  test('a mistyped setting is refused with the setting it most likely meant', () => {
    expect(messageFor('basecapacity')).toMatch(/^Unknown setting 'basecapacity': did you mean baseCapacity\? Settings are case-sensitive; the known ones are stackName, /);
    expect(messageFor('base-capacity')).toMatch(/did you mean baseCapacity\?/);
    expect(messageFor('ingresCidr')).toMatch(/did you mean ingressCidr\?/);
    expect(messageFor('usageLimit')).toMatch(/^Unknown setting 'usageLimit'\. Settings are case-sensitive/);
  });

  test("CDK's own keys (feature flags, lookups, acknowledgements) and the settings pass", () => {
    const cdkKeys = ['@aws-cdk/aws-iam:minimizePolicies', 'availability-zones:account=123456789012:region=us-west-2', 'aws:cdk:enable-path-metadata', 'acknowledged-issue-numbers'];
    expect(() => checkContextKeys([...cdkKeys, 'baseCapacity', 'usageLimitRpuHours'])).not.toThrow();
  });
});

describe('Redshift Serverless rules', () => {
  test('base capacity: 4, multiples of 8 up to 512, multiples of 32 up to 1024 where offered', () => {
    const accepted = (region: string) =>
      Array.from({ length: 1100 }, (_, rpus) => rpus).filter((rpus) => isValidBaseCapacity(rpus, region));
    const upTo512 = [4, ...Array.from({ length: 64 }, (_, i) => 8 * (i + 1))];
    expect(accepted('eu-west-2')).toEqual(upTo512);
    expect(accepted('us-west-2')).toEqual([...upTo512, ...Array.from({ length: 16 }, (_, i) => 544 + 32 * i)]);
  });

  test('ingress CIDR: the whole internet only when allowed, canonical form', () => {
    expect(validateIngressCidr('0.0.0.0/0', true)).toBe('0.0.0.0/0');
    expect(() => validateIngressCidr('000.0.0.0/0', false)).toThrow(/whole internet/);
    expect(validateIngressCidr(' 198.51.100.0/24 ', false)).toBe('198.51.100.0/24');
    expect(validateIngressCidr('198.51.100.9', false)).toBe('198.51.100.9/32');
  });

  test('bucket names follow the S3 naming rules', () => {
    expect(['udacity-dend', 'my.bucket.name', 'abc'].every(isValidBucketName)).toBe(true);
    expect(['ab', 'Udacity', 'my..bucket', '-bucket', 'bucket-', '192.168.5.4', 'a'.repeat(64)].some(isValidBucketName)).toBe(false);
  });
});

describe('regionNotice', () => {
  test('says which region the stack targets when the shell or profile names another', () => {
    expect(regionNotice('us-west-2', {})).toBeUndefined();
    expect(regionNotice('us-west-2', { AWS_REGION: 'us-west-2', CDK_DEFAULT_REGION: 'us-west-2' })).toBeUndefined();
    expect(regionNotice('us-west-2', { AWS_REGION: 'us-east-1', CDK_DEFAULT_REGION: 'us-east-1' })).toBe(
      'This stack deploys to us-west-2, the "region" setting (cdk.json), not to the region your shell or profile names ' +
        '(AWS_REGION=us-east-1, CDK_DEFAULT_REGION=us-east-1). To deploy elsewhere, set "region" in cdk.json.',
    );
  });
});
