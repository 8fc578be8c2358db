/**
 * `npx cdk synth` through the CLI the project pins, as a user runs it on a fresh clone: no AWS credentials,
 * no network. This guards the CLI/library pairing too: a CLI that cannot read aws-cdk-lib's cloud
 * assembly fails here with "Cloud assembly schema version mismatch".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

test('cdk synth succeeds with no AWS credentials and writes the stack template', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-cli-'));
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', outdir, '--no-notices', '--no-version-reporting'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...env, AWS_EC2_METADATA_DISABLED: 'true' },
      timeout: 180_000,
    });
    expect(run.stderr).not.toMatch(/schema version mismatch/i);
    // cdk.json sets every flag aws-cdk-lib recommends; without them the CLI says "85 feature flags are not configured".
    expect(run.stderr).not.toMatch(/feature flags are not configured/);
    expect(run.status).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'SparkifyWarehouse.template.json'), 'utf8'));
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toEqual(
      expect.arrayContaining(['AWS::RedshiftServerless::Namespace', 'AWS::RedshiftServerless::Workgroup', 'AWS::IAM::Role', 'AWS::EC2::VPC', 'AWS::Scheduler::Schedule']),
    );
    // The scheduled loader's bundle was built here, by the project's esbuild: never in a Docker container.
    expect(run.stderr).not.toMatch(/docker/i);
    const loader = Object.values(template.Resources as Record<string, { Type: string; Properties: { Description?: string; Code?: { S3Key: string } } }>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description?.startsWith('Sparkify warehouse: loads what is new'),
    );
    const assets = JSON.parse(readFileSync(join(outdir, 'SparkifyWarehouse.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
    };
    const asset = Object.values(assets.files).find((f) => Object.values(f.destinations).some((d) => d.objectKey === loader?.Properties.Code?.S3Key));
    expect(readdirSync(join(outdir, asset!.source.path)).sort()).toEqual(['index.js', 'index.meta.json', 'sql']);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test("cdk.json sets every feature flag aws-cdk-lib recommends, at the recommended value", () => {
  const recommended = JSON.parse(readFileSync(join(ROOT, 'node_modules/aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
  const { context } = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
  expect(Object.keys(recommended).length).toBeGreaterThan(80);
  expect(context).toMatchObject(recommended);
  // Among them the flag that strips the VPC's default security group of its rules.
  expect(context['@aws-cdk/aws-ec2:restrictDefaultSecurityGroup']).toBe(true);
});
