/**
 * One place that resolves where the ETL runs and what it loads: command-line flags first, then environment
 * variables, then the deployed stack's outputs (`cdk-outputs.json`), then defaults. Every value is validated
 * here, with the name of the flag, variable or file at fault.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { userPath } from './cli';
import { ConfigError } from './errors';
import { OUTPUT_KEYS } from './infra/output-keys';
import { DEFAULT_SETTINGS } from './infra/settings';
import { iamRoleLiteral, integerLiteral, regionLiteral, s3UriLiteral } from './sql-literals';
import { parseS3Uri } from './s3-uri';

/** The repository's root: defaults are relative to it, not to the shell's working directory. */
export const PROJECT_ROOT = resolve(__dirname, '..');

/** Where the COPY statements read from, in Redshift's terms. */
export interface SourceSettings {
  /** S3 prefix of the app-event logs. */
  readonly eventsUri: string;
  /** S3 prefix of the song files. */
  readonly songsUri: string;
  /** S3 URI of the JSONPaths file that maps event keys to staging columns. */
  readonly jsonPathsUri: string;
  /** Region of the source bucket (COPY … REGION). */
  readonly region: string;
  /** Region of the songs' bucket when it is not `region` (the staged catalogue is in the stack's region). @default region */
  readonly songsRegion?: string;
  /** IAM_ROLE for COPY: "default" (the namespace's default role) or a role ARN. */
  readonly iamRole: string;
  /** Rows a COPY may reject before it fails (COPY … MAXERROR). */
  readonly maxErrors: number;
}

export interface LocalTarget {
  readonly kind: 'local';
  /** Folder of the embedded PGlite database. */
  readonly dataDir: string;
  /** Local folder that stands in for the source bucket(s). */
  readonly sourceDir: string;
}

export interface RedshiftTarget {
  readonly kind: 'redshift';
  /** Redshift Serverless workgroup (name or ARN) the Data API runs statements on. */
  readonly workgroupName: string;
  readonly database: string;
  /**
   * AWS region of the workgroup; undefined leaves it to the AWS SDK (AWS_REGION, the profile's region).
   * AWS_DEFAULT_REGION, which the SDK ignores, is taken after AWS_REGION.
   */
  readonly region?: string;
  /** Secrets Manager secret to sign in with; undefined signs in with IAM temporary credentials. */
  readonly secretArn?: string;
  /** How long one statement may run before it is cancelled. */
  readonly statementTimeoutMs: number;
  /** A Data API endpoint other than AWS's (AWS_ENDPOINT_URL_REDSHIFT_DATA), which the SDK uses by itself; shown in messages. */
  readonly endpoint?: string;
}

export type TargetSettings = LocalTarget | RedshiftTarget;

/** Who gets SELECT on the star tables after every publish (SPARKIFY_READERS): a group or a role. */
export interface Reader {
  readonly kind: 'group' | 'role';
  readonly name: string;
}

export interface Settings<T extends TargetSettings = TargetSettings> {
  readonly target: T;
  /** Why this target was chosen, for the first line of progress output. */
  readonly why: string;
  readonly sources: SourceSettings;
  /**
   * The stack's staging bucket, where `npm run stage` puts the compacted song catalogue (SPARKIFY_STAGING_BUCKET,
   * else the stack's outputs); set only on Redshift when SPARKIFY_SONGS_URI does not name the songs (it wins).
   * See lib/stage/discover.ts.
   */
  readonly stagingBucket?: string;
  /** Granted SELECT on every star table each time it is published; none by default. */
  readonly readers: readonly Reader[];
}

/** Flags as the scripts' CLI parser gives them; all optional. */
export interface Flags {
  readonly target?: string;
  readonly source?: string;
  readonly dataDir?: string;
  readonly maxErrors?: string;
  readonly workgroup?: string;
  readonly database?: string;
  readonly region?: string;
  readonly secretArn?: string;
  readonly statementTimeout?: string;
}

