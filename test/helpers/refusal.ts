/** Tests of bad input: what a refusal says, after checking it is a ConfigError (exit code 2). */
import { ConfigError } from '../../lib/errors';

/** The message of the ConfigError `f` throws; fails the test if `f` throws anything else, or nothing. */
export function refusalOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('not refused');
}
