/**
 * The scheduled loader's bundle, exactly as `cdk synth` writes it, run under plain node the way Lambda runs it:
 * the app is synthesized (with bundling, by the project's esbuild), the function's asset folder is found from
 * the template and the assets manifest, and its handler is invoked in a child process (run-lambda-bundle.js)
 * with only the environment the template gives the function, what Lambda itself sets, and AWS_ENDPOINT_URL
 * pointing at the local endpoint — which plays the Data API, the Redshift Serverless API and S3 over a copy of
 * data/sample.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DataApiEndpoint } from '../../lib/data-api-endpoint/endpoint';
import { settingsFromContext } from '../../lib/infra/settings';
import { WarehouseStack } from '../../lib/infra/warehouse-stack';
import { DEADLINE_MARGIN_MS } from '../../lib/loader/handler';
import { openTestWarehouse, SAMPLE_DIR, type TestWarehouse } from '../helpers/local-warehouse';

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(__dirname, 'run-lambda-bundle.js');

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
}

export interface SynthesizedLoader {
  /** The asset folder: what Lambda unpacks into /var/task. */
  readonly dir: string;
  /** The function's Handler (file.export). */
  readonly handler: string;
  /** The function's environment, as the template writes it (values may be Ref or Fn::GetAtt). */
  readonly environment: Record<string, unknown>;
  readonly resources: Record<string, Resource>;
  readonly functionId: string;
}

let outdir: string;
let loader: SynthesizedLoader;

