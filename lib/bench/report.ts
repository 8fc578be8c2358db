/**
 * What a bench run records and how it is shown: the ETL's steps grouped into the stages the issue names,
 * rows per second, peak memory, the warehouse's size, the generator's cost, a Markdown table, and the ratio
 * of each number to a previous result. Pure functions over plain data, so they are tested on tiny inputs.
 */

/** The stages of one ETL run, in order. 'start + open' and 'close + exit' are the process around the pipeline. */
export const STAGES = ['start + open', 'create', 'load songs', 'load events', 'transform', 'checks', 'close + exit'] as const;
export type Stage = (typeof STAGES)[number];

/** Which pipeline step belongs to which stage (lib/pipeline/pipeline.ts names the steps). */
export function stageOfStep(step: string): Stage {
  if (step === 'create staging tables' || step.startsWith('drop all tables')) return 'create';
  if (step === 'load staging_songs') return 'load songs';
  if (step === 'load staging_events') return 'load events';
  if (step.startsWith('check ')) return 'checks';
  return 'transform'; // build star tables, publish star tables
}

export interface StageResult {
  readonly stage: Stage;
  readonly ms: number;
  /** Rows the stage produced: songs or events loaded, star rows built. */
  readonly rows?: number;
  readonly rowsPerSecond?: number;
  /** Largest RSS sampled while the stage ran; null where it could not be sampled. */
  readonly peakRssBytes: number | null;
}

/** The parts of `scripts/etl.ts --json`'s summary the bench reads. */
export interface EtlSummary {
  readonly steps: readonly { readonly step: string; readonly ms: number; readonly rows?: number }[];
  readonly tables: Readonly<Record<string, number>>;
  readonly totalMs: number;
  readonly peakRssBytes: number;
}

export interface EtlRun {
  readonly wallMs: number;
  readonly cpuMs: number | null;
  /** The ETL process's own peak RSS, from its summary. */
  readonly peakRssBytes: number;
  readonly stages: readonly StageResult[];
  /** Bytes the data dir takes on disk after the run (du). */
  readonly warehouseBytes: number;
  readonly tables: Readonly<Record<string, number>>;
}

export interface GeneratorRun {
  readonly wallMs: number;
  readonly cpuMs: number | null;
  readonly peakRssBytes: number | null;
  /** Bytes written, as the generator's summary says. */
  readonly bytes: number;
  readonly files: number;
  /** When it was measured: sets are generated once and reused, so this may be an earlier bench run. */
  readonly measuredAt: string;
}

export interface SizeResult {
  readonly label: string;
  /** Events in the source (the sample's are counted by the load). */
  readonly events: number;
  readonly songs: number;
  readonly source: string;
  readonly generator?: GeneratorRun;
  /** Every run; `best` is the one reported (the fastest end to end). */
  readonly runs: readonly EtlRun[];
  readonly best: number;
}

export interface BenchReport {
  readonly version: 1;
  readonly startedAt: string;
  readonly command: string;
  readonly environment: Readonly<Record<string, string | number>>;
  readonly sizes: readonly SizeResult[];
}

/** When each step's progress line arrived (ms since spawn), in step order; absent when progress was not seen. */
export type StepMarks = readonly number[];

/**
 * Groups the summary's steps into stages. With the progress lines' arrival times, the time before the first
 * step and after the last one becomes 'start + open' and 'close + exit', and each stage gets the largest RSS
 * sampled while it ran (`peakBetween`); without them, both are split as the whole process time outside the
 * pipeline and RSS is null.
 */
