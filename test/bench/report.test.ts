/** The bench's bookkeeping on tiny, made-up inputs: sizes, stages, the Markdown table, ratios. No timing here. */
import { peakRssBetween } from '../../lib/bench/measure';
import { type BenchReport, type EtlRun, type EtlSummary, fastest, markdownReport, memoryGrowth, ratios, stagesOf } from '../../lib/bench/report';
import { diskUsage } from '../../lib/bench/runner';
import { parseSizes } from '../../lib/bench/sizes';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MB = 1024 * 1024;

const summary: EtlSummary = {
  steps: [
    { step: 'create staging tables', ms: 10 },
    { step: 'load staging_songs', ms: 200, rows: 100 },
    { step: 'check staging_songs', ms: 5, rows: undefined },
    { step: 'load staging_events', ms: 1000, rows: 5000 },
    { step: 'check staging_events', ms: 5 },
    { step: 'build star tables', ms: 400, rows: 7000 },
    { step: 'check star tables', ms: 90 },
    { step: 'publish star tables', ms: 100 },
  ],
  tables: { songplays: 4000 },
  totalMs: 1815,
  peakRssBytes: 300 * MB,
};

function run(wallMs: number, peakMb: number, loadEventsMs = 1000): EtlRun {
  return {
    wallMs,
    cpuMs: wallMs + 100,
    peakRssBytes: peakMb * MB,
    stages: [
      { stage: 'start + open', ms: wallMs - loadEventsMs - 100, peakRssBytes: 100 * MB },
      { stage: 'load events', ms: loadEventsMs, rows: 5000, rowsPerSecond: 5000, peakRssBytes: peakMb * MB },
      { stage: 'checks', ms: 100, peakRssBytes: null },
    ],
    warehouseBytes: 50 * MB,
    tables: {},
  };
}

function report(sizes: BenchReport['sizes'], startedAt = '2026-01-01T00:00:00.000Z'): BenchReport {
  return { version: 1, startedAt, command: 'npm run bench', environment: { node: 'v20' }, sizes };
}

describe('parseSizes', () => {
  test('reads sample, k and m suffixes and plain numbers', () => {
    expect(parseSizes('sample, 10k,100K,1m,2.5m,1234')).toEqual([
      { label: 'sample' },
      { label: '10k', events: 10_000 },
      { label: '100k', events: 100_000 },
      { label: '1m', events: 1_000_000 },
      { label: '2.5m', events: 2_500_000 },
      { label: '1234', events: 1234 },
    ]);
  });

  test('refuses nonsense, zero, an empty list and repeats', () => {
    expect(() => parseSizes('lots')).toThrow(/"lots" is not a size/);
    expect(() => parseSizes('0')).toThrow(/not a size/);
    expect(() => parseSizes(' , ')).toThrow(/No sizes/);
    expect(() => parseSizes('10k,10K')).toThrow(/listed twice/);
  });
});

describe('stagesOf', () => {
  test('groups steps into stages and times the process around them from the progress lines', () => {
    // Each step's line arrives when it ends; the pipeline starts at 300 ms and the process exits 50 ms after the last line.
    let at = 300;
    const marks = summary.steps.map((s) => (at += s.ms));
    const wallMs = at + 50;
    const peaks: [number, number][] = [];
    const stages = stagesOf(summary, wallMs, marks, (from, to) => {
      peaks.push([from, to]);
      return to; // stands for "the largest RSS sampled in the window"
    });
    expect(stages.map((s) => [s.stage, s.ms])).toEqual([
      ['start + open', 300],
      ['create', 10],
      ['load songs', 200],
      ['load events', 1000],
      ['transform', 500],
      ['checks', 100],
      ['close + exit', 50],
    ]);
    expect(stages.reduce((sum, s) => sum + s.ms, 0)).toBe(wallMs);
    const events = stages.find((s) => s.stage === 'load events')!;
    expect(events).toMatchObject({ rows: 5000, rowsPerSecond: 5000 });
    expect(stages.find((s) => s.stage === 'transform')).toMatchObject({ rows: 7000, rowsPerSecond: 14000 });
    expect(stages.find((s) => s.stage === 'checks')!.rows).toBeUndefined();
    // Each stage's peak is the largest over its steps' windows: checks span three steps, the last ends at the star check.
    expect(stages.find((s) => s.stage === 'checks')!.peakRssBytes).toBe(marks[6]);
    expect(stages[0]!.peakRssBytes).toBe(300);
    expect(peaks[0]).toEqual([0, 300]);
  });

  test('without progress lines, the time outside the steps is all start + open and memory is unknown', () => {
    const stages = stagesOf(summary, 2500);
    expect(stages[0]).toEqual({ stage: 'start + open', ms: 2500 - 1810, peakRssBytes: null });
    expect(stages.every((s) => s.peakRssBytes === null)).toBe(true);
  });
});

