/**
 * The warehouse's deploy settings: read from CDK context (the `context` block of `cdk.json`, where they are
 * kept so every later deploy applies the same ones; see app-settings.ts), defaulted, and validated here so a bad value stops `cdk synth` with a message that names
 * the setting, the value and what would be accepted — before CloudFormation gets halfway through a deploy.
 *
 * The rules are Redshift Serverless's own, with sources:
 * - names: CreateNamespace / CreateWorkgroup API reference (3–64 characters, pattern `^[a-z0-9-]+$`);
 * - base capacity: "Compute capacity for Amazon Redshift Serverless" (Management Guide);
 * - port: CreateWorkgroup API reference ("Valid port ranges are 5431-5455 and 8191-8215. The default is 5439.").
 */
import { ConfigError } from '../errors';

/** Everything `cdk deploy` needs to know about the warehouse; every field has a default. */
export interface WarehouseSettings {
  /** CloudFormation stack name; also the top-level key of `cdk-outputs.json`. */
  readonly stackName: string;
  /** AWS region the stack deploys to. The Sparkify source bucket lives in us-west-2. */
  readonly region: string;
  /**
   * Availability zones for the VPC's subnets: three, or two in us-west-1 (see `TWO_ZONE_REGIONS`);
   * `undefined` to take the first three of the account's zones, looked up once and cached in `cdk.context.json`.
   */
  readonly availabilityZones?: readonly string[];
  /** Redshift Serverless namespace name (the storage: databases, users, the attached role); defaults to the stack name in kebab case. */
  readonly namespaceName: string;
  /** Redshift Serverless workgroup name (the compute and its endpoint); defaults to the stack name in kebab case. */
  readonly workgroupName: string;
  /**
   * The name of the deployed namespace a synth may replace when `namespaceName` differs from it
   * (cdk-outputs.json): CloudFormation would delete it with every table in it. Naming it, rather than a
   * plain `true`, means the setting allows that one replacement and not every later rename.
   */
  readonly allowNamespaceReplacement?: string;
  /** Database created in the namespace. */
  readonly databaseName: string;
  /** Admin user; Redshift generates its password and keeps it in Secrets Manager. */
  readonly adminUsername: string;
  /** Base capacity in Redshift Processing Units (RPUs). */
  readonly baseCapacity: number;
  /** Cost ceiling: the most RPUs the workgroup may scale to, or `undefined` for Redshift's default. */
  readonly maxCapacity?: number;
  /** Port the workgroup listens on. */
  readonly port: number;
  /** The operator's CIDR allowed to reach the port; `undefined` means no ingress and no public access. */
  readonly ingressCidr?: string;
  /** Must be true for `ingressCidr` to be the whole internet (`0.0.0.0/0` or `::/0`). */
  readonly allowPublicIngress: boolean;
  /** S3 buckets the warehouse's role may read (COPY sources). */
  readonly sourceBuckets: readonly string[];
  /** IAM user or role ARNs allowed to write the staging bucket (npm run stage); `undefined`: this account's identities. */
  readonly stagingWriterArns?: readonly string[];
  /**
   * Spending control: the most RPU-hours per `usageLimitPeriod`, or `undefined` for no usage limit
   * (`"usageLimitRpuHours": "none"`). On by default, sized for this project's data (see DEFAULT_SETTINGS).
   */
  readonly usageLimitRpuHours?: number;
  /** The period `usageLimitRpuHours` counts over. */
  readonly usageLimitPeriod: UsageLimitPeriod;
  /** What Redshift Serverless does when the usage limit is reached. */
  readonly usageLimitBreachAction: UsageLimitBreachAction;
  /** An e-mail address subscribed to the stack's alerts topic, or `undefined` for none (subscribe by hand). */
  readonly alertEmail?: string;
}

