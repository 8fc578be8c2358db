/**
 * What every script shares: one-paragraph errors instead of stack traces, exit codes that mean something,
 * progress lines on stderr, and tables on stdout.
 *
 * Exit codes: 0 done; 1 the run failed (bad data, a failed statement or check); 2 bad flags, settings or
 * paths; 130 interrupted (Ctrl-C).
 */
import Table from 'cli-table3';
import { type Command, CommanderError } from 'commander';
import { SparkifyError } from './errors';
import type { Progress } from './pipeline/progress';
import type { Row } from './warehouse/warehouse';

export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    the run failed: bad data, a failed statement or data quality check
  2    bad flags, settings or paths
  130  interrupted (Ctrl-C)`;

/** Parses argv with the program and runs `main`, turning every failure into a message and an exit code. */
export async function runCli(program: Command, main: () => Promise<void>, argv = process.argv): Promise<void> {
  // A reader that stops early (npm run etl -- --help | head) closes the pipe: that is no error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  program.exitOverride().addHelpText('after', EXIT_CODES_HELP);
  try {
    program.parse(argv);
  } catch (e) {
    // Commander has already printed the message (or the help).
    const code = e instanceof CommanderError ? e.code : '';
    process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? 0 : 2;
    return;
  }
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted.\n');
    process.exit(130);
  });
  try {
    await main();
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

/** Prints an error for a person and returns the exit code it means. */
export function reportError(e: unknown): number {
  if (e instanceof SparkifyError) {
    process.stderr.write(`Error: ${e.message}\n`);
    return e.exitCode;
  }
  // Not one of ours: a bug, so the stack is what a maintainer needs.
  process.stderr.write(`Unexpected error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}

/** Progress lines on stderr: each step as it starts and ends, with rows and time. */
export function consoleProgress(): Progress {
  const tty = process.stderr.isTTY;
  return {
    start(step) {
      if (tty) process.stderr.write(`  … ${step}\r`);
    },
    done({ step, ms, rows, detail }) {
      const parts = [rows === undefined ? '' : `${rows.toLocaleString('en-US')} rows`, detail ?? '', formatMs(ms)].filter(Boolean);
      process.stderr.write(`${tty ? '\x1b[2K' : ''}  ✔ ${step.padEnd(26)} ${parts.join('  ')}\n`);
    },
    warn(message) {
      process.stderr.write(`  ! ${message}\n`);
    },
  };
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Rows as a table for the terminal; NULL shown as such so it is never mistaken for an empty string. */
export function formatTable(rows: readonly Row[], columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  const table = new Table({ head: [...columns], style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => (row[c] === null || row[c] === undefined ? 'NULL' : String(row[c]))));
  return table.toString();
}

/** Peak resident memory of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
