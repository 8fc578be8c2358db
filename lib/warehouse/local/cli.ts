/** What the scripts share for the local target: waiting for a data folder another process owns. */
import type { Command } from 'commander';
import { ConfigError } from '../../errors';
import { DEFAULT_WAIT_S, type WaitOptions } from './data-folder';

/** Adds --wait and --no-wait; `waitOptions` reads them. */
export function addWaitOptions(command: Command): Command {
  return command
    .option('--wait <seconds>', `while another command owns the local warehouse, wait this long for it (default ${DEFAULT_WAIT_S})`)
    .option('--no-wait', 'fail at once (exit 2) if another command owns the local warehouse');
}

/** The wait the flags ask for; progress lines on stderr unless `quiet`. */
export function waitOptions(flags: { readonly wait?: string | boolean }, quiet = false): WaitOptions {
  const onWaiting = quiet ? undefined : (line: string) => process.stderr.write(`… ${line}\n`);
  if (flags.wait === false) return { timeoutMs: 0, onWaiting };
  if (flags.wait === undefined || flags.wait === true) return { timeoutMs: DEFAULT_WAIT_S * 1000, onWaiting };
  const seconds = Number(flags.wait);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86400) {
    throw new ConfigError(`--wait must be a number of seconds from 0 to 86400; got ${JSON.stringify(flags.wait)}.`);
  }
  return { timeoutMs: Math.round(seconds * 1000), onWaiting };
}