export function stagesOf(
  summary: EtlSummary,
  wallMs: number,
  marks?: StepMarks,
  peakBetween: (fromMs: number, toMs: number) => number | null = () => null,
): StageResult[] {
  const steps = summary.steps;
  const useMarks = marks !== undefined && marks.length === steps.length && steps.length > 0;
  const byStage = new Map<Stage, { ms: number; rows: number; hasRows: boolean; peak: number | null }>();
  const add = (stage: Stage, ms: number, rows: number | undefined, peak: number | null) => {
    const entry = byStage.get(stage) ?? { ms: 0, rows: 0, hasRows: false, peak: null };
    entry.ms += ms;
    if (rows !== undefined && stage !== 'checks') {
      entry.rows += rows;
      entry.hasRows = true;
    }
    if (peak !== null) entry.peak = Math.max(entry.peak ?? 0, peak);
    byStage.set(stage, entry);
  };
  const stepsMs = steps.reduce((sum, s) => sum + s.ms, 0);
  if (useMarks) {
    const firstStart = Math.max(0, marks[0]! - steps[0]!.ms);
    const lastEnd = marks[marks.length - 1]!;
    add('start + open', firstStart, undefined, peakBetween(0, firstStart));
    steps.forEach((s, i) => add(stageOfStep(s.step), s.ms, s.rows, peakBetween(marks[i]! - s.ms, marks[i]!)));
    add('close + exit', Math.max(0, wallMs - lastEnd), undefined, peakBetween(lastEnd, wallMs));
  } else {
    // The pipeline's own time is summary.totalMs minus the steps; the rest of the wall is the process.
    add('start + open', Math.max(0, wallMs - stepsMs), undefined, null);
    for (const s of steps) add(stageOfStep(s.step), s.ms, s.rows, null);
    add('close + exit', 0, undefined, null);
  }
  return STAGES.filter((stage) => byStage.has(stage)).map((stage) => {
    const e = byStage.get(stage)!;
    const result: StageResult = { stage, ms: Math.round(e.ms), peakRssBytes: e.peak };
    if (!e.hasRows) return result;
    return { ...result, rows: e.rows, rowsPerSecond: e.ms > 0 ? Math.round((e.rows * 1000) / e.ms) : undefined };
  });
}

/** The index of the fastest run end to end. */
export function fastest(runs: readonly { readonly wallMs: number }[]): number {
  let best = 0;
  runs.forEach((r, i) => {
    if (r.wallMs < runs[best]!.wallMs) best = i;
  });
  return best;
}

const MB = 1024 * 1024;
export const formatSeconds = (ms: number) => (ms / 1000).toFixed(2);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
export const formatMb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '–' : String(Math.round(bytes / MB)));
export const formatRate = (perSecond: number | undefined) => (perSecond === undefined ? '' : Math.round(perSecond).toLocaleString('en-US'));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** One table: a row per size, columns per stage (seconds), then totals, rates, memory and disk. */
export function markdownReport(report: BenchReport, previous?: BenchReport): string {
  const stageHead = STAGES.map((s) => `${s} s`);
  const rows = report.sizes.map((size) => {
    const run = size.runs[size.best]!;
    const ms = (stage: Stage) => run.stages.find((s) => s.stage === stage)?.ms;
    const events = run.stages.find((s) => s.stage === 'load events');
    return [
      size.label,
      size.events.toLocaleString('en-US'),
      ...STAGES.map((stage) => (ms(stage) === undefined ? '' : formatSeconds(ms(stage)!))),
      `**${formatSeconds(run.wallMs)}**`,
      run.cpuMs === null ? '–' : formatSeconds(run.cpuMs),
      formatRate(events?.rowsPerSecond),
      formatMb(events?.peakRssBytes),
      formatMb(run.peakRssBytes),
      formatMb(run.warehouseBytes),
      size.runs.length > 1 ? size.runs.map((r) => formatSeconds(r.wallMs)).join(', ') : '',
    ];
  });
  const parts = [
    table(
      ['size', 'events', ...stageHead, 'wall s', 'CPU s', 'events/s loaded', 'load MB', 'peak MB', 'disk MB', 'all runs s'],
      rows,
    ),
  ];
  const generated = report.sizes.filter((s) => s.generator !== undefined);
  if (generated.length > 0) {
    parts.push(
      table(
        ['generated set', 'events', 'songs', 'MB written', 'files', 'wall s', 'CPU s', 'peak MB', 'measured'],
        generated.map((s) => {
          const g = s.generator!;
          return [
            s.label,
            s.events.toLocaleString('en-US'),
            s.songs.toLocaleString('en-US'),
            formatMb(g.bytes),
            g.files.toLocaleString('en-US'),
            formatSeconds(g.wallMs),
            g.cpuMs === null ? '–' : formatSeconds(g.cpuMs),
            formatMb(g.peakRssBytes),
            g.measuredAt.slice(0, 16).replace('T', ' '),
          ];
        }),
      ),
    );
  }
  const growth = memoryGrowth(report);
  if (growth.length > 0) parts.push(growth.map((g) => `- ${g}`).join('\n'));
  if (previous !== undefined) parts.push(ratioTable(report, previous));
  parts.push(Object.entries(report.environment).map(([k, v]) => `${k}: ${v}`).join('; '));
  return `${parts.join('\n\n')}\n`;
}