export const DEFAULT_SOURCES: SourceSettings = {
  eventsUri: 's3://udacity-dend/log_data',
  songsUri: 's3://udacity-dend/song_data',
  jsonPathsUri: 's3://udacity-dend/log_json_path.json',
  region: 'us-west-2',
  iamRole: 'default',
  maxErrors: 0,
};

export const DEFAULT_SOURCE_DIR = resolve(PROJECT_ROOT, 'data', 'sample');
export const DEFAULT_DATA_DIR = resolve(PROJECT_ROOT, '.warehouse', 'pgdata');
/** Where `npx cdk deploy` writes the stack's outputs (cdk.json's outputsFile). */
export const DEFAULT_OUTPUTS_FILE = resolve(PROJECT_ROOT, 'cdk-outputs.json');
/** Redshift Serverless creates this database in every namespace; used when neither flags nor outputs name one. */
export const DEFAULT_DATABASE = 'dev';
/** A COPY of the whole source bucket takes minutes; an hour means something is stuck. */
export const DEFAULT_STATEMENT_TIMEOUT_S = 3600;

export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Settings {
  const pick = picker(env);
  const target = pick(flags.target, 'SPARKIFY_TARGET');
  if (target.value !== undefined && target.value !== 'local' && target.value !== 'redshift') {
    throw new ConfigError(`${target.from} must be "local" or "redshift"; got ${JSON.stringify(target.value)}.`);
  }

  const maxErrorsText = pick(flags.maxErrors, 'SPARKIFY_MAX_ERRORS');
  const maxErrors = maxErrorsText.value === undefined ? DEFAULT_SOURCES.maxErrors : Number(maxErrorsText.value);
  integerLiteral(maxErrorsText.from, maxErrors, 0, 100000);

  const readers = parseReaders(env['SPARKIFY_READERS']);

  const outputsFile = env['SPARKIFY_CDK_OUTPUTS'] === undefined ? DEFAULT_OUTPUTS_FILE : userPath(env['SPARKIFY_CDK_OUTPUTS'], env);
  // Asked for the local warehouse, the outputs are not read at all: a broken file must not stop an offline run.
  const outputs = target.value === 'local' ? undefined : readStackOutputs(outputsFile, env['SPARKIFY_STACK']);
  const workgroup = pick(flags.workgroup, 'SPARKIFY_WORKGROUP');
  const kind = target.value ?? (outputs !== undefined || workgroup.value !== undefined ? 'redshift' : 'local');

  const sources: SourceSettings = {
    eventsUri: env['SPARKIFY_EVENTS_URI'] ?? DEFAULT_SOURCES.eventsUri,
    songsUri: env['SPARKIFY_SONGS_URI'] ?? DEFAULT_SOURCES.songsUri,
    jsonPathsUri: env['SPARKIFY_JSONPATHS_URI'] ?? DEFAULT_SOURCES.jsonPathsUri,
    region: env['SPARKIFY_SOURCE_REGION'] ?? DEFAULT_SOURCES.region,
    // On Redshift, COPY names the stack's own role when the outputs give it; "default" is the namespace's default role.
    iamRole: env['SPARKIFY_IAM_ROLE'] ?? (kind === 'redshift' ? outputs?.roleArn : undefined) ?? DEFAULT_SOURCES.iamRole,
    maxErrors,
  };
  s3UriLiteral('SPARKIFY_EVENTS_URI', sources.eventsUri);
  s3UriLiteral('SPARKIFY_SONGS_URI', sources.songsUri);
  s3UriLiteral('SPARKIFY_JSONPATHS_URI', sources.jsonPathsUri);
  regionLiteral('SPARKIFY_SOURCE_REGION', sources.region);
  iamRoleLiteral(env['SPARKIFY_IAM_ROLE'] !== undefined ? 'SPARKIFY_IAM_ROLE' : `RoleArn in ${outputsFile}`, sources.iamRole);

  if (kind === 'redshift') {
    const why =
      target.value !== undefined
        ? `chosen by ${target.from}`
        : outputs !== undefined
          ? `the stack's outputs are in ${outputsFile}`
          : `a workgroup is given by ${workgroup.from}`;
    const stagingBucket = env['SPARKIFY_SONGS_URI'] === undefined ? (stagingBucketOf(env) ?? outputs?.stagingBucket) : undefined;
    return { target: redshiftTarget(flags, env, outputs, outputsFile), why, sources, readers, stagingBucket };
  }

  const source = pick(flags.source, 'SPARKIFY_SOURCE');
  // Paths the user gives are relative to where they ran the command; the defaults, to the project.
  const sourceDir = source.value === undefined ? DEFAULT_SOURCE_DIR : userPath(source.value, env);
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new ConfigError(
      `The source folder ${sourceDir} (from ${source.value === undefined ? 'the default' : source.from}) does not exist or is not a folder. ` +
        'Give a folder laid out like the S3 bucket: song_data/, log_data/ and log_json_path.json.',
    );
  }
  assertBucketLayout(sourceDir, source.value === undefined ? 'the default' : source.from, sources);
  const dataDirValue = pick(flags.dataDir, 'SPARKIFY_DATA_DIR').value;
  const dataDir = dataDirValue === undefined ? DEFAULT_DATA_DIR : userPath(dataDirValue, env);
  const why = target.value === 'local' ? `chosen by ${target.from}` : 'the default: no Redshift target is configured';
  return { target: { kind: 'local', dataDir, sourceDir }, why, sources, readers };
}