/** Synthesizes the app with the settings cdk.json keeps, as `cdk synth` does, bundling included. */
function synthesizeLoader(into: string): SynthesizedLoader {
  const { context } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ outdir: into, context });
  const settings = settingsFromContext((name) => context[name]);
  const stack = new WarehouseStack(app, settings.stackName, { settings });
  // Synth warns (console.error) that without an account the zones are left to Fn::GetAZs: expected here, and
  // the only thing it may print.
  const printed: string[] = [];
  const capture = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  try {
    app.synth();
  } finally {
    capture.mockRestore();
  }
  expect(printed.filter((line) => !/availability zones are left to Fn::GetAZs/.test(line))).toEqual([]);
  const template = JSON.parse(fs.readFileSync(path.join(into, stack.templateFile), 'utf8')) as { Resources: Record<string, Resource> };
  const functionId = stack.getLogicalId(stack.loader.function.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
  const fn = template.Resources[functionId]!;
  // The asset whose upload is the function's Code.S3Key.
  const manifest = JSON.parse(fs.readFileSync(path.join(into, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const asset = Object.values(manifest.files).find((file) => Object.values(file.destinations).some((d) => d.objectKey === fn.Properties['Code'].S3Key));
  expect(asset?.source.packaging).toBe('zip');
  return {
    dir: path.join(into, asset!.source.path),
    handler: fn.Properties['Handler'],
    environment: fn.Properties['Environment'].Variables,
    resources: template.Resources,
    functionId,
  };
}

/**
 * One invocation of the bundle in a child process; its output lines, and what Lambda would report. Asynchronous:
 * the local endpoint answering the function runs in this process.
 */
export async function invoke(bundle: SynthesizedLoader, env: Record<string, string>, remainingMs: number) {
  const child = spawn(process.execPath, [RUNNER, bundle.dir, bundle.handler, '{}', String(remainingMs)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = stdout.split('\n');
  const last = lines.find((line) => line.startsWith('RESULT ') || line.startsWith('ERROR '));
  return {
    status,
    stdout,
    stderr,
    result: last?.startsWith('RESULT ') ? JSON.parse(last.slice(7)) : undefined,
    error: last?.startsWith('ERROR ') ? (JSON.parse(last.slice(6)) as { errorType: string; errorMessage: string }) : undefined,
    /** The Embedded Metric Format documents it printed. */
    metrics: lines.filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** What Lambda sets in every function's environment (the dummies stand for the role's session). */
function lambdaEnvironment(functionName: string): Record<string, string> {
  return {
    AWS_REGION: 'us-west-2',
    AWS_DEFAULT_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'ASIALOADERTEST',
    AWS_SECRET_ACCESS_KEY: 'loader-secret',
    AWS_SESSION_TOKEN: 'loader-session',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
}

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-bundle-'));
  loader = synthesizeLoader(outdir);
});
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('the bundle cdk synth writes', () => {
  test('holds the Redshift path and the SQL it reads: no PGlite, no pg, no local warehouse, no CLI, no analytics', () => {
    expect(fs.readdirSync(loader.dir).sort()).toEqual(['index.js', 'index.meta.json', 'sql']);
    expect(loader.handler).toBe('index.handler');
    // esbuild's own list of every file it put in the bundle.
    const inputs = Object.keys((JSON.parse(fs.readFileSync(path.join(loader.dir, 'index.meta.json'), 'utf8')) as { inputs: object }).inputs);
    expect(inputs).toContain('lib/loader/handler.ts');
    expect(inputs).toContain('lib/warehouse/redshift/redshift-warehouse.ts');
    expect(inputs.filter((input) => /@electric-sql\/pglite|node_modules\/pg(-[a-z]+)?\/|node_modules\/commander\/|lib\/cli\.ts|lib\/postgres-endpoint\/|lib\/data-api-endpoint\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => input.startsWith('lib/warehouse/local/'))).toEqual([]);
    // And the code itself names neither.
    const code = fs.readFileSync(path.join(loader.dir, 'index.js'), 'utf8');
    expect(code).not.toMatch(/PGlite|pglite/);
    // The SQL the pipeline reads, as sql-files.ts finds it beside index.js; the analysts' questions stay out.
    expect(fs.readdirSync(path.join(loader.dir, 'sql')).sort()).toEqual(['checks', 'incremental', 'ledger', 'marts', 'staging']);
    for (const folder of ['checks', 'incremental', 'ledger', 'marts', 'staging']) {
      expect(fs.readdirSync(path.join(loader.dir, 'sql', folder)).sort()).toEqual(fs.readdirSync(path.join(ROOT, 'sql', folder)).sort());
    }
  });

  test('without its settings, the handler fails with one readable message, and counts the failure', async () => {
    const run = await invoke(loader, lambdaEnvironment('sparkify-loader'), 900_000);
    expect(run.status).toBe(1);
    expect(run.error?.errorType).toBe('ConfigError');
    expect(run.error?.errorMessage).toMatch(/^The loader's settings are not valid: .*SPARKIFY_WORKGROUP/);
    expect(run.metrics).toHaveLength(1);
    expect(run.metrics[0]).toMatchObject({ FunctionName: 'sparkify-loader', RunsSucceeded: 0, FirstLoadRefused: 0 });
  });
});

/**
 * The template's value of an environment variable, as the deployed function would see it: a Ref to the
 * workgroup is its name, a Ref to the bucket a bucket name, a role's Arn an ARN. Anything else fails the test,
 * so a new variable is resolved here on purpose.
 */
function resolveValue(value: unknown, resources: Record<string, Resource>): string {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  if (ref !== undefined && resources[ref]?.Type === 'AWS::RedshiftServerless::Workgroup') return resources[ref]!.Properties['WorkgroupName'];
  if (ref !== undefined && resources[ref]?.Type === 'AWS::S3::Bucket') return ref.toLowerCase();
  const [id, attribute] = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
  if (id !== undefined && resources[id]?.Type === 'AWS::IAM::Role' && attribute === 'Arn') return `arn:aws:iam::123456789012:role/${id}`;
  throw new Error(`The test cannot resolve ${JSON.stringify(value)}: teach resolveValue what the deployed function would see.`);
}

describe('invoked as Lambda invokes it, against the local endpoint', () => {
  let source: string;
  let db: TestWarehouse;
  let endpoint: DataApiEndpoint;
  let env: Record<string, string>;
  const songplays = async () => Number((await db.warehouse.query<{ n: number }>('SELECT COUNT(*) AS n FROM songplays'))[0]!.n);
  /** Drops the last NextSong record of a day's log file: a changed file, with one play fewer. */
  const dropOnePlay = (day: string) => {
    const file = path.join(source, 'log_data', '2018', '11', `${day}-events.json`);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const last = lines.map((line, i) => [line, i] as const).filter(([line]) => line.includes('"page":"NextSong"')).pop()![1];
    fs.writeFileSync(file, lines.filter((_, i) => i !== last).join('\n'));
  };

  beforeAll(async () => {
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-source-'));
    fs.cpSync(SAMPLE_DIR, source, { recursive: true });
    const environment = Object.fromEntries(Object.entries(loader.environment).map(([name, value]) => [name, resolveValue(value, loader.resources)]));
    db = await openTestWarehouse({ 'udacity-dend': source });
    // The endpoint answers for the template's workgroup and database, and serves the source bucket from the copy.
    endpoint = await DataApiEndpoint.start({
      warehouse: db.warehouse,
      workgroupName: environment['SPARKIFY_WORKGROUP'],
      database: environment['SPARKIFY_DATABASE'],
      s3: { folders: { 'udacity-dend': source } },
    });
    env = { ...environment, ...lambdaEnvironment('SparkifyWarehouse-LoaderFunction'), AWS_ENDPOINT_URL: endpoint.url };
  });
  afterAll(async () => {
    await endpoint?.close();
    await db?.dispose();
    fs.rmSync(source, { recursive: true, force: true });
  });

  test('refuses a first load it has no time for; loads the sample, then nothing new, then a changed day; with too little time for a day, publishes nothing and says why', async () => {
    // 0. An empty warehouse, and a minute: its first load (estimated from the source's size) is not started,
    //    and the result and the metric behind the alarm say what to do.
    const refused = await invoke(loader, env, DEADLINE_MARGIN_MS + 60_000);
    expect([refused.status, refused.error]).toEqual([0, undefined]);
    expect(refused.result).toMatchObject({ ok: false, status: 'failed', stopped: 'first-load', published: [] });
    expect(refused.result.remaining).toHaveLength(30);
    expect(refused.result.message).toMatch(/run npm run stage .*or load once from the CLI/);
    expect(refused.metrics).toEqual([expect.objectContaining({ RunsSucceeded: 0, FirstLoadRefused: 1, DaysRemaining: 30 })]);

    // 1. The same empty warehouse with the function's 15 minutes: the first load, the catalogue and every day.
    const first = await invoke(loader, env, 900_000);
    expect([first.status, first.error, first.stderr]).toEqual([0, undefined, expect.any(String)]);
    expect(first.result).toMatchObject({ ok: true, status: 'succeeded', firstLoad: true, remaining: [] });
    expect(first.result.published).toHaveLength(30);
    expect(await songplays()).toBe(6820);
    expect(first.metrics).toEqual([expect.objectContaining({ FunctionName: 'SparkifyWarehouse-LoaderFunction', RunsSucceeded: 1, FirstLoadRefused: 0, DaysRemaining: 0 })]);

    // 2. Nothing new: a success that says so, and its row in etl_runs.
    const second = await invoke(loader, env, 900_000);
    expect(second.result).toMatchObject({ ok: true, status: 'succeeded', published: [], remaining: [] });
    expect(second.result.message).toMatch(/^Nothing new/);
    expect(second.metrics[0]).toMatchObject({ RunsSucceeded: 1 });

    // 3. A day file changed (its size and ETag): that day is loaded again, and only that day.
    dropOnePlay('2018-11-05');
    const third = await invoke(loader, env, 900_000);
    expect(third.result).toMatchObject({ ok: true, published: ['2018-11-05'], remaining: [] });
    expect(await songplays()).toBe(6819);

    // 4. Another day changed, but the invocation has too little time left for one day: nothing is published,
    //    the result says why and what is left, and the run counts as no success.
    dropOnePlay('2018-11-06');
    const fourth = await invoke(loader, env, DEADLINE_MARGIN_MS + 1000);
    expect(fourth.status).toBe(0);
    expect(fourth.result).toMatchObject({ ok: false, published: [], remaining: ['2018-11-06'], stopped: 'budget' });
    expect(fourth.result.reason).toMatch(/2018-11-06/);
    expect(fourth.metrics[0]).toMatchObject({ RunsSucceeded: 0, DaysRemaining: 1 });
    expect(await songplays()).toBe(6819);
    const runs = await db.warehouse.query<{ status: string }>('SELECT status FROM etl_runs ORDER BY started_at');
    expect(runs.map((r) => r.status)).toEqual(['failed', 'succeeded', 'succeeded', 'succeeded', 'failed']);
  });
});
