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
import { DeployedSettings, checkKeptInCdkJson, checkUpdate } from './update-rules';

/**
 * Validated settings for the app, after every check: no unknown setting, nothing given only with `-c`,
 * and an update the service can apply.
 *
 * @param context all context the app sees (`app.node.getAllContext()`)
 * @param projectDir the folder of `cdk.json` and `cdk-outputs.json`; the CDK CLI runs the app there
 * @throws ConfigError naming the setting or file at fault
 */
export function resolveAppSettings(context: Record<string, unknown>, projectDir: string): WarehouseSettings {
  checkContextKeys(Object.keys(context));
  const settings = settingsFromContext((name) => context[name]);

  const cdkJson = readJson(join(projectDir, 'cdk.json')) as { context?: Record<string, unknown>; outputsFile?: string } | undefined;
  if (cdkJson) {
    const kept = cdkJson.context ?? {};
    checkKeptInCdkJson(settings, settingsFromContext((name) => kept[name]));
  }

  const outputsFile = join(projectDir, cdkJson?.outputsFile ?? 'cdk-outputs.json');
  checkUpdate(settings, deployedSettings(outputsFile, settings.stackName), context.maxCapacity === 'none');
  return settings;
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
