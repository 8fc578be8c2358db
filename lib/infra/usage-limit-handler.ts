/**
 * Lambda handler of the `Custom::RedshiftServerlessUsageLimit` resource: keeps one Redshift Serverless usage
 * limit (RPU-hours per period, with a breach action) on the workgroup, created, updated and deleted with the
 * stack. CloudFormation has no resource for it (aws-cloudformation/cloudformation-coverage-roadmap#595).
 *
 * Bundled by esbuild at synth (lib/infra/usage-limit.ts); the AWS SDK comes from the Lambda runtime.
 * Lifecycle, with the usage limit's id as the physical id. Every path can be repeated without harm, because
 * CloudFormation may send a request again (a retried invocation, an update rolled back) and a failed step
 * must never leave the stack in UPDATE_ROLLBACK_FAILED:
 * - Create: first page through ListUsageLimits for the workgroup and adopt a limit that already has the
 *   same period, amount and breach action (what an earlier, unanswered attempt of this request created);
 *   only then CreateUsageLimit. A workgroup takes only a few usage limits, so duplicates would use them up.
 * - Update: UpdateUsageLimit when only the amount or breach action changes. A limit that is gone (deleted by
 *   hand, or with a replaced workgroup) is created anew instead of failing, and so is a new period or a new
 *   workgroup ("You can't update the usage type or period of a usage limit"); CloudFormation then deletes the
 *   old id, which Delete tolerates.
 * - Delete: DeleteUsageLimit; a limit already gone (deleted with its workgroup, or by hand) counts as deleted.
 */
import {
  CreateUsageLimitCommand,
  DeleteUsageLimitCommand,
  ListUsageLimitsCommand,
  RedshiftServerlessClient,
  ResourceNotFoundException,
  UpdateUsageLimitCommand,
} from '@aws-sdk/client-redshift-serverless';

/** The resource's properties, as CloudFormation passes them (every value a string). */
export interface UsageLimitProperties {
  readonly WorkgroupArn: string;
  readonly AmountRpuHours: string;
  readonly Period: string;
  readonly BreachAction: string;
}

/** The part of a CloudFormation custom resource request this handler reads. */
export interface UsageLimitEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: UsageLimitProperties;
  readonly OldResourceProperties?: UsageLimitProperties;
}

/** Physical id reported when Create fails, so the Delete CloudFormation sends next knows there is nothing to delete. */
export const NOT_CREATED = 'usage-limit-not-created';

type Client = Pick<RedshiftServerlessClient, 'send'>;

/** Applies one request and returns the physical id: the usage limit's id. */
export async function applyUsageLimit(event: UsageLimitEvent, client: Client): Promise<string> {
  const props = event.ResourceProperties;
  const id = event.PhysicalResourceId;
  switch (event.RequestType) {
    case 'Create':
      return adoptOrCreate(props, client);
    case 'Update': {
      const old = event.OldResourceProperties;
      if (!old || !id || id === NOT_CREATED || old.WorkgroupArn !== props.WorkgroupArn || old.Period !== props.Period) {
        return adoptOrCreate(props, client);
      }
      try {
        await client.send(new UpdateUsageLimitCommand({ usageLimitId: id, amount: amountOf(props), breachAction: breachActionOf(props) }));
        return id;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        console.warn(`Usage limit ${id} no longer exists; creating it anew.`);
        return adoptOrCreate(props, client);
      }
    }
    case 'Delete': {
      if (!id || id === NOT_CREATED) return id ?? NOT_CREATED;
      try {
        await client.send(new DeleteUsageLimitCommand({ usageLimitId: id }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      return id;
    }
  }
}

/** The id of the workgroup's limit with exactly these settings, created if there is none yet. */
async function adoptOrCreate(props: UsageLimitProperties, client: Client): Promise<string> {
  const amount = amountOf(props);
  const breachAction = breachActionOf(props);
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListUsageLimitsCommand({ resourceArn: props.WorkgroupArn, usageType: 'serverless-compute', nextToken }),
    );
    const same = page.usageLimits?.find(
      (limit) => limit.period === props.Period && limit.amount === amount && limit.breachAction === breachAction && limit.usageLimitId,
    );
    if (same?.usageLimitId) {
      console.log(`Adopting usage limit ${same.usageLimitId}, which already has these settings.`);
      return same.usageLimitId;
    }
    nextToken = page.nextToken;
  } while (nextToken);

  const { usageLimit } = await client.send(
    new CreateUsageLimitCommand({
      resourceArn: props.WorkgroupArn,
      usageType: 'serverless-compute',
      amount,
      period: props.Period as 'daily' | 'weekly' | 'monthly',
      breachAction,
    }),
  );
  if (!usageLimit?.usageLimitId) throw new Error('CreateUsageLimit returned no usage limit id');
  return usageLimit.usageLimitId;
}

function breachActionOf(props: UsageLimitProperties): 'log' | 'emit-metric' | 'deactivate' {
  return props.BreachAction as 'log' | 'emit-metric' | 'deactivate';
}

function amountOf(props: UsageLimitProperties): number {
  const amount = Number(props.AmountRpuHours);
  if (!Number.isInteger(amount) || amount <= 0) throw new Error(`AmountRpuHours '${props.AmountRpuHours}' is not a whole number greater than 0`);
  return amount;
}

/** Sends the result to CloudFormation's pre-signed S3 URL, as every custom resource handler must. */
export async function respond(event: UsageLimitEvent, status: 'SUCCESS' | 'FAILED', physicalResourceId: string, reason?: string): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? 'See the function log',
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The URL is signed without a content type, so none may be sent.
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response upload failed: HTTP ${response.status}`);
}

let client: RedshiftServerlessClient | undefined;

/** The Lambda entry point. */
export async function handler(event: UsageLimitEvent): Promise<void> {
  client ??= new RedshiftServerlessClient({});
  try {
    const id = await applyUsageLimit(event, client);
    await respond(event, 'SUCCESS', id);
  } catch (error) {
    console.error(`${event.RequestType} failed:`, error);
    // A failed Create has no limit to point at; a failed Update or Delete keeps the current id.
    await respond(event, 'FAILED', event.PhysicalResourceId ?? NOT_CREATED, `${event.RequestType} failed: ${(error as Error).message}`);
  }
}
