/**
 * The HTML report as a file: every question's section, its answer and its chart, read from the page itself
 * (the charts are SVG drawn when the page is built), so no browser is needed. report-browser.test.ts opens
 * the same page in Chromium once.
 */
import { type Answered, answerQuestions, assertLoaded } from '../../lib/analytics/answer-questions';
import { drawsChart } from '../../lib/analytics/charts';
import { COVERED_PERIOD, COVERED_PERIOD_TOKEN } from '../../lib/analytics/covered-period';
import { renderReport } from '../../lib/analytics/html-report';
import { QUESTIONS } from '../../lib/analytics/questions';
import { formatAnswers } from '../../lib/analytics/terminal-output';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import type { StarTable } from '../../lib/pipeline/tables';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse } from '../helpers/local-warehouse';

const BAR_COLORS = ['#3b6ea5', '#e08a2c', '#5a9e6f', '#b35c7a'];
const PARTIAL_COLOR = '#b7c6d9';

let answered: Answered[];
let tables: Record<StarTable, number>;
let html: string;

beforeAll(async () => {
  const db = await openTestWarehouse();
  try {
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    tables = await assertLoaded(db.warehouse);
    answered = await answerQuestions(db.warehouse, QUESTIONS);
    html = renderReport(answered, { warehouse: db.warehouse.description, generatedAt: new Date('2024-01-01T00:00:00Z'), tables });
  } finally {
    await db.dispose();
  }
});

const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
function section(name: string): string {
  const m = new RegExp(`<section id="${name}"[\\s\\S]*?</section>`).exec(html);
  if (m === null) throw new Error(`no section ${name}`);
  return m[0];
}
/** Bars ECharts drew: filled paths in the series' colours. */
const bars = (svg: string) => [...svg.matchAll(/<path d="[^"]*" fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]!).filter((c) => BAR_COLORS.includes(c) || c === PARTIAL_COLOR);
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!));

test('the page is self-contained: no script, nothing fetched from elsewhere', () => {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\s(src|href)="(?!#)/);
});

test('every question has its section, its answer, and one chart of the right bars where a chart says more', () => {
  for (const a of answered) {
    const s = section(a.question.name);
    expect(unescape(/<h2>([^<]*)<\/h2>/.exec(s)![1]!)).toBe(a.text.question);
    expect(unescape(/<p class="answer[^"]*">([^<]*)<\/p>/.exec(s)![1]!)).toBe(a.answer);
    const svgs = s.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    const charted = drawsChart(a.question.chart, a.shown);
    expect({ name: a.question.name, charts: svgs.length }).toEqual({ name: a.question.name, charts: charted ? 1 : 0 });
    if (charted) expect({ name: a.question.name, bars: bars(svgs[0]!).length }).toEqual({ name: a.question.name, bars: a.question.chart!.series.length * a.shown.length });
  }
  // On the sample, a single year and month are told in words; every other question with a chart draws it.
  expect(answered.filter((a) => drawsChart(a.question.chart, a.shown))).toHaveLength(QUESTIONS.filter((q) => q.chart).length - 2);
});

test('numbers on bars are grouped in thousands, as the axes and the text are', () => {
  const week = answered.find((a) => a.question.name === 'plays_by_week')!;
  const labels = texts(section('plays_by_week'));
  for (const row of week.shown) expect(labels).toContain(Number(row['plays']).toLocaleString('en-US'));
  expect(week.shown.some((r) => Number(r['plays']) >= 1000)).toBe(true);
  expect(labels.filter((t) => /^\d{4,}$/.test(t))).toEqual([]);
});

test('periods the data covers only in part are drawn paler, and said to be left out', () => {
  const weekBars = bars(section('plays_by_week'));
  expect(weekBars).toEqual([PARTIAL_COLOR, BAR_COLORS[0], BAR_COLORS[0], BAR_COLORS[0], PARTIAL_COLOR]);
  const dayBars = bars(section('plays_by_day'));
  expect([dayBars[0], dayBars[29]]).toEqual([PARTIAL_COLOR, PARTIAL_COLOR]);
  expect(dayBars.slice(1, 29).every((c) => c === BAR_COLORS[0])).toBe(true);
  expect(section('plays_by_day')).toContain('Paler bars: periods the data covers only in part');
});

test('every note on the covered period gives the one definition and the period of the data, which ends with its last play', () => {
  // The sample's first play is 2018-11-01 21:01 and its last 2018-11-30 19:54: its span, in whole hours, ends at 20:00 on the 30th.
  const period = `${COVERED_PERIOD}: here 2018-11-01 21:00 to 2018-11-30 20:00 UTC (the first play at 2018-11-01 21:01, the last at 2018-11-30 19:54).`;
  const compared = ['plays_by_year', 'plays_by_month', 'plays_by_week', 'plays_by_day', 'plays_by_weekday', 'plays_by_hour'];
  for (const name of compared) {
    const notes = unescape(/<p class="notes">([^<]*)<code>/.exec(section(name))![1]!);
    expect({ name, notes }).toEqual({ name, notes: expect.stringContaining(period) });
  }
  expect(html).not.toContain('2018-12-01');
  expect(html).not.toContain(COVERED_PERIOD_TOKEN);
});

test('a long title is wrapped on its chart, not cut short', () => {
  const labels = texts(section('top_songs')).join(' ');
  expect(labels).not.toMatch(/\.\.\.|…/);
  expect(labels.replace(/\s+/g, ' ')).toContain('Horn Concerto No. 4 in E flat K495: II. Romance (Andante cantabile)');
});

test('a rate is written in the answer as its table shows it: 341, not 341.0', () => {
  const weekday = answered.find((a) => a.question.name === 'plays_by_weekday')!;
  const wednesday = weekday.shown.find((r) => r['weekday_name'] === 'Wednesday')!;
  expect(wednesday['plays_per_day']).toBe(341);
  expect(weekday.answer).toContain('Wednesday with 341 plays a day (1,364 over 4 days)');
  expect(weekday.answer).not.toMatch(/\d\.0 plays/);
});

test('double-encoded names are shown decoded, marked, with a footnote of what the warehouse stores', () => {
  const songs = section('top_songs');
  expect(songs).toContain('Björk<sup>*</sup>');
  expect(songs).not.toContain('<td>Bj\u00c3');
  const footnote = unescape(/<p class="notes footnote"[^>]*>([^<]*)<\/p>/.exec(songs)![1]!);
  // The C1 control a double encoding makes (U+0083) is written out: drawn as is, it is an empty box or nothing.
  expect(footnote).toContain('“Björk” is stored as “Bj\u00c3<U+0083>\u00c2\u00b6rk”');
  expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
  expect(formatAnswers(answered)).toContain('Björk as Bj\u00c3<U+0083>\u00c2\u00b6rk');
  // The warehouse keeps what the source says.
  const stored = answered.find((a) => a.question.name === 'top_songs')!.rows.map((r) => r['artist_name']);
  expect(stored).toContain('Bj\u00c3\u0083\u00c2\u00b6rk');
});

test('questions with no data say so, with no chart', async () => {
  const empty: Warehouse = { description: 'an empty warehouse', run: async () => [], query: async () => [], close: async () => {} };
  const none = await answerQuestions(empty, QUESTIONS);
  const zero = Object.fromEntries(Object.keys(tables).map((t) => [t, 0])) as Record<StarTable, number>;
  const page = renderReport(none, { warehouse: empty.description, generatedAt: new Date(), tables: zero });
  expect(page).not.toMatch(/<svg/);
  expect(page.match(/<p class="answer no-data">No /g)).toHaveLength(QUESTIONS.length);
});