/** Periods of a Redshift Serverless usage limit (CreateUsageLimit API reference). */
export const USAGE_LIMIT_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type UsageLimitPeriod = (typeof USAGE_LIMIT_PERIODS)[number];
/** Breach actions of a Redshift Serverless usage limit (CreateUsageLimit API reference). */
export const USAGE_LIMIT_BREACH_ACTIONS = ['log', 'emit-metric', 'deactivate'] as const;
export type UsageLimitBreachAction = (typeof USAGE_LIMIT_BREACH_ACTIONS)[number];

/**
 * Regions where Redshift Serverless takes subnets in two availability zones ("Considerations when using
 * Amazon Redshift Serverless": US West (N. California) needs three subnets over two zones, one zone holding
 * two of them); every other region needs three zones.
 */
export const TWO_ZONE_REGIONS: readonly string[] = ['us-west-1'];

/**
 * The namespace and workgroup name a stack gets by default: its name in kebab case
 * (`SparkifyWarehouse` → `sparkify-warehouse`), so two stacks in one account never share a name.
 */
export function defaultServerlessName(stackName: string): string {
  return stackName
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64)
    .replace(/-$/, '');
}

/** The values used when a setting is not given. */
export const DEFAULT_SETTINGS: WarehouseSettings = {
  stackName: 'SparkifyWarehouse',
  region: 'us-west-2',
  namespaceName: defaultServerlessName('SparkifyWarehouse'),
  workgroupName: defaultServerlessName('SparkifyWarehouse'),
  databaseName: 'sparkify',
  adminUsername: 'admin',
  // 8 RPUs is the smallest base capacity every region accepts (see BASE_CAPACITY_RULE).
  baseCapacity: 8,
  port: 5439,
  allowPublicIngress: false,
  sourceBuckets: ['udacity-dend'],
  // A month of daily loads and a few full reloads and analyses of the Sparkify data at 8 RPUs, several times
  // over (docs/deploy.md, Cost): 60 RPU-hours cost $22.50 at the us-west-2 list price of $0.375 per RPU-hour.
  usageLimitRpuHours: 60,
  usageLimitPeriod: 'monthly',
  usageLimitBreachAction: 'emit-metric',
};

/** The context keys this module reads, i.e. the names users pass to `-c`. */
export const SETTING_NAMES = [
  'stackName',
  'region',
  'availabilityZones',
  'namespaceName',
  'workgroupName',
  'allowNamespaceReplacement',
  'databaseName',
  'adminUsername',
  'baseCapacity',
  'maxCapacity',
  'port',
  'ingressCidr',
  'allowPublicIngress',
  'sourceBuckets',
  'stagingWriterArns',
  'usageLimitRpuHours',
  'usageLimitPeriod',
  'usageLimitBreachAction',
  'alertEmail',
] as const;

export type SettingName = (typeof SETTING_NAMES)[number];

/** Reads one context value (e.g. `(key) => app.node.tryGetContext(key)`). */
export type ContextReader = (name: SettingName) => unknown;

/**
 * Builds validated settings from CDK context, falling back to `DEFAULT_SETTINGS`.
 * Values from `-c` arrive as strings, values from `cdk.json` may be numbers, booleans or arrays: both work.
 * An empty string counts as "not given" (`"ingressCidr": ""` is the same as no `ingressCidr`).
 *
 * @throws ConfigError naming the first invalid setting.
 */
