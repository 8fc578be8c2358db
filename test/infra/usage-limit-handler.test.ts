import {
  CreateUsageLimitCommand,
  DeleteUsageLimitCommand,
  ListUsageLimitsCommand,
  RedshiftServerlessClient,
  ResourceNotFoundException,
  UpdateUsageLimitCommand,
} from '@aws-sdk/client-redshift-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { NOT_CREATED, UsageLimitEvent, UsageLimitProperties, applyUsageLimit, handler } from '../../lib/infra/usage-limit-handler';

const WORKGROUP = 'arn:aws:redshift-serverless:us-west-2:123456789012:workgroup/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
const PROPS: UsageLimitProperties = { WorkgroupArn: WORKGROUP, AmountRpuHours: '120', Period: 'weekly', BreachAction: 'emit-metric' };

const event = (request: Partial<UsageLimitEvent>): UsageLimitEvent => ({
  RequestType: 'Create',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
  StackId: 'arn:aws:cloudformation:us-west-2:123456789012:stack/SparkifyWarehouse/1',
  RequestId: 'request-1',
  LogicalResourceId: 'UsageLimitE695961C',
  ResourceProperties: PROPS,
  ...request,
});

const redshift = mockClient(RedshiftServerlessClient);
const client = new RedshiftServerlessClient({ region: 'us-west-2' });
beforeEach(() => {
  redshift.reset();
  // The workgroup has no usage limit yet unless a test says otherwise.
  redshift.on(ListUsageLimitsCommand).resolves({ usageLimits: [] });
});
const notFound = () => new ResourceNotFoundException({ message: 'The usage limit limit-1 does not exist.', $metadata: {} });

