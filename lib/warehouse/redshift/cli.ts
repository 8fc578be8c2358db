/** What the scripts share for the Redshift target: its flags, their help, and Ctrl-C that cancels on the server. */
import type { Command } from 'commander';

/** Adds the Redshift target's flags; lib/config.ts reads them (and their SPARKIFY_* variables). */
export function addRedshiftOptions(command: Command): Command {
  return command
    .option('--workgroup <name>', 'Redshift Serverless workgroup (default: WorkgroupName in cdk-outputs.json)')
    .option('--database <name>', 'database in the workgroup (default: DatabaseName in cdk-outputs.json, else dev)')
    .option('--region <region>', "the workgroup's AWS region (default: Region in cdk-outputs.json, else the AWS SDK's)")
    .option('--secret-arn <arn>', 'sign in with this Secrets Manager secret instead of IAM temporary credentials')
    .option('--statement-timeout <seconds>', 'cancel a statement that runs longer than this (default 3600)');
}

export const REDSHIFT_ENVIRONMENT_HELP = `
Redshift target: chosen when cdk-outputs.json (from npx cdk deploy) holds the stack's outputs, or a workgroup
  is given; --target local overrides. Flags win over SPARKIFY_WORKGROUP, SPARKIFY_DATABASE, SPARKIFY_REGION,
  SPARKIFY_SECRET_ARN, SPARKIFY_STATEMENT_TIMEOUT, SPARKIFY_STAGING_BUCKET, which win over the outputs
  (SPARKIFY_TARGET=redshift with these needs no outputs file). SPARKIFY_CDK_OUTPUTS names another outputs
  file, SPARKIFY_STACK a stack in it. Credentials come from the AWS SDK's default chain
  (AWS_PROFILE, AWS_ACCESS_KEY_ID…); the region from AWS_REGION, then AWS_DEFAULT_REGION. AWS_ENDPOINT_URL
  (or AWS_ENDPOINT_URL_REDSHIFT_DATA, AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS, AWS_ENDPOINT_URL_S3) points the
  SDK at other endpoints, such as npm run data-api (S3 then path-style). Before the first statement the ETL checks the workgroup is AVAILABLE,
  its namespace has the COPY role, and the database exists.`;

/**
 * Ctrl-C during a Redshift run. A statement keeps running on the server after this process exits, so the
 * first Ctrl-C aborts the returned signal: the warehouse cancels the statement and the run ends through
 * the normal error path with exit code 130. A second Ctrl-C exits at once.
 *
 * It replaces, for this process, the immediate exit that lib/cli.ts's runCli installs.
 */
export function cancelOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  let first = 0;
  for (const listener of process.listeners('SIGINT')) process.removeListener('SIGINT', listener);
  process.on('SIGINT', () => {
    // npm and tsx pass the terminal's signal on as well: one Ctrl-C can arrive more than once, moments apart.
    if (controller.signal.aborted && Date.now() - first < 1000) return;
    if (controller.signal.aborted) {
      process.stderr.write('\nInterrupted again: exiting without waiting for the cancel.\n');
      process.exit(130);
    }
    first = Date.now();
    process.stderr.write('\nInterrupted: cancelling the statement running on Redshift (Ctrl-C again to quit at once)…\n');
    controller.abort();
  });
  return controller.signal;
}
