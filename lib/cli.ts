/**
 * What every script shares, so they all behave like the tools their users know (psql, dbt, the AWS CLI):
 * `--help` and `--version`; one error style ("Error: …", one paragraph, no stack trace) and exit codes that
 * mean something; with `--json`, a JSON object on stdout for failures too; progress lines on stderr; paths
 * relative to the folder the command was run in.
 *
 * Exit codes: 0 done; 1 the run failed (bad data, a failed statement or check); 2 bad flags, settings or
 * paths; 130 interrupted (Ctrl-C).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, CommanderError, type Option } from 'commander';
import { SparkifyError, StatementError, TranslationError } from './errors';
import { formatRecords, rowsWord } from './format/result-table';
import type { Progress } from './pipeline/progress';
import type { Row } from './warehouse/warehouse';

export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    the run failed: bad data, a failed statement or data quality check
  2    bad flags, settings or paths
  130  interrupted (Ctrl-C)`;

/** The project's version, as package.json gives it: what `--version` prints. */
export const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A path the user typed, made absolute against the folder they ran the command in. `npm run` starts
 * scripts in the package root and says where the user was in INIT_CWD; run any other way (tsx, node), the
 * process's own folder is the user's.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env['npm_lifecycle_event'] !== undefined && env['INIT_CWD'] ? env['INIT_CWD'] : process.cwd();
  return resolve(base, path);
}

/** What a failure looks like with --json: the kind of error, its message, the step it stopped, the exit code. */
export interface ErrorDocument {
  readonly ok: false;
  readonly error: {
    /** ConfigError, LoadError, StatementError, QualityCheckError, TranslationError, UsageError, Interrupted, InternalError… */
    readonly kind: string;
    readonly message: string;
    /** The pipeline step that failed, where there is one. */
    readonly step?: string;
    readonly exitCode: number;
  };
}

/**
 * Parses argv with the program and runs `main`, turning every failure into a message and an exit code (and,
 * with --json, a JSON object on stdout). Adds `-V, --version` and the exit codes to the help.
 */
/**
 * An option's help, its default written as every description here writes one, "(default 10)", and once: a
 * description that already says its default (in words commander's "(default: "10")" cannot give) keeps them.
 */
function optionDescription(option: Option): string {
  const takesValue = option.required || option.optional;
  if (option.defaultValue === undefined || !takesValue || /\(default\b/.test(option.description)) return option.description;
  return `${option.description} (default ${option.defaultValueDescription ?? String(option.defaultValue)})`;
}

export async function runCli(program: Command, main: () => Promise<void>, argv = process.argv): Promise<void> {
  // A reader that stops early (npm run etl -- --help | head) closes the pipe: that is no error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  const wantsJson = () => (program.opts()['json'] === true) || argv.slice(2).includes('--json');
  program
    .version(VERSION, '-V, --version', 'print the version and exit')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      // Commander's own errors ("error: unknown option") in the one style every message here has.
      outputError: (text, write) => write(text.replace(/^error: /, 'Error: ')),
    })
    .configureHelp({ optionDescription })
    .addHelpText('after', EXIT_CODES_HELP);
  try {
    program.parse(argv);
  } catch (e) {
    // Commander has already printed the message (or the help, or the version).
    const code = e instanceof CommanderError ? e.code : '';
    const ok = code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help';
    process.exitCode = ok ? 0 : 2;
    if (!ok && wantsJson()) writeErrorDocument('UsageError', (e as Error).message.replace(/^error: /, ''), 2);
    return;
  }
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted.\n');
    if (wantsJson()) writeErrorDocument('Interrupted', 'Interrupted (Ctrl-C).', 130);
    process.exit(130);
  });
  try {
    await main();
  } catch (e) {
    process.exitCode = reportError(e, { json: wantsJson() });
  }
}