/** SPARKIFY_STAGING_BUCKET: a bucket name (what the stack's StagingBucket output holds), checked. */
function stagingBucketOf(env: NodeJS.ProcessEnv): string | undefined {
  const bucket = env['SPARKIFY_STAGING_BUCKET'];
  if (bucket === undefined || bucket === '') return undefined;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(`SPARKIFY_STAGING_BUCKET must be an S3 bucket name such as sparkify-staging-123456789012 (no s3://); got ${JSON.stringify(bucket)}.`);
  }
  return bucket;
}

/**
 * At most this many readers: each adds a GRANT per star table (6) to the publishing batch, which already
 * holds 20 statements (10 tables, 2 each) and may hold 40.
 */
const MAX_READERS = 3;

/** SPARKIFY_READERS: a comma-separated list of group:<name> or role:<name>. */
function parseReaders(text: string | undefined): Reader[] {
  if (text === undefined || text.trim() === '') return [];
  const readers = text.split(',').map((item) => {
    const m = /^\s*(group|role):([a-z_][a-z0-9_$]{0,126})\s*$/.exec(item);
    if (m === null) {
      throw new ConfigError(
        `SPARKIFY_READERS must list readers as group:<name> or role:<name>, separated by commas (for example ` +
          `group:analysts,role:bi_reader), with lowercase SQL names; ${JSON.stringify(item.trim())} is not one.`,
      );
    }
    return { kind: m[1] as Reader['kind'], name: m[2]! };
  });
  if (readers.length > MAX_READERS) throw new ConfigError(`SPARKIFY_READERS names ${readers.length} readers; give at most ${MAX_READERS} (grant to a group that holds the rest).`);
  return readers;
}

/** The values of the deployed stack's outputs this tool reads. */
interface StackOutputs {
  readonly workgroupName: string;
  readonly databaseName?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly stagingBucket?: string;
}

/** The deployed stack's outputs (SPARKIFY_CDK_OUTPUTS, else cdk-outputs.json), or undefined when there is no stack. */
export function deployedStackOutputs(env: NodeJS.ProcessEnv = process.env): (StackOutputs & { readonly file: string }) | undefined {
  const file = resolve(env['SPARKIFY_CDK_OUTPUTS'] ?? DEFAULT_OUTPUTS_FILE);
  const outputs = readStackOutputs(file, env['SPARKIFY_STACK']);
  return outputs === undefined ? undefined : { ...outputs, file };
}

/** A setting's value from its flag, else its environment variable, and which of the two gave it. */
function picker(env: NodeJS.ProcessEnv) {
  return (flag: string | undefined, variable: string): { value?: string; from: string } =>
    flag !== undefined ? { value: flag, from: `--${kebab(variable)}` } : { value: env[variable], from: variable };
}

