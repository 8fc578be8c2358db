/**
 * Before the ETL's first statement on Redshift Serverless, the checks whose failure would otherwise surface
 * as a statement failing midway, each as one paragraph that names the setting to change:
 *
 * - the workgroup exists in the region, and is AVAILABLE (while it is CREATING or MODIFYING the run waits,
 *   with progress, within the statement timeout);
 * - its namespace has the role COPY names attached (or a default role, for `IAM_ROLE default`);
 * - the database exists (the namespace's own, or one ListDatabases names).
 *
 * It reads through the Redshift Serverless API (GetWorkgroup, GetNamespace) and the Data API
 * (ListDatabases). An identity allowed the Data API but not these reads is not stopped: the checks are
 * skipped with a warning, and the statements' own errors remain.
 */
import { ListDatabasesCommand, type RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftTarget, SourceSettings } from '../../config';
import { GetNamespaceCommand, GetWorkgroupCommand, type Namespace, RedshiftServerlessClient, type Workgroup } from '@aws-sdk/client-redshift-serverless';
import { ConfigError, SparkifyError } from '../../errors';
import { quietNodeVersionNotice } from '../../sdk-notice';
import { createClient } from './client';
import { apiError } from './errors';
import { abortableSleep } from './sleep';

export interface PreflightOptions {
  readonly workgroupName: string;
  readonly database: string;
  /** The region, or words for where the SDK takes it from, for messages. */
  readonly region: string;
  /** COPY's IAM_ROLE: "default" or a role ARN. */
  readonly iamRole: string;
  readonly secretArn?: string;
  readonly serverless: RedshiftServerlessClient;
  readonly data: RedshiftDataClient;
  /** How long to wait for a workgroup that is being created or modified. */
  readonly timeoutMs: number;
  /** @default 5000 */
  readonly pollMs?: number;
  readonly onProgress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const WAIT_FOR = new Set(['CREATING', 'MODIFYING']);

/** Checks the workgroup, the namespace's roles and the database; throws a ConfigError naming the setting at fault. */
export async function preflight(options: PreflightOptions): Promise<void> {
  const report = options.onProgress ?? (() => {});
  if (options.workgroupName.startsWith('arn:')) {
    report('preflight skipped: the workgroup is given by its ARN, and GetWorkgroup takes a name (give --workgroup <name> to check it)');
    return;
  }
  let workgroup: Workgroup;
  let namespace: Namespace;
  try {
    workgroup = await availableWorkgroup(options, report);
    namespace = (await options.serverless.send(new GetNamespaceCommand({ namespaceName: workgroup.namespaceName }))).namespace ?? {};
  } catch (e) {
    if (e instanceof SparkifyError) throw e;
    if (e instanceof Error && DENIED.has(e.name)) {
      report(
        `preflight skipped: this identity may not read the workgroup (${e.name}); the run goes on, and a missing role or database ` +
          'shows as the failing statement. Allow redshift-serverless:GetWorkgroup and GetNamespace to have them checked first.',
      );
      return;
    }
    throw apiError(e, { operation: 'GetNamespace', workgroupName: options.workgroupName, database: options.database, region: options.region });
  }
  checkRole(options, namespace);
  await checkDatabase(options, namespace);
}

async function availableWorkgroup(options: PreflightOptions, report: (line: string) => void): Promise<Workgroup> {
  const started = performance.now();
  for (;;) {
    let workgroup: Workgroup | undefined;
    try {
      workgroup = (await options.serverless.send(new GetWorkgroupCommand({ workgroupName: options.workgroupName }))).workgroup;
    } catch (e) {
      if (e instanceof Error && e.name === 'ResourceNotFoundException') {
        throw new ConfigError(
          `There is no Redshift Serverless workgroup "${options.workgroupName}" in ${options.region} (${e.message.replace(/\.$/, '')}). ` +
            'Name the right one with --workgroup (SPARKIFY_WORKGROUP), give the region it is in with --region (SPARKIFY_REGION), ' +
            'or deploy the stack with npx cdk deploy.',
          { cause: e },
        );
      }
      if ((e as { code?: string }).code === 'ECONNREFUSED') {
        throw new ConfigError(
          `Nothing answers at the Redshift Serverless endpoint (${(e as Error).message}). If AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS or ` +
            'AWS_ENDPOINT_URL points at npm run data-api, start it; otherwise unset them to reach AWS.',
          { cause: e },
        );
      }
      // A refusal goes up as it is: preflight() skips the checks rather than stop a run the Data API may allow.
      if (e instanceof Error && DENIED.has(e.name)) throw e;
      throw apiError(e, { operation: 'GetWorkgroup', workgroupName: options.workgroupName, database: options.database, region: options.region });
    }
    const status = workgroup?.status ?? 'UNKNOWN';
    if (status === 'AVAILABLE') return workgroup!;
    const elapsed = performance.now() - started;
    if (!WAIT_FOR.has(status)) {
      throw new ConfigError(
        `The workgroup "${options.workgroupName}" is ${status}, not AVAILABLE, so nothing can run on it. ` +
          (status === 'DELETING' ? 'It is being deleted: deploy the stack again (npx cdk deploy), or name another with --workgroup.' : 'Look at it in the Redshift console.'),
      );
    }
    const wait = options.pollMs ?? 5000;
    if (elapsed + wait > options.timeoutMs) {
      throw new SparkifyError(
        `The workgroup "${options.workgroupName}" was still ${status} after ${Math.round(elapsed / 1000)} s. Run again once it is ` +
          'AVAILABLE (see the Redshift console), or allow longer with --statement-timeout <seconds>.',
      );
    }
    report(`the workgroup "${options.workgroupName}" is ${status}: waiting for it to be AVAILABLE (${Math.round(elapsed / 1000)} s so far)`);
    await abortableSleep(wait, options.signal);
    if (options.signal?.aborted) throw new SparkifyError(`Interrupted while waiting for the workgroup "${options.workgroupName}".`, 130);
  }
}

/** The role ARNs a namespace has attached: GetNamespace gives them as "IamRole(applyStatus=…, iamRoleArn=…)", keys in either order, or bare. */
export function attachedRoles(namespace: Namespace): string[] {
  return (namespace.iamRoles ?? []).map((text) => /iamRoleArn=([^,)\s]+)/.exec(text)?.[1] ?? text.trim());
}

