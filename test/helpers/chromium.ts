/**
 * Tests that need a browser find it as its users have it: the path in CHROMIUM_PATH or CHROME_PATH, else the
 * first of the usual names on PATH (Debian's chromium, which .ci/run installs, is /usr/bin/chromium). Whether
 * they run is decided by launching it (headless, printing a blank page), not by a file being there: a browser
 * that exists but cannot run (not executable, missing libraries) is skipped like a missing one, and the notice
 * says why, where the person running the tests sees it. Under CI=true nothing is skipped: a browser that is
 * missing or does not run fails them, so CI can never skip them silently.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Variables naming the browser, in the order they are read. */
export const BROWSER_VARIABLES = ['CHROMIUM_PATH', 'CHROME_PATH'] as const;
/** Names looked for on PATH, in order. */
export const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'] as const;
/** Flags for a headless launch with no sandbox (tests run as root in containers) and nothing fetched. */
export const HEADLESS_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** A cold start of Chromium on a busy two-core machine takes seconds; this is far beyond it. */
const LAUNCH_TIMEOUT_MS = 60_000;

export type Browser = { readonly runs: true; readonly path: string } | { readonly runs: false; readonly why: string };

/** The browser these tests would use, and whether it runs. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): Browser {
  for (const variable of BROWSER_VARIABLES) {
    const path = env[variable];
    if (path !== undefined && path !== '') return launches(path, `${path} (from ${variable})`);
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) {
      const path = join(dir, name);
      if (isFile(path)) return launches(path, path);
    }
  }
  return {
    runs: false,
    why: `no browser found: ${BROWSER_VARIABLES.join(' and ')} are unset, and none of ${BROWSER_NAMES.join(', ')} is on PATH`,
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Launches the browser headless on a blank page: it runs if it prints the page and exits 0. */
function launches(path: string, named: string): Browser {
  try {
    accessSync(path, constants.X_OK);
  } catch (e) {
    return { runs: false, why: `${named} cannot be run (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const run = spawnSync(path, [...HEADLESS_ARGS, '--dump-dom', 'about:blank'], { encoding: 'utf8', timeout: LAUNCH_TIMEOUT_MS });
  if (run.error !== undefined) return { runs: false, why: `${named} did not start (${run.error.message})` };
  if (run.status === 0 && run.stdout.includes('<html')) return { runs: true, path };
  const said = run.stderr.split('\n').find((line) => line.trim() !== '')?.trim();
  const how = run.signal !== null ? `was stopped by ${run.signal}` : `exited with code ${run.status}`;
  return { runs: false, why: `${named} ${how} when launched headless${said ? `: ${said}` : ''}` };
}

/**
 * `describe` with the browser's path, or `describe.skip` with a notice on stderr saying why when the browser
 * does not run and this is not CI; under CI=true a browser that does not run fails the tests, saying why.
 */
export function describeWithChromium(name: string, body: (browserPath: () => string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const browser = findBrowser(env);
  if (browser.runs || env['CI'] === 'true') {
    describe(name, () => {
      beforeAll(() => {
        if (!browser.runs) throw new Error(`CI=true requires a browser, and ${browser.why}. Install Debian's chromium package (.ci/run does).`);
      });
      body(() => (browser.runs ? browser.path : ''));
    });
    return;
  }
  process.stderr.write(
    `\n  NOTICE: skipping "${name}": ${browser.why}. Install Debian's chromium package, or name a browser in CHROMIUM_PATH, ` +
      'to run it; CI (CI=true) requires it.\n\n',
  );
  describe.skip(name, () => body(() => ''));
}
