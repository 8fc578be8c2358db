import { QualityCheckError, SparkifyError } from '../errors';

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

/** A step runner that times each step and tells the progress. */
export function stepper(progress: Progress, steps: StepResult[]) {
  return async <T>(name: string, work: () => Promise<T>, describe: (r: T) => Omit<StepResult, 'step' | 'ms'> = () => ({})) => {
    progress.start(name);
    const t0 = performance.now();
    let value: T;
    try {
      value = await work();
    } catch (e) {
      // The step is named on the error (for --json) and marked failed, never ticked off.
      if (e instanceof SparkifyError) e.step ??= name;
      progress.failed?.({ step: name, ms: Math.round(performance.now() - t0), detail: e instanceof QualityCheckError ? 'tests failed' : 'failed' });
      throw e;
    }
    const result: StepResult = { step: name, ms: Math.round(performance.now() - t0), ...describe(value) };
    steps.push(result);
    progress.done(result);
    return value;
  };
}
