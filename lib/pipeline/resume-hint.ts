/**
 * "Resume with: npm run etl -- …" after a dated run fails or is interrupted. Pasted, the command must load
 * the same source into the same warehouse: it repeats every flag that chose them (a hint without --source and
 * --data-dir would load the bundled sample into the default warehouse, and succeed), quoted for a POSIX shell.
 * Settings that came from the environment or cdk-outputs.json are still there when it is pasted.
 */

/** The ETL's flags, as commander gives them, that choose the source, the warehouse and the target. */
export interface ChoosingFlags {
  readonly target?: string;
  readonly source?: string;
  readonly dataDir?: string;
  readonly maxErrors?: string;
  readonly workgroup?: string;
  readonly database?: string;
  readonly region?: string;
  readonly secretArn?: string;
  readonly statementTimeout?: string;
}

const CHOOSING: readonly (readonly [keyof ChoosingFlags, string])[] = [
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
export function choosingArgs(flags: ChoosingFlags): string[] {
  return CHOOSING.flatMap(([key, flag]) => (flags[key] === undefined ? [] : [flag, flags[key]!]));
}

/** One argument as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that loads `from` to `to` again, with the run's choosing arguments. */
export function resumeCommand(from: string, to: string, args: readonly string[]): string {
  const days = from === to ? ['--date', from] : ['--from', from, '--to', to];
  return `npm run etl -- ${[...days, ...args].map(shellQuote).join(' ')}`;
}
