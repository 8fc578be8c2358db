/**
 * The scheduled loader: `npm run etl -- --new` as a Lambda function, run by the stack's EventBridge Scheduler
 * schedule (lib/infra/scheduled-loader.ts). A thin entry over lib/pipeline/, like a script: it takes its
 * settings from its environment (the SPARKIFY_* variables the CLI knows, set by the stack), opens the
 * warehouse on the Data API, and runs the same runEtl the CLI runs — never a second implementation.
 *
 * Lambda stops a function at its timeout, so the run gets a deadline: the function's remaining time less a
 * margin. The runner starts no day or load it cannot finish by then (lib/pipeline/budget.ts) and says what it
 * left, which the next invocation picks up. A first full load too big for one invocation is not started: the
 * result says to run `npm run stage` or to load once from the CLI, and a metric raises the stack's alarm.
 *
 * The result is returned as JSON; a failed run throws, so Lambda counts an error (and the stack's alarm
 * fires). Each run also prints its metrics as an Embedded Metric Format document (metrics.ts).
 */
import type { Context } from 'aws-lambda';
import { resolveSettings, type Settings } from '../config';
import { SparkifyError } from '../errors';
import { type EtlRunSummary, runEtl } from '../pipeline/etl-run';
import type { Progress } from '../pipeline/progress';
import { s3Files } from '../pipeline/source-files';
import { runIdentity } from '../pipeline/run-ledger';
import { useStagedCatalogue } from '../stage/discover';
import { RedshiftDataApiWarehouse } from '../warehouse/redshift/redshift-warehouse';
import { publishMetrics } from './metrics';

/**
 * Kept back from the function's remaining time: the runner's own reserve covers its closing ledger write;
 * this covers what follows it here (closing the warehouse, the metrics) and a statement running long.
 */
export const DEADLINE_MARGIN_MS = 30_000;

/** What one invocation did, as the function returns it (and its log shows). */
export interface LoaderResult {
  /**
   * True when the run ended well: it caught up, or published days and left the rest for the next run. False when
   * it could start nothing: a first load too big for one invocation, or no time for even one day.
   */
  readonly ok: boolean;
  /** One line: what was published, what is left, or why nothing was. */
  readonly message: string;
  readonly runId: string;
  /** The run's status in etl_runs. */
  readonly status: EtlRunSummary['status'];
  /** Days published by this invocation, oldest first (after a first load, every day of the logs). */
  readonly published: readonly string[];
  /** This invocation was the warehouse's first load: the catalogue and every day, as one full load. */
  readonly firstLoad: boolean;
  /** Days found to load but not started, for the next invocation. */
  readonly remaining: readonly string[];
  /** Why the run stopped short: its deadline ('budget'), or a first load too big to start ('first-load'). */
  readonly stopped?: EtlRunSummary['stopped'];
  readonly reason?: string;
  readonly rowsLoaded: Readonly<Record<string, number>>;
  readonly rowsRejected: Readonly<Record<string, number>>;
  readonly ms: number;
}

/** What the stack's alarms are told: the refused first load needs a person, not another run. */
export const FIRST_LOAD_ADVICE =
  'The first full load does not fit in one invocation of the loader: run npm run stage or load once from the CLI (npm run etl -- --new).';