export function settingsFromContext(read: ContextReader): WarehouseSettings {
  const given = (name: SettingName): unknown => {
    const value = read(name);
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const region = text('region', given('region')) ?? DEFAULT_SETTINGS.region;
  const stackName = text('stackName', given('stackName')) ?? DEFAULT_SETTINGS.stackName;
  return validateSettings({
    stackName,
    region,
    availabilityZones: list('availabilityZones', given('availabilityZones')),
    namespaceName: text('namespaceName', given('namespaceName')) ?? nameFromStack(stackName, 'namespaceName'),
    workgroupName: text('workgroupName', given('workgroupName')) ?? nameFromStack(stackName, 'workgroupName'),
    allowNamespaceReplacement: namespaceToReplace(given('allowNamespaceReplacement')),
    databaseName: text('databaseName', given('databaseName')) ?? DEFAULT_SETTINGS.databaseName,
    adminUsername: text('adminUsername', given('adminUsername')) ?? DEFAULT_SETTINGS.adminUsername,
    baseCapacity: integer('baseCapacity', given('baseCapacity')) ?? DEFAULT_SETTINGS.baseCapacity,
    // "none" records that the cap was removed outside CloudFormation (see update-rules.ts).
    maxCapacity: given('maxCapacity') === 'none' ? undefined : integer('maxCapacity', given('maxCapacity')),
    port: integer('port', given('port')) ?? DEFAULT_SETTINGS.port,
    ingressCidr: text('ingressCidr', given('ingressCidr')),
    allowPublicIngress: bool('allowPublicIngress', given('allowPublicIngress')) ?? DEFAULT_SETTINGS.allowPublicIngress,
    sourceBuckets: list('sourceBuckets', given('sourceBuckets')) ?? DEFAULT_SETTINGS.sourceBuckets,
    stagingWriterArns: list('stagingWriterArns', given('stagingWriterArns')),
    // "none" turns the default limit off.
    usageLimitRpuHours:
      given('usageLimitRpuHours') === 'none' ? undefined : integer('usageLimitRpuHours', given('usageLimitRpuHours')) ?? DEFAULT_SETTINGS.usageLimitRpuHours,
    usageLimitPeriod: oneOf('usageLimitPeriod', given('usageLimitPeriod'), USAGE_LIMIT_PERIODS) ?? DEFAULT_SETTINGS.usageLimitPeriod,
    usageLimitBreachAction:
      oneOf('usageLimitBreachAction', given('usageLimitBreachAction'), USAGE_LIMIT_BREACH_ACTIONS) ?? DEFAULT_SETTINGS.usageLimitBreachAction,
    alertEmail: text('alertEmail', given('alertEmail')),
  });
}

/** The namespace or workgroup name a stack gets by default, refused in the stack name's terms when it is too short. */
function nameFromStack(stackName: string, setting: 'namespaceName' | 'workgroupName'): string {
  const name = defaultServerlessName(stackName);
  if (!SERVERLESS_NAME.test(name)) {
    throw new ConfigError(
      `stackName '${stackName}' would give the namespace and workgroup the name '${name}', but Redshift Serverless names take ` +
        `${SERVERLESS_NAME_RULE}. Choose a stack name with at least three letters or digits, or set "namespaceName" and ` +
        `"workgroupName" in cdk.json (${setting} is the first that needs one).`,
    );
  }
  return name;
}

/**
 * Context keys CDK itself writes without an `@` or `:` (`cdk acknowledge`, `cdk cli-telemetry`); every
 * other such key is taken for a warehouse setting.
 */
const CDK_OWN_CONTEXT_KEYS: readonly string[] = ['acknowledged-issue-numbers', 'cli-telemetry'];

/**
 * Refuses context keys that look like a setting but are not one (`-c basecapacity=16`), which CDK would
 * otherwise pass along and the stack silently ignore. Keys with `@`, `:` or `/` are CDK's (feature flags,
 * lookups) and are left alone.
 *
 * @throws ConfigError naming the key and the closest setting.
 */
export function checkContextKeys(keys: Iterable<string>): void {
  for (const key of keys) {
    if (/[@:/]/.test(key) || CDK_OWN_CONTEXT_KEYS.includes(key) || (SETTING_NAMES as readonly string[]).includes(key)) continue;
    const closest = closestSetting(key);
    throw new ConfigError(
      `Unknown setting '${key}'` +
        (closest ? `: did you mean ${closest}? ` : '. ') +
        `Settings are case-sensitive; the known ones are ${SETTING_NAMES.join(', ')}.`,
    );
  }
}

/** The setting a mistyped key most likely meant: same letters ignoring case and separators, or within two edits. */
function closestSetting(key: string): SettingName | undefined {
  const plain = (name: string) => name.toLowerCase().replace(/[-_.\s]/g, '');
  let best: { name: SettingName; distance: number } | undefined;
  for (const name of SETTING_NAMES) {
    const distance = editDistance(plain(key), plain(name));
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Checks every setting against the rules Redshift Serverless, S3, EC2 and CloudFormation apply, and
 * returns the settings with the ingress CIDR in canonical form (a bare address becomes `/32`).
 *
 * @throws ConfigError naming the first invalid setting.
 */
export function validateSettings(settings: WarehouseSettings): WarehouseSettings {
  const s = settings;
  check('stackName', s.stackName, STACK_NAME.test(s.stackName),
    'a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters');
  check('region', s.region, REGION.test(s.region), 'an AWS region name such as us-west-2');
  if (s.availabilityZones !== undefined) validateAvailabilityZones(s.availabilityZones, s.region);
  check('namespaceName', s.namespaceName, SERVERLESS_NAME.test(s.namespaceName), SERVERLESS_NAME_RULE);
  check('workgroupName', s.workgroupName, SERVERLESS_NAME.test(s.workgroupName), SERVERLESS_NAME_RULE);
  if (s.allowNamespaceReplacement !== undefined) {
    check('allowNamespaceReplacement', s.allowNamespaceReplacement, SERVERLESS_NAME.test(s.allowNamespaceReplacement),
      `the name of the deployed namespace that may be replaced (${SERVERLESS_NAME_RULE})`);
  }
  check('databaseName', s.databaseName, SQL_NAME.test(s.databaseName),
    'a lowercase letter, then lowercase letters, digits or underscores, at most 127 characters');
  check('adminUsername', s.adminUsername, SQL_NAME.test(s.adminUsername),
    'a lowercase letter, then lowercase letters, digits or underscores, at most 127 characters');
  check('baseCapacity', s.baseCapacity, isValidBaseCapacity(s.baseCapacity, s.region), baseCapacityRule(s.region));
  if (s.maxCapacity !== undefined) {
    // The API reference gives no range for maxCapacity; the Management Guide gives RPU settings only in the
    // steps of the base capacity, and a ceiling below the base would be meaningless.
    check('maxCapacity', s.maxCapacity, isValidBaseCapacity(s.maxCapacity, s.region) && s.maxCapacity >= s.baseCapacity,
      `RPUs in the steps Redshift Serverless offers, ${baseCapacityRule(s.region).replace(/ RPUs/, '')}, no smaller than baseCapacity (${s.baseCapacity})`);
  }
  check('port', s.port, isValidPort(s.port), 'a port from 5431 to 5455 or from 8191 to 8215 (Redshift Serverless default 5439)');
  const ingressCidr = s.ingressCidr === undefined ? undefined : validateIngressCidr(s.ingressCidr, s.allowPublicIngress);
  if (s.usageLimitRpuHours !== undefined) {
    // CreateUsageLimit: "The value must be a positive number" (a Long).
    check('usageLimitRpuHours', s.usageLimitRpuHours, Number.isInteger(s.usageLimitRpuHours) && s.usageLimitRpuHours > 0,
      'a whole number of RPU-hours greater than 0');
  }
  check('usageLimitPeriod', s.usageLimitPeriod, USAGE_LIMIT_PERIODS.includes(s.usageLimitPeriod), USAGE_LIMIT_PERIODS.join(', '));
  check('usageLimitBreachAction', s.usageLimitBreachAction, USAGE_LIMIT_BREACH_ACTIONS.includes(s.usageLimitBreachAction),
    USAGE_LIMIT_BREACH_ACTIONS.join(', '));
  if (s.alertEmail !== undefined) {
    check('alertEmail', s.alertEmail, EMAIL.test(s.alertEmail),
      'one e-mail address such as "ops@example.com" (AWS mails it a confirmation link; leave the setting out for no subscription)');
  }
  if (s.sourceBuckets.length === 0) {
    throw new ConfigError('sourceBuckets is empty: give at least one S3 bucket name, e.g. "sourceBuckets": "udacity-dend".');
  }
  for (const bucket of s.sourceBuckets) {
    check('sourceBuckets', bucket, isValidBucketName(bucket),
      'S3 bucket names (3–63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit), ' +
        'comma-separated, without s3:// or a path');
  }
  for (const arn of s.stagingWriterArns ?? []) {
    // aws:PrincipalArn names a role by its role ARN, never by an assumed-role session ARN.
    check('stagingWriterArns', arn, /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/[\w+=,.@\/-]{1,512}$/.test(arn),
      'IAM user or role ARNs (arn:aws:iam::123456789012:role/name), comma-separated; for an assumed role give the role\'s ARN, not the session\'s');
  }
  return { ...s, ingressCidr };
}

/**
 * Base capacity values Redshift Serverless accepts ("Compute capacity for Amazon Redshift Serverless"):
 * 4 RPUs (the newest, smallest option, for warehouses under 32 TB), multiples of 8 from 8 to 512, and,
 * only in the regions below, multiples of 32 from 512 to 1024.
 */
export const EXTENDED_BASE_CAPACITY_REGIONS: readonly string[] = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'];

export function isValidBaseCapacity(rpus: number, region: string): boolean {
  if (!Number.isInteger(rpus)) return false;
  if (rpus === 4) return true;
  if (rpus >= 8 && rpus <= 512) return rpus % 8 === 0;
  return EXTENDED_BASE_CAPACITY_REGIONS.includes(region) && rpus > 512 && rpus <= 1024 && rpus % 32 === 0;
}

function baseCapacityRule(region: string): string {
  return EXTENDED_BASE_CAPACITY_REGIONS.includes(region)
    ? `4, a multiple of 8 from 8 to 512, or a multiple of 32 from 544 to 1024 RPUs (${region} allows up to 1024)`
    : `4 or a multiple of 8 from 8 to 512 RPUs (${region} does not offer the extended range up to 1024)`;
}

function isValidPort(port: number): boolean {
  return Number.isInteger(port) && ((port >= 5431 && port <= 5455) || (port >= 8191 && port <= 8215));
}

/** Namespace and workgroup names: 3–64 of `[a-z0-9-]` (CreateNamespace and CreateWorkgroup API reference). */
const SERVERLESS_NAME = /^[a-z0-9-]{3,64}$/;
const SERVERLESS_NAME_RULE = '3 to 64 lowercase letters, digits or hyphens';

/**
 * Database and admin user names. CloudFormation accepts `[a-zA-Z][a-zA-Z_0-9+.@-]*`, but the ETL and the
 * psql line use these names unquoted, and Redshift folds unquoted identifiers to lowercase, so only plain
 * lowercase identifiers (at most 127 characters, Redshift's identifier limit) are accepted here.
 * Redshift also refuses reserved words (e.g. `user`); those are left for Redshift to reject at deploy.
 */
const SQL_NAME = /^[a-z][a-z0-9_]{0,126}$/;

/** One address, local@domain.tld, no spaces, names or lists: what an SNS e-mail subscription takes. */
const EMAIL = /^[^@\s,;<>"]+@[^@\s,;<>"]+\.[A-Za-z]{2,}$/;

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/** How many availability zones the subnets may span in `region`: three, or two or three where two will do. */
export function zoneCounts(region: string): readonly number[] {
  return TWO_ZONE_REGIONS.includes(region) ? [2, 3] : [3];
}

function validateAvailabilityZones(zones: readonly string[], region: string): void {
  const shown = zones.join(',');
  const zoneOfRegion = new RegExp(`^${region}[a-z]$`);
  const counts = zoneCounts(region);
  // Redshift Serverless needs subnets in three availability zones, or two in us-west-1
  // ("Considerations when using Amazon Redshift Serverless").
  if (!counts.includes(zones.length) || new Set(zones).size !== zones.length || !zones.every((zone) => zoneOfRegion.test(zone))) {
    throw new ConfigError(
      `availabilityZones '${shown}' is not valid: give ${counts.length === 2 ? 'two or three' : 'three'} different zones of ${region}, ` +
        `comma-separated, e.g. "availabilityZones": "${region}a,${region}b${counts.length === 2 ? '' : `,${region}c`}". ` +
        `List your account's zones and zone IDs with: aws ec2 describe-availability-zones --region ${region} --query "AvailabilityZones[].[ZoneName,ZoneId]" --output text`,
    );
  }
}

/**
 * Returns the CIDR in canonical form (a bare address becomes `/32`). Any `/0` block — `0.0.0.0/0`, `::/0`,
 * however spelled — is the whole internet and is refused unless `allowPublic` is set. IPv6 is refused
 * because the stack's VPC and workgroup are IPv4-only. Host bits must be zero so the rule EC2 stores is
 * exactly the one written here.
 */
export function validateIngressCidr(cidr: string, allowPublic: boolean): string {
  const value = cidr.trim();
  const publicRefused = new ConfigError(
    `ingressCidr '${value}' would open the warehouse port to the whole internet. ` +
      'Give your own address instead (e.g. "ingressCidr": "203.0.113.7/32"), or add "allowPublicIngress": true if you really mean it.',
  );
  if (value.includes(':')) {
    if (/\/0+$/.test(value) && !allowPublic) throw publicRefused;
    throw new ConfigError(
      `ingressCidr '${value}' is IPv6, but the warehouse's VPC and workgroup are IPv4-only. Give an IPv4 CIDR such as 203.0.113.7/32.`,
    );
  }
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(value);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match?.[5] === undefined ? 32 : Number(match[5]);
  if (!match || octets.some((octet) => octet > 255) || prefix > 32) {
    throw new ConfigError(`ingressCidr '${value}' is not an IPv4 address or CIDR block such as 203.0.113.7/32.`);
  }
  if (prefix === 0 && !allowPublic) throw publicRefused;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  const canonical = `${toDotted(network)}/${prefix}`;
  if (network !== address) {
    throw new ConfigError(`ingressCidr '${value}' has host bits set; did you mean ${canonical}?`);
  }
  return canonical;
}

function toDotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/**
 * S3 general purpose bucket naming rules (S3 User Guide, "Bucket naming rules"): 3–63 characters of
 * lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no two adjacent
 * dots, and not formatted as an IP address.
 */
export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

function check(name: SettingName, value: unknown, ok: boolean, rule: string): void {
  if (!ok) throw new ConfigError(`${name} '${String(value)}' is not valid: expected ${rule}.`);
}

/** `allowNamespaceReplacement`: the namespace it lets go, by name; the `true` of earlier versions is refused. */
function namespaceToReplace(value: unknown): string | undefined {
  if (value === true || value === 'true' || value === false || value === 'false') {
    throw new ConfigError(
      `allowNamespaceReplacement ${String(value)} is no longer accepted: a yes/no left in cdk.json would allow every later rename. ` +
        'Give the name of the deployed namespace you allow to be replaced (and its data deleted), e.g. ' +
        '"allowNamespaceReplacement": "sparkify-warehouse", or remove the setting.',
    );
  }
  return text('allowNamespaceReplacement', value);
}

function text(name: SettingName, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ConfigError(`${name} must be text, got ${JSON.stringify(value)}.`);
  return value.trim();
}

function integer(name: SettingName, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw new ConfigError(`${name} '${String(value)}' is not valid: expected a whole number.`);
  return number;
}

function oneOf<T extends string>(name: SettingName, value: unknown, allowed: readonly T[]): T | undefined {
  const given = text(name, value);
  if (given === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(given)) {
    throw new ConfigError(`${name} '${given}' is not valid: expected ${allowed.join(', ')}.`);
  }
  return given as T;
}

function bool(name: SettingName, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${name} '${String(value)}' is not valid: expected true or false.`);
}

/** A list from a `cdk.json` array or a comma-separated `-c` string. */
function list(name: SettingName, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || !items.every((item) => typeof item === 'string')) {
    throw new ConfigError(`${name} must be a comma-separated list or an array of text, got ${JSON.stringify(value)}.`);
  }
  return items.map((item) => item.trim()).filter((item) => item !== '');
}
