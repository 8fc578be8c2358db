/**
 * Tests that need a browser use Debian's chromium (.ci/run installs it). Without it they skip, and say so
 * where the person running the tests sees it — unless CI=true, where a missing browser fails them: CI can
 * never skip them silently.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** `describe`, or `describe.skip` with a notice on stderr when there is no browser and this is not CI. */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM) || process.env['CI'] === 'true') {
    describe(name, () => {
      beforeAll(() => {
        if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and CI=true: install Debian's chromium package (.ci/run does).`);
      });
      body();
    });
    return;
  }
  process.stderr.write(
    `\n  NOTICE: skipping "${name}": ${CHROMIUM} is not installed. Install Debian's chromium package to run it; ` +
      'CI (CI=true) requires it.\n\n',
  );
  describe.skip(name, body);
}