/** Each setting from its flag, else its variable, else the stack's outputs, else a default; each validated. */
function redshiftTarget(flags: Flags, env: NodeJS.ProcessEnv, outputs: StackOutputs | undefined, outputsFile: string): RedshiftTarget {
  const pick = picker(env);
  const fromOutputs = (key: string) => `${key} in ${outputsFile}`;
  const setting = (flag: string | undefined, variable: string, output: string | undefined, key: string) => {
    const given = pick(flag, variable);
    return given.value !== undefined ? given : { value: output, from: fromOutputs(key) };
  };

  const workgroup = setting(flags.workgroup, 'SPARKIFY_WORKGROUP', outputs?.workgroupName, OUTPUT_KEYS.workgroupName);
  if (workgroup.value === undefined) {
    throw new ConfigError(
      `Loading Redshift needs its workgroup, and ${outputsFile} does not exist or holds no warehouse stack. Deploy the stack ` +
        '(npx cdk deploy writes that file), or give --workgroup and --database (SPARKIFY_WORKGROUP, SPARKIFY_DATABASE), ' +
        'or use --target local.',
    );
  }
  if (!WORKGROUP.test(workgroup.value)) {
    throw new ConfigError(
      `${workgroup.from} must be a Redshift Serverless workgroup name (3–63 lowercase letters, digits or hyphens) or its ARN; ` +
        `got ${JSON.stringify(workgroup.value)}.`,
    );
  }

  const database = setting(flags.database, 'SPARKIFY_DATABASE', outputs?.databaseName, OUTPUT_KEYS.databaseName);
  const databaseName = database.value ?? DEFAULT_DATABASE;
  if (!DATABASE.test(databaseName)) {
    throw new ConfigError(`${database.from} must be a database name such as dev (letters, digits, _ or $); got ${JSON.stringify(databaseName)}.`);
  }

  const given = setting(flags.region, 'SPARKIFY_REGION', outputs?.region, OUTPUT_KEYS.region);
  // The AWS SDK for JavaScript reads AWS_REGION but not AWS_DEFAULT_REGION, which the AWS CLI reads and many set.
  const region =
    given.value === undefined && env['AWS_REGION'] === undefined && env['AWS_DEFAULT_REGION'] !== undefined
      ? { value: env['AWS_DEFAULT_REGION'], from: 'AWS_DEFAULT_REGION' }
      : given;
  if (region.value !== undefined) regionLiteral(region.from, region.value);

  const secret = pick(flags.secretArn, 'SPARKIFY_SECRET_ARN');
  if (secret.value !== undefined && !SECRET.test(secret.value)) {
    throw new ConfigError(
      `${secret.from} must be the name or ARN of a Secrets Manager secret (arn:aws:secretsmanager:region:account:secret:name); ` +
        `got ${JSON.stringify(secret.value)}.`,
    );
  }

  const timeout = pick(flags.statementTimeout, 'SPARKIFY_STATEMENT_TIMEOUT');
  const timeoutSeconds = timeout.value === undefined ? DEFAULT_STATEMENT_TIMEOUT_S : Number(timeout.value);
  integerLiteral(timeout.from, timeoutSeconds, 1, 86400);

  return {
    kind: 'redshift',
    workgroupName: workgroup.value,
    database: databaseName,
    region: region.value,
    secretArn: secret.value,
    statementTimeoutMs: timeoutSeconds * 1000,
    endpoint: env['AWS_ENDPOINT_URL_REDSHIFT_DATA'] ?? env['AWS_ENDPOINT_URL'],
  };
}

/** CreateWorkgroup's name rule, or a workgroup ARN (the Data API takes either). */
const WORKGROUP = /^([a-z0-9-]{3,63}|arn:aws[a-z-]*:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup\/[0-9a-f-]{36})$/;
const DATABASE = /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/;
/** A secret's ARN or name; Redshift's own admin secrets are named like redshift!namespace-admin. */
const SECRET = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@!-]+|[\w/+=.@!-]{1,512})$/;