/** "Memory flat as N grows": peak RSS of the largest generated size over the smallest, generator and loader. */
export function memoryGrowth(report: BenchReport): string[] {
  const generated = report.sizes.filter((s) => s.generator !== undefined).sort((a, b) => a.events - b.events);
  if (generated.length < 2) return [];
  const small = generated[0]!;
  const large = generated[generated.length - 1]!;
  const ratio = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;
  const loadPeak = (s: SizeResult) => s.runs[s.best]!.stages.find((x) => x.stage === 'load events')?.peakRssBytes;
  const span = `${large.label} vs ${small.label}`;
  return [
    `generator peak RSS, ${span}: ${ratio(large.generator!.peakRssBytes, small.generator!.peakRssBytes)}`,
    `loader (load events) peak RSS, ${span}: ${ratio(loadPeak(large), loadPeak(small))}`,
    `whole ETL peak RSS, ${span}: ${ratio(large.runs[large.best]!.peakRssBytes, small.runs[small.best]!.peakRssBytes)}`,
  ];
}

export interface Ratio {
  readonly size: string;
  readonly measure: string;
  readonly current: number;
  readonly previous: number;
  /** current / previous: below 1 is faster or smaller. */
  readonly ratio: number;
}

/** current / previous for each size in both reports: wall, CPU, each stage, and peak memory. */
export function ratios(current: BenchReport, previous: BenchReport): Ratio[] {
  const out: Ratio[] = [];
  for (const size of current.sizes) {
    const before = previous.sizes.find((s) => s.label === size.label);
    if (before === undefined) continue;
    const now = size.runs[size.best]!;
    const then = before.runs[before.best]!;
    const push = (measure: string, a: number | null | undefined, b: number | null | undefined) => {
      if (a === null || a === undefined || b === null || b === undefined || b === 0) return;
      out.push({ size: size.label, measure, current: a, previous: b, ratio: a / b });
    };
    push('wall ms', now.wallMs, then.wallMs);
    push('CPU ms', now.cpuMs, then.cpuMs);
    for (const stage of STAGES) {
      push(`${stage} ms`, now.stages.find((s) => s.stage === stage)?.ms, then.stages.find((s) => s.stage === stage)?.ms);
    }
    push('peak RSS bytes', now.peakRssBytes, then.peakRssBytes);
    push('disk bytes', now.warehouseBytes, then.warehouseBytes);
  }
  return out;
}

/** The ratios as a table: a row per size, a column per measure. */
export function ratioTable(current: BenchReport, previous: BenchReport): string {
  const all = ratios(current, previous);
  if (all.length === 0) return `Ratio to ${previous.startedAt}: no size in common.`;
  const measures = [...new Set(all.map((r) => r.measure))];
  const sizes = [...new Set(all.map((r) => r.size))];
  const rows = sizes.map((size) => [
    size,
    ...measures.map((m) => {
      const r = all.find((x) => x.size === size && x.measure === m);
      return r === undefined ? '' : `${r.ratio.toFixed(2)}×`;
    }),
  ]);
  const head = ['size', ...measures.map((m) => m.replace(/ (ms|bytes)$/, ''))];
  return `Ratio to the previous result (${previous.startedAt}; below 1× is faster or smaller):\n\n${table(head, rows)}`;
}
