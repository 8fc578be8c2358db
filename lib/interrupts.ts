/**
 * Ctrl-C and `kill` for commands that work on the local warehouse. PGlite runs each statement to its end
 * without returning to the event loop, so a signal cannot stop a statement midway; instead the first
 * SIGINT or SIGTERM is recorded here, and the warehouse refuses to start the next statement
 * (`checkpoint`): the open transaction rolls back, the warehouse closes cleanly, and the command
 * says what state the tables are in and exits 130.
 *
 * PGlite on disk answers every call without real I/O, so a whole run can go by in one chain of resolved
 * promises that never lets the event loop handle a signal (a SIGINT was ignored until the run ended). So
 * `checkpoint` first yields to the event loop, once per statement, which costs microseconds. A second signal, later than a moment after the first,
 * exits at once (the next run recovers the folder, as after a crash).
 *
 * Ctrl-C reaches every process of the terminal's foreground group (npm, its shell, node), and npm passes
 * it on again: one key press can arrive twice within milliseconds, which counts as one.
 */
import { SparkifyError } from './errors';

/** The command stopped because it was asked to. Exit code 130. */
export class InterruptedError extends SparkifyError {
  constructor(message: string) {
    super(message, 130);
  }
}

let received: { readonly signal: NodeJS.Signals; readonly at: number } | undefined;
/** The stop has been raised once: what runs after it (a rollback, the run ledger's last word, close) may use the warehouse. */
let raised = false;
/** The work is done (the tables are published): a signal now no longer stops anything. */
let finished = false;
const listeners = new Set<() => void>();
let installed = false;

/**
 * Handles SIGINT and SIGTERM from now on as described above, in place of any SIGINT handler installed
 * before (lib/cli.ts's, which exits at once). Idempotent.
 */
export function handleInterrupts(): void {
  if (installed) return;
  installed = true;
  for (const listener of process.listeners('SIGINT')) process.removeListener('SIGINT', listener);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (received === undefined) {
        received = { signal, at: Date.now() };
        process.stderr.write(`\nInterrupted (${signal}): stopping after the statement running now…\n`);
        for (const listener of [...listeners]) listener();
        return;
      }
      if (Date.now() - received.at < 1000) return;
      process.stderr.write(`\nInterrupted again (${signal}): exiting now; the next run recovers the warehouse folder.\n`);
      process.exit(130);
    });
  }
}

/** The signal received, if any. */
export function interruption(): NodeJS.Signals | undefined {
  return received?.signal;
}

/** Throws InterruptedError if a signal was received; `context` completes the sentence "Interrupted …". */
export function throwIfInterrupted(context = 'before the next statement'): void {
  if (received === undefined || raised || finished) return;
  raised = true;
  throw new InterruptedError(`Interrupted (${received.signal}) ${context}.`);
}

/** Called when the work is done (the new tables published): from now on a signal is noted, not acted on. */
export function finishUninterrupted(): void {
  finished = true;
}

/** Lets the event loop deliver pending signals, then throws InterruptedError if one was received. */
export async function checkpoint(context?: string): Promise<void> {
  await new Promise<void>((resume) => setImmediate(resume));
  throwIfInterrupted(context);
}

/** Calls `listener` on the first signal; returns a function that removes it. */
export function onInterrupt(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
