/**
 * Ctrl-C and `kill` for commands that work on the local warehouse. PGlite runs each statement to its end
 * without returning to the event loop, so a signal cannot stop a statement midway; instead the first
 * SIGINT or SIGTERM is recorded here, and the warehouse refuses to start the next statement
 * (`checkpoint`): the open transaction rolls back, the warehouse closes cleanly, and the command
 * says what state the tables are in and exits 130.
 *
 * PGlite on disk answers every call without real I/O, so a whole run can go by in one chain of resolved
 * promises that never lets the event loop handle a signal (a SIGINT was ignored until the run ended). So
 * `checkpoint` first yields to the event loop, once per statement, which costs microseconds.
 *
 * While a statement runs, the main thread handles no signal at all: a statement of a large load takes tens
 * of seconds, during which Ctrl-C would say nothing and a second Ctrl-C could not quit. So a small watchdog
 * thread (a worker, whose own event loop stays free) also watches SIGINT and SIGTERM: at the first it says at
 * once that the command stops after the running statement and that a second Ctrl-C quits; at a later one it
 * ends the process at once with exit code 130, interrupting the running statement through the inspector
 * (which V8 serves even while WebAssembly runs). The folder is then left as a kill leaves it, and the next
 * command recovers it (data-folder.ts's recoverAfter): Postgres replays its log, and the unfinished
 * transaction is rolled back and its files removed.
 *
 * Ctrl-C reaches every process of the terminal's foreground group (npm, its shell, node), and npm passes
 * it on again: one key press can arrive twice within milliseconds, which counts as one.
 */
import { closeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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

/** What the first signal says, and what a second one does. */
const FIRST = (signal: string) =>
  `\nInterrupted (${signal}): stopping after the statement running now. Press Ctrl-C again to quit at once (the next command recovers the warehouse folder).\n`;
const AGAIN = (signal: string) => `\nInterrupted again (${signal}): quitting now; the next command recovers the warehouse folder.\n`;
/** Signals closer together than this are one key press delivered twice (npm passes Ctrl-C on). */
const SAME_PRESS_MS = 1000;

/** What the watchdog calls on the main thread, through the inspector, to quit at once. */
const QUIT_NOW = 'sparkify.quitNow';

/**
 * The watchdog thread (see above). It listens for signals on its own event loop through Node's signal
 * binding (process.on delivers no signal to a worker), and quits through an inspector session on the main
 * thread. Plain JavaScript, so it runs without the TypeScript loader.
 */
const WATCHDOG = `
const { writeSync } = require('node:fs');
const { Session } = require('node:inspector');
const { parentPort, workerData } = require('node:worker_threads');
process.noDeprecation = true; // process.binding: no public API gives a worker its signals
const { Signal } = process.binding('signal_wrap');
let first;
const names = { 2: 'SIGINT', 15: 'SIGTERM' };
for (const signum of [2, 15]) {
  const handle = new Signal();
  handle.onsignal = () => {
    const now = Date.now();
    if (first === undefined) {
      first = now;
      writeSync(2, workerData.first.replace('%s', names[signum]));
      return;
    }
    if (now - first < workerData.samePressMs) return;
    writeSync(2, workerData.again.replace('%s', names[signum]));
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for(' + JSON.stringify(workerData.quitNow) + ')]()' });
  };
  if (handle.start(signum) !== 0) throw new Error('cannot watch signal ' + signum);
}
parentPort.postMessage('watching');
`;

/** Whether the watchdog thread watches the signals (then it, not the main thread, speaks and quits). */
let watchdog = false;

/** Ends the process now with exit code 130, from whatever the main thread was running. */
function quitNow(): void {
  // Node prints "Waiting for the debugger to disconnect..." when a process with an inspector session exits:
  // the watchdog's session, which is no debugger. Standard error is closed first, so nothing misleads.
  try {
    closeSync(2);
  } catch {
    // closed already
  }
  // Not process.exit: its 'exit' handlers would release the folder's lock, and the next command must see that
  // its owner died, to recover the folder.
  (process as unknown as { reallyExit(code: number): never }).reallyExit(130);
}

/** Starts the watchdog thread; resolves when it watches, false if it cannot (the main thread handles signals alone then). */
function startWatchdog(): Promise<boolean> {
  (globalThis as Record<symbol, unknown>)[Symbol.for(QUIT_NOW)] = quitNow;
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WATCHDOG, {
        eval: true,
        execArgv: [], // not the TypeScript loader the scripts run under: it is plain JavaScript, and starts faster
        workerData: { first: FIRST('%s'), again: AGAIN('%s'), samePressMs: SAME_PRESS_MS, quitNow: QUIT_NOW },
        stdout: true, // the watchdog writes to fd 2 itself; nothing else of it is shown
        stderr: true,
      });
    } catch {
      return resolve(false);
    }
    worker.unref();
    worker.once('message', () => resolve(true));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
}

/**
 * Handles SIGINT and SIGTERM from now on as described above, in place of any SIGINT handler installed
 * before (lib/cli.ts's, which exits at once). Idempotent. The watchdog starts in the background (a few
 * milliseconds); until it watches, the main thread speaks and quits.
 */
export function handleInterrupts(): void {
  if (installed) return;
  installed = true;
  for (const listener of process.listeners('SIGINT')) process.removeListener('SIGINT', listener);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (received === undefined) {
        received = { signal, at: Date.now() };
        if (!watchdog) process.stderr.write(FIRST(signal));
        for (const listener of [...listeners]) listener();
        return;
      }
      // With the watchdog, it quits; without, the main thread does when it gets to the signal.
      if (watchdog || Date.now() - received.at < SAME_PRESS_MS) return;
      process.stderr.write(AGAIN(signal));
      process.exit(130);
    });
  }
  void startWatchdog().then((ok) => {
    watchdog = ok;
  });
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
