/**
 * "Resume with: npm run etl -- …" after a dated run fails or is interrupted. Pasted, the command must load
 * the same source into the same warehouse: it repeats every flag that chose them (a hint without --source and
 * --data-dir would load the bundled sample into the default warehouse, and succeed), quoted for a POSIX shell.
 * Settings that came from the environment or cdk-outputs.json are still there when it is pasted.
 */
import type { Flags } from '../config';

const CHOOSING: readonly (readonly [keyof Flags, string])[] = [
  ['target', '--target'],
  ['source', '--source'],
  ['dataDir', '--data-dir'],
  ['maxErrors', '--max-errors'],
  ['workgroup', '--workgroup'],
  ['database', '--database'],
  ['region', '--region'],
  ['secretArn', '--secret-arn'],
  ['statementTimeout', '--statement-timeout'],
];

/** The choosing flags given, as arguments: `['--source', 'my data', '--data-dir', 'wh']`. */
export function choosingArgs(flags: Flags): string[] {
  return CHOOSING.flatMap(([key, flag]) => (flags[key] === undefined ? [] : [flag, flags[key]!]));
}

/** One argument as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that loads `from` to `to` again, with the run's choosing arguments. */
export function resumeCommand(from: string, to: string, args: readonly string[]): string {
  return etlCommand([...(from === to ? ['--date', from] : ['--from', from, '--to', to]), ...args]);
}

/** `npm run etl -- …` with the given arguments, each quoted for a POSIX shell where it needs it. */
export function etlCommand(args: readonly string[]): string {
  return `npm run etl -- ${args.map(shellQuote).join(' ')}`;
}