/**
 * The warehouse stack's outputs from `cdk-outputs.json` (`{ "<StackName>": { "<OutputKey>": "value" } }`),
 * or undefined when the file is absent or holds no stack with a workgroup (a failed first deploy writes `{}`).
 * With several stacks: the one SPARKIFY_STACK names, else the default stack name, else the only one.
 */
function readStackOutputs(file: string, stackName: string | undefined): StackOutputs | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(
      `${file} is not valid JSON (${(e as Error).message}). Run npx cdk deploy again to rewrite it, or delete it to load the local warehouse.`,
    );
  }
  const stacks = Object.entries(typeof parsed === 'object' && parsed !== null ? parsed : {}).filter(
    (entry): entry is [string, Record<string, unknown>] =>
      typeof entry[1] === 'object' && entry[1] !== null && typeof (entry[1] as Record<string, unknown>)[OUTPUT_KEYS.workgroupName] === 'string',
  );
  const chosen =
    stackName !== undefined
      ? stacks.find(([name]) => name === stackName)
      : (stacks.find(([name]) => name === DEFAULT_SETTINGS.stackName) ?? (stacks.length === 1 ? stacks[0] : undefined));
  if (chosen === undefined) {
    if (stacks.length === 0) return undefined;
    throw new ConfigError(
      `${file} holds the outputs of ${stacks.length === 1 ? 'the stack' : 'several stacks'} ${stacks.map(([n]) => n).join(', ')}` +
        `${stackName !== undefined ? ` but none named ${stackName} (SPARKIFY_STACK)` : ''}. Set SPARKIFY_STACK to the one to load.`,
    );
  }
  const values = chosen[1];
  const text = (key: string) => (typeof values[key] === 'string' && values[key] !== '' ? (values[key] as string) : undefined);
  return {
    workgroupName: text(OUTPUT_KEYS.workgroupName)!,
    databaseName: text(OUTPUT_KEYS.databaseName),
    region: text(OUTPUT_KEYS.region),
    roleArn: text(OUTPUT_KEYS.roleArn),
    stagingBucket: text(OUTPUT_KEYS.stagingBucket),
  };
}

/** The local folder for each bucket the sources name: all of them map to the one source folder. */
export function localS3Folders(settings: Settings<LocalTarget>): Record<string, string> {
  const folders: Record<string, string> = {};
  for (const uri of [settings.sources.eventsUri, settings.sources.songsUri, settings.sources.jsonPathsUri]) {
    folders[parseS3Uri(uri).bucket] = settings.target.sourceDir;
  }
  return folders;
}

/**
 * A source folder must hold what each COPY names (a key is a prefix: log_data matches log_data/…), so that a
 * folder in the wrong layout is a bad path (exit 2) found before any statement runs, not a failed load.
 */
function assertBucketLayout(sourceDir: string, from: string, sources: SourceSettings): void {
  const missing = [sources.songsUri, sources.eventsUri, sources.jsonPathsUri].filter((uri) => {
    const key = parseS3Uri(uri).key.replace(/\/+$/, '');
    const slash = key.lastIndexOf('/');
    const folder = resolve(sourceDir, key.slice(0, slash + 1));
    const prefix = key.slice(slash + 1);
    return !(existsSync(folder) && statSync(folder).isDirectory() && readdirSync(folder).some((name) => name.startsWith(prefix)));
  });
  if (missing.length === 0) return;
  throw new ConfigError(
    `The source folder ${sourceDir} (from ${from}) is not laid out like the bucket: nothing in it matches ` +
      `${missing.map((uri) => `${parseS3Uri(uri).key} (for ${uri})`).join(', ')}. Give a folder that holds song_data/, ` +
      'log_data/ and log_json_path.json, as data/sample does.',
  );
}

/** SPARKIFY_DATA_DIR → data-dir, for naming the flag that overrides a variable. */
function kebab(variable: string): string {
  return variable.replace(/^SPARKIFY_/, '').toLowerCase().replace(/_/g, '-');
}