export async function handler(_event: unknown, context: Context): Promise<LoaderResult> {
  const started = Date.now();
  const deadline = started + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  const functionName = context.functionName;
  let settings: Settings;
  let note: string | undefined;
  try {
    // The function's environment is its whole configuration: no flags, no cdk-outputs.json.
    ({ settings, note } = await useStagedCatalogue(resolveSettings({ target: 'redshift' }, process.env)));
  } catch (e) {
    publishMetrics(functionName, { RunsSucceeded: 0, FirstLoadRefused: 0, DaysRemaining: 0 });
    throw failure(e, 'The loader\'s settings are not valid');
  }
  const target = settings.target;
  if (target.kind !== 'redshift') throw new Error('The loader runs on Redshift only.');
  log(`Loading ${settings.sources.eventsUri} into ${target.workgroupName}/${target.database}; ${Math.round((deadline - started) / 1000)} s to work with.`);
  if (note !== undefined) log(`Songs: ${settings.sources.songsUri} (${note})`);

  const warehouse = new RedshiftDataApiWarehouse({
    workgroupName: target.workgroupName,
    database: target.database,
    region: target.region,
    endpoint: target.endpoint,
    polling: { timeoutMs: target.statementTimeoutMs },
    onProgress: (line) => log(`… ${line}`),
  });
  let summary: EtlRunSummary;
  try {
    summary = await runEtl(warehouse, { mode: 'new' }, {
      sources: settings.sources,
      readers: settings.readers,
      target: `redshift ${target.workgroupName}/${target.database}`,
      runBy: `${await runIdentity(warehouse)} (Lambda ${functionName}, request ${context.awsRequestId})`,
      listFiles: s3Files(settings.sources.region),
      deadline,
      // Reserved concurrency keeps loader runs apart; this keeps one off a CLI run's toes. A 'running' row older
      // than an hour is no loader's (it would have been stopped at 15 minutes) and no longer blocks.
      staleAfterHours: 1,
      progress: logProgress,
      onDay: (day, i, of) => log(`Published ${day.day} (${i + 1}/${of}): ${day.rows['songplays']} plays`),
    });
  } catch (e) {
    publishMetrics(functionName, { RunsSucceeded: 0, FirstLoadRefused: 0, DaysRemaining: 0 });
    throw failure(e, 'The scheduled load failed');
  } finally {
    await warehouse.close();
  }

  const result = resultOf(summary, Date.now() - started);
  publishMetrics(functionName, {
    // Not stuck: the run caught up, or published something (what it left, the next run continues).
    RunsSucceeded: summary.status === 'succeeded' ? 1 : 0,
    FirstLoadRefused: summary.stopped === 'first-load' ? 1 : 0,
    DaysRemaining: summary.remaining.length,
  });
  log(result.message);
  return result;
}

function resultOf(summary: EtlRunSummary, ms: number): LoaderResult {
  const { published, remaining } = summary;
  const done =
    summary.full !== undefined
      ? `First load: the catalogue and ${published.length} day${published.length === 1 ? '' : 's'}`
      : published.length > 0
        ? `Published ${published.length} day${published.length === 1 ? '' : 's'} (${published[0]}${published.length > 1 ? ` to ${published[published.length - 1]}` : ''})`
        : undefined;
  const message =
    summary.stopped === 'first-load'
      ? `${FIRST_LOAD_ADVICE} ${summary.reason ?? ''}`.trim()
      : summary.stopped === 'budget'
        ? `${done ?? 'Published nothing'}. ${summary.reason ?? `${remaining.length} days left for the next run.`}`
        : done !== undefined
          ? `${done}; nothing is left.`
          : (summary.message ?? 'Nothing new.');
  return {
    ok: summary.status === 'succeeded',
    message,
    runId: summary.runId,
    status: summary.status,
    published,
    firstLoad: summary.full !== undefined,
    remaining,
    stopped: summary.stopped,
    reason: summary.reason,
    rowsLoaded: summary.rowsLoaded,
    rowsRejected: summary.rowsRejected,
    ms,
  };
}

/** An error Lambda reports (errorType, errorMessage): the pipeline's one-paragraph message, not a stack trace. */
function failure(e: unknown, what: string): Error {
  const message = e instanceof Error ? e.message : String(e);
  const error = new Error(`${what}: ${message}`, { cause: e });
  error.name = e instanceof SparkifyError ? e.name : 'LoaderError';
  // The log has the message; a stack of bundled code would say nothing more to the person reading it.
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

function log(line: string): void {
  console.log(line);
}

const logProgress: Progress = {
  start(step) {
    log(`${step}…`);
  },
  done(result) {
    log(`${result.step}: done in ${result.ms} ms${result.rows !== undefined ? `, ${result.rows} rows` : ''}${result.detail ? ` (${result.detail})` : ''}`);
  },
  failed(result) {
    log(`${result.step}: FAILED after ${result.ms} ms`);
  },
  warn(message) {
    console.warn(message);
  },
};