/** Prints an error for a person (and, with `json`, as a JSON object on stdout); returns the exit code it means. */
export function reportError(e: unknown, options: { json?: boolean } = {}): number {
  if (e instanceof SparkifyError) {
    process.stderr.write(`Error: ${e.message}\n${e instanceof StatementError || e instanceof TranslationError ? caretExcerpt(e) : ''}`);
    if (options.json) writeErrorDocument(e.name, e.message, e.exitCode, e.step);
    return e.exitCode;
  }
  // Not one of ours: a bug, so the stack is what a maintainer needs.
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`Error (unexpected; please report it): ${text}\n`);
  if (options.json) writeErrorDocument('InternalError', e instanceof Error ? e.message : String(e), 1);
  return 1;
}

function writeErrorDocument(kind: string, message: string, exitCode: number, step?: string): void {
  const document: ErrorDocument = { ok: false, error: { kind, message, ...(step === undefined ? {} : { step }), exitCode } };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/**
 * Where in its statement an error is, as psql shows it: the line, and a caret under the position.
 *
 *   LINE 2: FORM users
 *           ^
 */
export function caretExcerpt(e: { readonly sql?: string; readonly position?: number }): string {
  const { sql, position } = e;
  if (position === undefined || sql === undefined) return '';
  const at = Math.min(Math.max(position - 1, 0), sql.length);
  const lineStart = sql.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = sql.indexOf('\n', at) < 0 ? sql.length : sql.indexOf('\n', at);
  const lineNumber = sql.slice(0, at).split('\n').length;
  let text = sql.slice(lineStart, lineEnd).replace(/\t/g, ' ');
  let column = at - lineStart;
  // A long line is cut to the stretch around the position.
  if (text.length > 100) {
    const from = Math.max(0, column - 50);
    text = `${from > 0 ? '...' : ''}${text.slice(from, from + 100)}${from + 100 < text.length ? '...' : ''}`;
    column = column - from + (from > 0 ? 3 : 0);
  }
  const label = `LINE ${lineNumber}: `;
  return `${label}${text}\n${' '.repeat(label.length + column)}^\n`;
}

/** Progress lines on stderr: each step as it starts and ends, with rows and time; a failed step is marked so. */
export function consoleProgress(): Progress {
  const tty = process.stderr.isTTY;
  const clear = tty ? '\x1b[2K' : '';
  return {
    start(step) {
      if (tty) process.stderr.write(`  … ${step}\r`);
    },
    done({ step, ms, rows, detail }) {
      const parts = [rows === undefined ? '' : rowsWord(rows), detail ?? '', formatMs(ms)].filter(Boolean);
      process.stderr.write(`${clear}  ✔ ${step.padEnd(26)} ${parts.join('  ')}\n`);
    },
    failed({ step, ms, detail }) {
      process.stderr.write(`${clear}  ✘ ${step.padEnd(26)} ${[detail ?? 'failed', formatMs(ms)].join('  ')}\n`);
    },
    warn(message) {
      process.stderr.write(`${clear}  ! ${message}\n`);
    },
  };
}

/**
 * A count as people write it: 8056, 8,056, 100k, 2.5m (k = thousand, m = million); NaN for anything else, so
 * the caller names its flag in the error.
 */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim().replace(/,/g, ''));
  if (m === null) return NaN;
  // Scaled in integers (2.5 × 1e6 in floating point is exact, 1.001 × 1e3 is not).
  const [whole, fraction = ''] = m[1]!.split('.');
  const digits = { k: 3, m: 6 }[m[2]!.toLowerCase() as 'k' | 'm'] ?? 0;
  if (fraction.replace(/0+$/, '').length > digits) return NaN; // 1.5 events, 1.0005k
  return Number(`${whole}${fraction.padEnd(digits, '0')}`);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Rows as a table for the terminal (psql's aligned format); NULL shown as such. */
export function formatTable(rows: readonly Row[], columns?: readonly string[]): string {
  return formatRecords(rows, columns);
}

/** Peak resident memory of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
