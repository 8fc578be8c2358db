#!/usr/bin/env node
/**
 * The CDK app: reads the settings from context (`-c name=value` or `cdk.json`), builds the warehouse
 * stack, and runs cdk-nag's AwsSolutions checks on every synth, so `cdk synth` and `cdk deploy` fail on a
 * finding that has not been acknowledged with a reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SparkifyError } from '../lib/errors';
import { WarehouseStack } from '../lib/infra/warehouse-stack';
import { settingsFromContext } from '../lib/infra/settings';

const app = new App();
try {
  const settings = settingsFromContext((name) => app.node.tryGetContext(name));
  new WarehouseStack(app, settings.stackName, { settings });
} catch (error) {
  if (!(error instanceof SparkifyError)) throw error;
  // A setting the user must fix: one readable line, not a stack trace.
  console.error(`Error: ${error.message}`);
  process.exit(error.exitCode);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
