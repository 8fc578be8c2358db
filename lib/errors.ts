/**
 * Errors a user is meant to read. Scripts print `message` as one paragraph (no stack trace) and exit with
 * `exitCode`; anything that is not a `SparkifyError` is a bug and is printed with its stack.
 */
export class SparkifyError extends Error {
  /** The pipeline step that failed, when one did: set as the error leaves the step, for --json error objects. */
  step?: string;

  constructor(
    message: string,
    readonly exitCode: number = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, settings or paths: the user must change what they asked for. Exit code 2. */
export class ConfigError extends SparkifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** SQL the local translator does not understand; names the construct, and where it is when it can. */
export class TranslationError extends SparkifyError {
  /** The statement translated (set by the translator as the error leaves it). */
  sql?: string;
  /** Where in `sql` the construct is (1-based, in characters): shown with a caret. */
  readonly position?: number;

  constructor(message: string, options?: { cause?: unknown; position?: number }) {
    super(message, 1, options);
    if (options?.position !== undefined) this.position = options.position;
  }
}

/** One row a COPY rejected, as `sys_load_error_detail` records it. */
export interface LoadReject {
  /** The object's S3 URI, as Redshift reports it. */
  readonly file: string;
  /** For JSON, the last line of the rejected record. */
  readonly line: number;
  /** The column whose value was rejected; empty when the record itself is unreadable. */
  readonly column: string;
  readonly reason: string;
  /** Redshift's load error code (for example 1204: string longer than the column). */
  readonly code: number;
  /** The rejected value, or the start of the unreadable record. */
  readonly rawValue: string;
}

/** Where a rejected row is and why: `s3://…/file.json line 3 column ts: reason`. */
export function describeReject(r: { readonly file: string; readonly line: number; readonly column: string; readonly reason: string }): string {
  return `${r.file} line ${r.line}${r.column ? ` column ${r.column}` : ''}: ${r.reason}`;
}

/** The first five rejects described, and how many more there are. */
export function describeRejects(rejects: readonly Parameters<typeof describeReject>[0][]): string {
  const shown = rejects.slice(0, 5).map(describeReject).join('; ');
  return rejects.length > 5 ? `${shown}; and ${rejects.length - 5} more` : shown;
}

/** A COPY that failed: too many rejected rows, zero rows read, or a file it could not read. */
export class LoadError extends SparkifyError {
  constructor(
    message: string,
    readonly table: string,
    readonly rejects: readonly LoadReject[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, 1, options);
  }
}

/** A statement the warehouse refused or that failed while running. */
export class StatementError extends SparkifyError {
  /** Where in `sql` the error is (1-based, in characters), when the engine says: shown with a caret. */
  readonly position?: number;

  constructor(
    message: string,
    readonly sql: string,
    options?: { cause?: unknown; position?: number },
  ) {
    super(message, 1, options);
    if (options?.position !== undefined) this.position = options.position;
  }
}

/** A data quality check that found bad rows; the previous star tables stay in place. */
export class QualityCheckError extends SparkifyError {}
