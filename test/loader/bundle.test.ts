/**
 * The scheduled loader's bundle, exactly as `cdk synth` writes it, run under plain node the way Lambda runs it:
 * the app is synthesized (with bundling, by the project's esbuild), the function's asset folder is found from
 * the template and the assets manifest, and its handler is invoked in a child process (run-lambda-bundle.js)
 * with only the environment the template gives the function, what Lambda itself sets, and AWS_ENDPOINT_URL
 * pointing at the local endpoint — which plays the Data API, the Redshift Serverless API and S3 over a copy of
 * data/sample.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from '../../lib/infra/settings';
import { WarehouseStack } from '../../lib/infra/warehouse-stack';

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
  app.synth();
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

/** One invocation of the bundle in a child process; its output lines, and what Lambda would report. */
export function invoke(bundle: SynthesizedLoader, env: Record<string, string>, remainingMs: number) {
  const run = spawnSync(process.execPath, [RUNNER, bundle.dir, bundle.handler, '{}', String(remainingMs)], { env, encoding: 'utf8', timeout: 120_000 });
  const lines = run.stdout.split('\n');
  const last = lines.find((line) => line.startsWith('RESULT ') || line.startsWith('ERROR '));
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
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

  test('without its settings, the handler fails with one readable message, and counts the failure', () => {
    const run = invoke(loader, lambdaEnvironment('sparkify-loader'), 900_000);
    expect(run.status).toBe(1);
    expect(run.error?.errorType).toBe('ConfigError');
    expect(run.error?.errorMessage).toMatch(/^The loader's settings are not valid: .*SPARKIFY_WORKGROUP/);
    expect(run.metrics).toHaveLength(1);
    expect(run.metrics[0]).toMatchObject({ FunctionName: 'sparkify-loader', RunsSucceeded: 0, FirstLoadRefused: 0 });
  });
});
