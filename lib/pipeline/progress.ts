/** How the pipeline tells its caller what it is doing; the scripts print it, tests collect it. */

export interface StepResult {
  readonly step: string;
  readonly ms: number;
  /** Rows the step produced (loaded, built), where that means something. */
  readonly rows?: number;
  /** Anything else worth a word: files read, tables built; for a failed step, what failed. */
  readonly detail?: string;
}

export interface Progress {
  /** A step begins. */
  start(step: string): void;
  /** A step ended well. */
  done(result: StepResult): void;
  /** A step failed: the error that says why follows. */
  failed?(result: StepResult): void;
  /** Something the user must know about though the run goes on (rows rejected under MAXERROR, a warning test). */
  warn(message: string): void;
}

export const silentProgress: Progress = { start() {}, done() {}, failed() {}, warn() {} };
