/**
 * Which browser the browser tests use, and whether they run (test/helpers/chromium.ts): found as users have it
 * (CHROMIUM_PATH or CHROME_PATH, else the usual names on PATH) and decided by launching it. Fake browsers (shell
 * scripts) stand in for Chromium here, so this needs none.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithChromium, findBrowser } from '../helpers/chromium';

const dir = mkdtempSync(join(tmpdir(), 'sparkify-browsers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function script(path: string, body: string, mode = 0o755): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}
/** Prints the blank page, as `chromium --headless --dump-dom about:blank` does. */
const working = script(join(dir, 'working-browser'), 'echo "<html><head></head><body></body></html>"');
const notExecutable = script(join(dir, 'not-executable'), 'exit 0', 0o644);
const broken = script(join(dir, 'broken-browser'), 'echo "chromium: error while loading shared libraries: libnss3.so" >&2; exit 127');
const onPath = join(dir, 'bin');
mkdirSync(onPath);
script(join(onPath, 'chromium-browser'), 'echo "<html><head></head><body></body></html>"');

// A browser test on a machine whose browser exists but cannot run: skipped, with the notice saying why.
const notices: string[] = [];
const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => notices.push(String(chunk)) > 0);
describeWithChromium(
  'a browser test whose browser cannot run',
  () => {
    test('is never run', () => {
      throw new Error('ran without a browser');
    });
  },
  { PATH: onPath, CHROMIUM_PATH: notExecutable },
);
write.mockRestore();

test('a browser that cannot run skips its tests, and the notice says why', () => {
  expect(notices.join('')).toContain(`NOTICE: skipping "a browser test whose browser cannot run": ${notExecutable} (from CHROMIUM_PATH) cannot be run (EACCES).`);
});

test('the browser a variable names is launched, and used only if it runs', () => {
  expect(findBrowser({ PATH: '', CHROMIUM_PATH: working })).toEqual({ runs: true, path: working });
  expect(findBrowser({ PATH: '', CHROME_PATH: working })).toEqual({ runs: true, path: working });
  expect(findBrowser({ PATH: onPath, CHROMIUM_PATH: broken })).toEqual({
    runs: false,
    why: `${broken} (from CHROMIUM_PATH) exited with code 127 when launched headless: chromium: error while loading shared libraries: libnss3.so`,
  });
});

test('without a variable, the usual names are looked for on PATH, in its order', () => {
  expect(findBrowser({ PATH: ['/nonexistent', dir, onPath].join(':') })).toEqual({ runs: true, path: join(onPath, 'chromium-browser') });
  expect(findBrowser({ PATH: '/nonexistent' })).toEqual({
    runs: false,
    why: 'no browser found: CHROMIUM_PATH and CHROME_PATH are unset, and none of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome is on PATH',
  });
});
