#!/usr/bin/env node
/**
 * The CDK app: reads the settings from the `context` block of `cdk.json` (checked against what the last
 * deploy published in `cdk-outputs.json`, see lib/infra/app-settings.ts), builds the warehouse stack in the
 * account of the CLI's credentials when there are any, and runs cdk-nag's AwsSolutions checks on every
 * synth, so `cdk synth` and `cdk deploy` fail on a finding that has not been acknowledged with a reason.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SparkifyError } from '../lib/errors';
import { WarehouseStack } from '../lib/infra/warehouse-stack';
import { regionNotice, resolveAppSettings } from '../lib/infra/app-settings';

const app = new App();
try {
  // The CLI runs the app in the project folder, next to cdk.json.
  const { settings, deployed, maxCapacityNone } = resolveAppSettings(app.node.getAllContext(), process.cwd());
  // CDK_DEFAULT_ACCOUNT is the CLI's credentials' account (unset without credentials: then synth still works).
  const stack = new WarehouseStack(app, settings.stackName, { settings, deployed, maxCapacityNone, env: { account: process.env.CDK_DEFAULT_ACCOUNT } });
  const notice = regionNotice(settings.region, process.env);
  if (notice) Annotations.of(stack).addWarningV2('sparkify:regionFromSettings', notice);
} catch (error) {
  if (!(error instanceof SparkifyError)) throw error;
  // A setting the user must fix: one readable line, not a stack trace.
  console.error(`Error: ${error.message}`);
  process.exit(error.exitCode);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
