/**
 * Lambda handler of the `Custom::RedshiftServerlessUsageLimit` resource: keeps one Redshift Serverless usage
 * limit (RPU-hours per period, with a breach action) on the workgroup, created, updated and deleted with the
 * stack. CloudFormation has no resource for it (aws-cloudformation/cloudformation-coverage-roadmap#595).
 *
 * Bundled by esbuild at synth (lib/infra/usage-limit.ts); the AWS SDK comes from the Lambda runtime.
 * Lifecycle, with the usage limit's id as the physical id:
 * - Create: CreateUsageLimit.
 * - Update: UpdateUsageLimit when only the amount or breach action changes; a new period or a new workgroup
 *   cannot be updated ("You can't update the usage type or period of a usage limit"), so a new limit is
 *   created, and CloudFormation then deletes the old one under its old id.
 * - Delete: DeleteUsageLimit; a limit already gone (deleted with its workgroup, or by hand) counts as deleted.
 */
import {
  CreateUsageLimitCommand,
  DeleteUsageLimitCommand,
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

/** Applies one request and returns the physical id: the usage limit's id. */
export async function applyUsageLimit(event: UsageLimitEvent, client: Pick<RedshiftServerlessClient, 'send'>): Promise<string> {
  const props = event.ResourceProperties;
  const create = async (): Promise<string> => {
    const { usageLimit } = await client.send(
      new CreateUsageLimitCommand({
        resourceArn: props.WorkgroupArn,
        usageType: 'serverless-compute',
        amount: amountOf(props),
        period: props.Period as 'daily' | 'weekly' | 'monthly',
        breachAction: props.BreachAction as 'log' | 'emit-metric' | 'deactivate',
      }),
    );
    if (!usageLimit?.usageLimitId) throw new Error('CreateUsageLimit returned no usage limit id');
    return usageLimit.usageLimitId;
  };

  switch (event.RequestType) {
    case 'Create':
      return create();
    case 'Update': {
      const old = event.OldResourceProperties;
      const id = event.PhysicalResourceId;
      if (!old || !id || id === NOT_CREATED || old.WorkgroupArn !== props.WorkgroupArn || old.Period !== props.Period) return create();
      await client.send(
        new UpdateUsageLimitCommand({
          usageLimitId: id,
          amount: amountOf(props),
          breachAction: props.BreachAction as 'log' | 'emit-metric' | 'deactivate',
        }),
      );
      return id;
    }
    case 'Delete': {
      const id = event.PhysicalResourceId;
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
