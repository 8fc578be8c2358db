/**
 * What the loader tells CloudWatch about each run, as one CloudWatch Embedded Metric Format document on
 * stdout: Lambda hands the function's output to CloudWatch Logs, which turns the document into metrics, so
 * the function needs no cloudwatch:PutMetricData permission and makes no extra call. Written with
 * process.stdout.write, not console.log: the Node runtime prefixes console lines (time, request, level), and
 * in the JSON log format wraps them, and either hides the document from the extraction.
 */

/** The namespace and dimension the stack's alarms read (lib/infra/scheduled-loader.ts). */
export const LOADER_METRICS_NAMESPACE = 'Sparkify/Loader';
export const LOADER_METRICS_DIMENSION = 'FunctionName';

/**
 * The metrics of one run, each published on every run (0 when it did not happen). Few on purpose: each is a
 * custom metric CloudWatch bills by the month (failures need none: Lambda's own Errors metric counts them).
 */
export interface RunMetrics {
  /** 1 when the run ended well: it caught up, or published days and left the rest for the next run. */
  readonly RunsSucceeded: number;
  /** 1 when a first full load was not started because it cannot finish in the function's time. */
  readonly FirstLoadRefused: number;
  /** Days the run found to load and left for the next one. */
  readonly DaysRemaining: number;
}

/** The EMF document for `metrics`, as one line. */
export function metricsDocument(functionName: string, metrics: RunMetrics, now = Date.now()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: LOADER_METRICS_NAMESPACE,
          Dimensions: [[LOADER_METRICS_DIMENSION]],
          Metrics: Object.keys(metrics).map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    [LOADER_METRICS_DIMENSION]: functionName,
    ...metrics,
  });
}

/** Prints the document on its own line. */
export function publishMetrics(functionName: string, metrics: RunMetrics): void {
  process.stdout.write(`${metricsDocument(functionName, metrics)}\n`);
}
