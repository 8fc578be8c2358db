/**
 * The AWS SDK's notice about Node 22 (eight lines on stderr, once per process, when the first client is built
 * under Node 20) is turned off by the SDK's own switch, which it reads when a client is built: every place
 * that builds one must set the switch first. Each case loads the modules afresh (jest.isolateModules), so the
 * SDK has warned nobody yet, with the switch unset and the Node version one the SDK warns about.
 */
import { DEFAULT_SOURCES, type RedshiftTarget } from '../../lib/config';

const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The notices the SDK emitted while `build` ran in a fresh module registry. */
function noticesWhile(build: (load: <T>(path: string) => T) => void): string[] {
  const saved = { switch: process.env[SWITCH], version: process.version };
  delete process.env[SWITCH];
  Object.defineProperty(process, 'version', { value: 'v20.11.0', configurable: true, writable: true });
  const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
  try {
    jest.isolateModules(() => build((path) => require(path)));
    return emitted.mock.calls.map(([warning]) => String(warning)).filter((w) => w.includes('NodeVersionSupportWarning'));
  } finally {
    emitted.mockRestore();
    Object.defineProperty(process, 'version', { value: saved.version, configurable: true, writable: true });
    if (saved.switch === undefined) delete process.env[SWITCH];
    else process.env[SWITCH] = saved.switch;
  }
}

test('the Redshift preflight sets the switch before it builds its first client', async () => {
  const target: RedshiftTarget = {
    kind: 'redshift',
    // A workgroup ARN: the preflight skips its checks, so nothing is sent.
    workgroupName: 'arn:aws:redshift-serverless:us-west-2:123456789012:workgroup/00000000-0000-0000-0000-000000000000',
    database: 'dev',
    region: 'us-west-2',
    statementTimeoutMs: 1000,
  };
  let run: Promise<void> | undefined;
  const notices = noticesWhile((load) => {
    run = load<typeof import('../../lib/warehouse/redshift/preflight')>('../../lib/warehouse/redshift/preflight').preflightTarget(target, DEFAULT_SOURCES);
  });
  await run;
  expect(notices).toEqual([]);
});

test('the stage and the daily listing set it before they build an S3 client', async () => {
  expect(noticesWhile((load) => load<typeof import('../../lib/stage/s3-store')>('../../lib/stage/s3-store').s3Client({ region: 'us-west-2' }).destroy())).toEqual([]);
  let listing: Promise<unknown> | undefined;
  const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const notices = noticesWhile((load) => {
      // Nothing listens on port 9: the listing fails at once, after the client is built.
      listing = load<typeof import('../../lib/pipeline/source-files')>('../../lib/pipeline/source-files').s3Files('us-west-2')('s3://udacity-dend/log_data');
    });
    await expect(listing).rejects.toThrow(/Could not list the files/);
    expect(notices).toEqual([]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('the notice is still there for a client built without the switch: the check above can fail', () => {
  const notices = noticesWhile((load) => new (load<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3').S3Client)({ region: 'us-west-2' }).destroy());
  expect(notices).toHaveLength(1);
});