describe('applyUsageLimit', () => {
  test('Create: a serverless-compute limit on the workgroup; its id is the physical id', async () => {
    redshift.on(CreateUsageLimitCommand).resolves({ usageLimit: { usageLimitId: 'limit-1' } });
    await expect(applyUsageLimit(event({}), client)).resolves.toBe('limit-1');
    expect(redshift).toHaveReceivedCommandWith(CreateUsageLimitCommand, {
      resourceArn: WORKGROUP,
      usageType: 'serverless-compute',
      amount: 120,
      period: 'weekly',
      breachAction: 'emit-metric',
    });
  });

  test('Create adopts a limit with the same settings that an earlier attempt made, paging through the list', async () => {
    redshift
      .on(ListUsageLimitsCommand, { nextToken: undefined })
      .resolves({ usageLimits: [{ usageLimitId: 'other', period: 'weekly', amount: 500, breachAction: 'emit-metric' }], nextToken: 'page-2' })
      .on(ListUsageLimitsCommand, { nextToken: 'page-2' })
      .resolves({ usageLimits: [{ usageLimitId: 'daily', period: 'daily', amount: 120, breachAction: 'emit-metric' }, { usageLimitId: 'limit-0', period: 'weekly', amount: 120, breachAction: 'emit-metric' }] });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(applyUsageLimit(event({}), client)).resolves.toBe('limit-0');
    expect(redshift).toHaveReceivedCommandTimes(ListUsageLimitsCommand, 2);
    expect(redshift).toHaveReceivedCommandWith(ListUsageLimitsCommand, { resourceArn: WORKGROUP, usageType: 'serverless-compute', nextToken: 'page-2' });
    expect(redshift).not.toHaveReceivedCommand(CreateUsageLimitCommand);
  });

  test('Create makes a new limit when the workgroup has only limits with other settings', async () => {
    redshift.on(ListUsageLimitsCommand).resolves({ usageLimits: [{ usageLimitId: 'other', period: 'weekly', amount: 500, breachAction: 'emit-metric' }] });
    redshift.on(CreateUsageLimitCommand).resolves({ usageLimit: { usageLimitId: 'limit-1' } });
    await expect(applyUsageLimit(event({}), client)).resolves.toBe('limit-1');
    expect(redshift).toHaveReceivedCommandTimes(CreateUsageLimitCommand, 1);
  });

  test('Update of a limit deleted by hand creates it anew instead of failing (and its rollback would work the same way)', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    redshift.on(UpdateUsageLimitCommand).rejects(notFound());
    redshift.on(CreateUsageLimitCommand).resolves({ usageLimit: { usageLimitId: 'limit-2' } });
    const update = event({ RequestType: 'Update', PhysicalResourceId: 'limit-1', OldResourceProperties: PROPS, ResourceProperties: { ...PROPS, AmountRpuHours: '200' } });
    await expect(applyUsageLimit(update, client)).resolves.toBe('limit-2');
    expect(redshift).toHaveReceivedCommandWith(CreateUsageLimitCommand, { resourceArn: WORKGROUP, amount: 200, period: 'weekly' });
    // The rollback: the old settings on the new id, whose limit exists, update in place.
    redshift.on(UpdateUsageLimitCommand, { usageLimitId: 'limit-2' }).resolves({});
    const rollback = event({ RequestType: 'Update', PhysicalResourceId: 'limit-2', OldResourceProperties: update.ResourceProperties, ResourceProperties: PROPS });
    await expect(applyUsageLimit(rollback, client)).resolves.toBe('limit-2');
  });

  test('Update: any other error fails the request', async () => {
    redshift.on(UpdateUsageLimitCommand).rejects(new Error('ValidationException: amount'));
    const update = event({ RequestType: 'Update', PhysicalResourceId: 'limit-1', OldResourceProperties: PROPS, ResourceProperties: { ...PROPS, AmountRpuHours: '200' } });
    await expect(applyUsageLimit(update, client)).rejects.toThrow('ValidationException: amount');
    expect(redshift).not.toHaveReceivedCommand(CreateUsageLimitCommand);
  });

  test('Update of amount or breach action: UpdateUsageLimit on the same limit', async () => {
    redshift.on(UpdateUsageLimitCommand).resolves({});
    const update = event({ RequestType: 'Update', PhysicalResourceId: 'limit-1', OldResourceProperties: PROPS, ResourceProperties: { ...PROPS, AmountRpuHours: '200', BreachAction: 'deactivate' } });
    await expect(applyUsageLimit(update, client)).resolves.toBe('limit-1');
    expect(redshift).toHaveReceivedCommandWith(UpdateUsageLimitCommand, { usageLimitId: 'limit-1', amount: 200, breachAction: 'deactivate' });
    expect(redshift).not.toHaveReceivedCommand(CreateUsageLimitCommand);
  });

  test('Update of the period (not updatable) or of the workgroup: a new limit, so CloudFormation deletes the old one', async () => {
    redshift.on(CreateUsageLimitCommand).resolves({ usageLimit: { usageLimitId: 'limit-2' } });
    const newPeriod = event({ RequestType: 'Update', PhysicalResourceId: 'limit-1', OldResourceProperties: PROPS, ResourceProperties: { ...PROPS, Period: 'daily' } });
    await expect(applyUsageLimit(newPeriod, client)).resolves.toBe('limit-2');
    expect(redshift).toHaveReceivedCommandWith(CreateUsageLimitCommand, { period: 'daily' });
    expect(redshift).not.toHaveReceivedCommand(UpdateUsageLimitCommand);
  });

  test('Delete: DeleteUsageLimit; a limit already gone, or never created, is not an error', async () => {
    redshift.on(DeleteUsageLimitCommand).resolvesOnce({}).rejectsOnce(notFound());
    await expect(applyUsageLimit(event({ RequestType: 'Delete', PhysicalResourceId: 'limit-1' }), client)).resolves.toBe('limit-1');
    await expect(applyUsageLimit(event({ RequestType: 'Delete', PhysicalResourceId: 'limit-1' }), client)).resolves.toBe('limit-1');
    await expect(applyUsageLimit(event({ RequestType: 'Delete', PhysicalResourceId: NOT_CREATED }), client)).resolves.toBe(NOT_CREATED);
    expect(redshift).toHaveReceivedCommandTimes(DeleteUsageLimitCommand, 2);
  });

  test('Delete: any other error fails the request', async () => {
    redshift.on(DeleteUsageLimitCommand).rejects(new Error('AccessDeniedException'));
    await expect(applyUsageLimit(event({ RequestType: 'Delete', PhysicalResourceId: 'limit-1' }), client)).rejects.toThrow('AccessDeniedException');
  });
});

describe('handler', () => {
  const responses: { url: string; body: Record<string, string>; headers: Record<string, string> }[] = [];
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    responses.length = 0;
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      responses.push({ url: String(url), body: JSON.parse(String(init?.body)), headers: init?.headers as Record<string, string> });
      return new Response(null, { status: 200 });
    });
  });
  afterEach(() => fetchSpy.mockRestore());

  test('reports success with the usage limit id to the pre-signed URL, with no content type', async () => {
    redshift.on(CreateUsageLimitCommand).resolves({ usageLimit: { usageLimitId: 'limit-1' } });
    await handler(event({}));
    expect(responses).toEqual([
      {
        url: 'https://cloudformation-custom-resource-response.example/response',
        headers: { 'content-type': '' },
        body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'limit-1', RequestId: 'request-1', LogicalResourceId: 'UsageLimitE695961C' }),
      },
    ]);
  });

  test('reports a failed Create with the reason, and a physical id the following Delete skips', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    redshift.on(CreateUsageLimitCommand).rejects(new Error('ValidationException: amount too large'));
    await handler(event({}));
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_CREATED, Reason: 'Create failed: ValidationException: amount too large' });
  });
});