function checkRole(options: PreflightOptions, namespace: Namespace): void {
  const name = namespace.namespaceName ?? 'of the workgroup';
  const roles = attachedRoles(namespace);
  const attached = roles.length > 0 ? `It has ${roles.join(', ')} attached.` : 'It has no role attached.';
  if (options.iamRole === 'default') {
    if (namespace.defaultIamRoleArn) return;
    throw new ConfigError(
      `COPY uses IAM_ROLE default, but the namespace ${name} has no default IAM role. ${attached} Set SPARKIFY_IAM_ROLE to an ` +
        'attached role ARN (the stack\'s RoleArn output), or make one the default: npx cdk deploy does both.',
    );
  }
  if (roles.includes(options.iamRole)) return;
  throw new ConfigError(
    `COPY names the IAM role ${options.iamRole} (SPARKIFY_IAM_ROLE, or RoleArn in cdk-outputs.json), but the namespace ${name} does ` +
      `not have it attached, so COPY could not use it. ${attached} Set SPARKIFY_IAM_ROLE to an attached role (or "default"), or ` +
      'attach the role to the namespace (npx cdk deploy attaches the stack\'s own).',
  );
}

async function checkDatabase(options: PreflightOptions, namespace: Namespace): Promise<void> {
  const home = namespace.dbName ?? 'dev';
  if (options.database === home) return;
  const databases: string[] = [];
  let token: string | undefined;
  do {
    const page = await options.data
      .send(new ListDatabasesCommand({ WorkgroupName: options.workgroupName, Database: home, SecretArn: options.secretArn, NextToken: token }))
      .catch((e: unknown) => {
        throw apiError(e, { operation: 'ListDatabases', workgroupName: options.workgroupName, database: home, region: options.region });
      });
    databases.push(...(page.Databases ?? []));
    token = page.NextToken;
  } while (token);
  if (databases.includes(options.database)) return;
  throw new ConfigError(
    `There is no database "${options.database}" in the workgroup "${options.workgroupName}" (it has ${databases.join(', ') || home}). ` +
      'Give one of those with --database (SPARKIFY_DATABASE; the stack\'s is DatabaseName in cdk-outputs.json).',
  );
}

/**
 * The preflight for the ETL's settings, with clients of its own for the target's region (or the SDK's
 * chain); the SDK reads AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS (or AWS_ENDPOINT_URL) itself.
 */
export async function preflightTarget(
  target: RedshiftTarget,
  sources: SourceSettings,
  options: Pick<PreflightOptions, 'onProgress' | 'signal'> = {},
): Promise<void> {
  quietNodeVersionNotice(); // before the first client is built, which is when the SDK reads it
  const serverless = new RedshiftServerlessClient({ region: target.region, maxAttempts: 3 });
  const data = createClient(target.region);
  try {
    await preflight({
      workgroupName: target.workgroupName,
      database: target.database,
      region: target.region ?? "the region from the AWS SDK's settings",
      iamRole: sources.iamRole,
      secretArn: target.secretArn,
      serverless,
      data,
      timeoutMs: target.statementTimeoutMs,
      ...options,
    });
  } finally {
    serverless.destroy();
    data.destroy();
  }
}
