/**
 * One place that resolves where the ETL runs and what it loads: command-line flags first, then environment
 * variables, then defaults. Every value is validated here, with the name of the flag or variable at fault.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors';
import { iamRoleLiteral, integerLiteral, regionLiteral, s3UriLiteral } from './sql-literals';
import { parseS3Uri } from './warehouse/local/s3-mounts';

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

export type TargetSettings = LocalTarget;

export interface Settings {
  readonly target: TargetSettings;
  /** Why this target was chosen, for the first line of progress output. */
  readonly why: string;
  readonly sources: SourceSettings;
}

/** Flags as the scripts' CLI parser gives them; all optional. */
export interface Flags {
  readonly target?: string;
  readonly source?: string;
  readonly dataDir?: string;
  readonly maxErrors?: string;
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

export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Settings {
  const pick = (flag: string | undefined, variable: string): { value?: string; from: string } =>
    flag !== undefined ? { value: flag, from: `--${kebab(variable)}` } : { value: env[variable], from: variable };

  const target = pick(flags.target, 'SPARKIFY_TARGET');
  if (target.value !== undefined && target.value !== 'local') {
    throw new ConfigError(`${target.from} must be "local"; got ${JSON.stringify(target.value)}.`);
  }

  const maxErrorsText = pick(flags.maxErrors, 'SPARKIFY_MAX_ERRORS');
  const maxErrors = maxErrorsText.value === undefined ? DEFAULT_SOURCES.maxErrors : Number(maxErrorsText.value);
  integerLiteral(maxErrorsText.from, maxErrors, 0, 100000);

  const sources: SourceSettings = {
    eventsUri: env['SPARKIFY_EVENTS_URI'] ?? DEFAULT_SOURCES.eventsUri,
    songsUri: env['SPARKIFY_SONGS_URI'] ?? DEFAULT_SOURCES.songsUri,
    jsonPathsUri: env['SPARKIFY_JSONPATHS_URI'] ?? DEFAULT_SOURCES.jsonPathsUri,
    region: env['SPARKIFY_SOURCE_REGION'] ?? DEFAULT_SOURCES.region,
    iamRole: env['SPARKIFY_IAM_ROLE'] ?? DEFAULT_SOURCES.iamRole,
    maxErrors,
  };
  s3UriLiteral('SPARKIFY_EVENTS_URI', sources.eventsUri);
  s3UriLiteral('SPARKIFY_SONGS_URI', sources.songsUri);
  s3UriLiteral('SPARKIFY_JSONPATHS_URI', sources.jsonPathsUri);
  regionLiteral('SPARKIFY_SOURCE_REGION', sources.region);
  iamRoleLiteral('SPARKIFY_IAM_ROLE', sources.iamRole);

  const source = pick(flags.source, 'SPARKIFY_SOURCE');
  const sourceDir = resolve(source.value ?? DEFAULT_SOURCE_DIR);
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new ConfigError(
      `The source folder ${sourceDir} (from ${source.value === undefined ? 'the default' : source.from}) does not exist or is not a folder. ` +
        'Give a folder laid out like the S3 bucket: song_data/, log_data/ and log_json_path.json.',
    );
  }
  const dataDir = resolve(pick(flags.dataDir, 'SPARKIFY_DATA_DIR').value ?? DEFAULT_DATA_DIR);
  const why = target.value === 'local' ? `chosen by ${target.from}` : 'the default: no Redshift target is configured';
  return { target: { kind: 'local', dataDir, sourceDir }, why, sources };
}

/** The local folder for each bucket the sources name: all of them map to the one source folder. */
export function localS3Folders(settings: Settings & { target: LocalTarget }): Record<string, string> {
  const folders: Record<string, string> = {};
  for (const uri of [settings.sources.eventsUri, settings.sources.songsUri, settings.sources.jsonPathsUri]) {
    folders[parseS3Uri(uri).bucket] = settings.target.sourceDir;
  }
  return folders;
}

/** SPARKIFY_DATA_DIR → data-dir, for naming the flag that overrides a variable. */
function kebab(variable: string): string {
  return variable.replace(/^SPARKIFY_/, '').toLowerCase().replace(/_/g, '-');
}