test('peakRssBetween takes the largest sample in the window, or the next one after it', () => {
  const samples = [
    { atMs: 0, rssBytes: 10 },
    { atMs: 20, rssBytes: 30 },
    { atMs: 40, rssBytes: 20 },
    { atMs: 60, rssBytes: 50 },
  ];
  expect(peakRssBetween(samples, 10, 45)).toBe(30);
  expect(peakRssBetween(samples, 41, 45)).toBe(50);
  expect(peakRssBetween(samples, 70, 80)).toBeNull();
});

test('fastest picks the shortest wall time', () => {
  expect(fastest([{ wallMs: 3 }, { wallMs: 1 }, { wallMs: 2 }])).toBe(1);
});

describe('ratios and the Markdown report', () => {
  const before = report([
    { label: 'sample', events: 5000, songs: 100, source: 's', runs: [run(4000, 400)], best: 0 },
    { label: '10k', events: 10000, songs: 100, source: 's', runs: [run(8000, 500)], best: 0 },
  ]);
  const after = report(
    [
      { label: 'sample', events: 5000, songs: 100, source: 's', runs: [run(3000, 300), run(2000, 200, 500)], best: 1 },
      {
        label: '1m',
        events: 1_000_000,
        songs: 100,
        source: 's',
        runs: [run(10000, 600)],
        best: 0,
        generator: { wallMs: 5000, cpuMs: 5100, peakRssBytes: 150 * MB, bytes: 400 * MB, files: 30, measuredAt: '2026-01-02T10:11:12.000Z' },
      },
    ],
    '2026-01-02T00:00:00.000Z',
  );

  test('ratios compare the reported (fastest) runs of sizes in both results', () => {
    const r = ratios(after, before);
    expect(new Set(r.map((x) => x.size))).toEqual(new Set(['sample']));
    expect(r.find((x) => x.measure === 'wall ms')).toMatchObject({ current: 2000, previous: 4000, ratio: 0.5 });
    expect(r.find((x) => x.measure === 'load events ms')!.ratio).toBe(0.5);
    expect(r.find((x) => x.measure === 'peak RSS bytes')!.ratio).toBe(0.5);
    // A stage measured in only one of them has no ratio.
    expect(r.find((x) => x.measure === 'transform ms')).toBeUndefined();
  });

  test('the Markdown has a row per size, every run, the generator, and the ratio table', () => {
    const md = markdownReport(after, before);
    expect(md).toContain('| size | events | start + open s |');
    expect(md).toContain('| sample | 5,000 | 1.40 |  |  | 0.50 |  | 0.10 |  | **2.00** | 2.10 | 5,000 | 200 | 200 | 50 | 3.00, 2.00 |');
    expect(md).toMatch(/\| 1m \| 1,000,000 \| 8\.90 \|/);
    expect(md).toContain('| 1m | 1,000,000 | 100 | 400 | 30 | 5.00 | 5.10 | 150 | 2026-01-02 10:11 |');
    expect(md).toContain('Ratio to the previous result (2026-01-01T00:00:00.000Z');
    expect(md).toContain('| sample | 0.50× | 0.51× | 0.48× | 0.50× | 1.00× | 0.50× | 1.00× |');
    expect(md).not.toMatch(/\| 10k \| 0/);
  });

  test('without a previous result there is no ratio table; with no size in common, it says so', () => {
    expect(markdownReport(after)).not.toContain('Ratio to');
    const other = report([{ label: '5k', events: 5000, songs: 1, source: 's', runs: [run(1000, 100)], best: 0 }]);
    expect(markdownReport(after, other)).toContain('no size in common');
  });

  test('memory growth compares the largest generated size with the smallest', () => {
    const gen = (peak: number) => ({ wallMs: 1, cpuMs: 1, peakRssBytes: peak * MB, bytes: 1, files: 1, measuredAt: 'x' });
    const r = report([
      { label: '1m', events: 1_000_000, songs: 1, source: 's', runs: [run(9000, 900)], best: 0, generator: gen(150) },
      { label: '10k', events: 10_000, songs: 1, source: 's', runs: [run(1000, 600)], best: 0, generator: gen(100) },
    ]);
    expect(memoryGrowth(r)).toEqual([
      'generator peak RSS, 1m vs 10k: 1.50×',
      'loader (load events) peak RSS, 1m vs 10k: 1.50×',
      'whole ETL peak RSS, 1m vs 10k: 1.50×',
    ]);
    expect(memoryGrowth(report([]))).toEqual([]);
  });
});

test('diskUsage counts allocated blocks under a folder, and 0 for a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sparkify-bench-'));
  try {
    writeFileSync(join(dir, 'a'), Buffer.alloc(100_000, 1));
    expect(diskUsage(dir)).toBeGreaterThanOrEqual(100_000);
    expect(diskUsage(join(dir, 'missing'))).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
