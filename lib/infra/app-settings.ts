/**
 * The settings the CDK app builds the stack from, and the checks that need the project's files: the
 * settings are kept in the `context` block of `cdk.json` (so every deploy applies the same ones), and
 * `cdk-outputs.json` holds what the last deploy published, which decides what this one may change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { OUTPUT_KEYS } from './output-keys';
import { WarehouseSettings, checkContextKeys, settingsFromContext } from './settings';
import { DeployedSettings, checkKeptInCdkJson } from './update-rules';

/** What the CDK app builds the stack from. */
export interface AppSettings {
  readonly settings: WarehouseSettings;
  /** What the last deploy from this folder published; the stack checks its update against it (update-rules.ts). */
  readonly deployed?: DeployedSettings;
  /** True when cdk.json says `"maxCapacity": "none"` (the cap was removed outside CloudFormation). */
  readonly maxCapacityNone: boolean;
}

/**
 * Validated settings for the app, after the checks that need the project's files: no unknown setting,
 * nothing given only with `-c`; and the last deploy's record, for the stack's update check.
 *
 * @param context all context the app sees (`app.node.getAllContext()`)
 * @param projectDir the folder of `cdk.json` and `cdk-outputs.json`; the CDK CLI runs the app there
 * @throws ConfigError naming the setting or file at fault
 */
export function resolveAppSettings(context: Record<string, unknown>, projectDir: string): AppSettings {
  checkContextKeys(Object.keys(context));
  const settings = settingsFromContext((name) => context[name]);

  const cdkJson = readJson(join(projectDir, 'cdk.json')) as { context?: Record<string, unknown>; outputsFile?: string } | undefined;
  if (cdkJson) {
    const kept = cdkJson.context ?? {};
    checkKeptInCdkJson(settings, settingsFromContext((name) => kept[name]));
  }

  const outputsFile = join(projectDir, cdkJson?.outputsFile ?? 'cdk-outputs.json');
  return { settings, deployed: deployedSettings(outputsFile, settings.stackName), maxCapacityNone: context.maxCapacity === 'none' };
}

/** The variables through which a shell or profile names a region (the CDK CLI sets the last from the profile). */
const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'CDK_DEFAULT_REGION'] as const;

/**
 * A notice when the shell or profile names another region than the `region` setting, which is the one the
 * stack deploys to (the template and its outputs name it); `undefined` when they agree or none is set.
 */
export function regionNotice(region: string, env: NodeJS.ProcessEnv): string | undefined {
  const others = REGION_VARIABLES.filter((name) => env[name] && env[name] !== region);
  if (others.length === 0) return undefined;
  const named = others.map((name) => `${name}=${env[name]}`).join(', ');
  return (
    `This stack deploys to ${region}, the "region" setting (cdk.json), not to the region your shell or profile names (${named}). ` +
    'To deploy elsewhere, set "region" in cdk.json.'
  );
}

/** The `DeployedSettings` output of `stackName` in the outputs file, if the stack was deployed from here. */
function deployedSettings(file: string, stackName: string): DeployedSettings | undefined {
  const outputs = readJson(file) as Record<string, Record<string, string>> | undefined;
  const published = outputs?.[stackName]?.[OUTPUT_KEYS.deployedSettings];
  if (published === undefined) return undefined;
  try {
    return JSON.parse(published) as DeployedSettings;
  } catch {
    throw new ConfigError(`${file}: ${stackName}.${OUTPUT_KEYS.deployedSettings} is not JSON. Run \`npx cdk deploy\` to write it again.`);
  }
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}); fix or remove it and run the command again.`);
  }
}
