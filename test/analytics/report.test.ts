/**
 * The HTML report as a reader sees it: rendered by headless Chromium (Debian's chromium package, which
 * .ci/run installs) with the network off, every chart drawn, no console errors. The screenshot is kept in
 * test-artifacts/ for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Answered, answerQuestions, assertLoaded } from '../../lib/analytics/answer-questions';
import { renderReport } from '../../lib/analytics/html-report';
import { QUESTIONS } from '../../lib/analytics/questions';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import type { StarTable } from '../../lib/pipeline/tables';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'analytics-report.png');

interface RenderedSection {
  name: string;
  question: string;
  answer: string;
  charts: number;
  /** Bars per series of each chart ECharts drew (an SVG in the chart's element). */
  drawn: number[][];
}

interface Rendered {
  page: Page;
  sections: RenderedSection[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every URL the page asked for. */
  requests: string[];
}

describe('the HTML report in headless Chromium', () => {
  let db: TestWarehouse;
  let browser: BrowserContext;
  let work: string;
  let answered: Answered[];
  let tables: Record<StarTable, number>;

  async function open(html: string, file: string): Promise<Rendered> {
    const path = join(work, file);
    writeFileSync(path, html);
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const sections = await page.$$eval('section[data-question]', (elements) => {
      const { echarts } = globalThis as unknown as {
        echarts: { getInstanceByDom(el: Element): { getOption(): { series: { data: unknown[] }[] } } | undefined };
      };
      return elements.map((section) => {
        const charts = Array.from(section.querySelectorAll('.chart'));
        return {
          name: (section as HTMLElement).dataset['question'] ?? '',
          question: section.querySelector('h2')?.textContent ?? '',
          answer: section.querySelector('.answer')?.textContent ?? '',
          charts: charts.length,
          drawn: charts
            .filter((c) => c.querySelector('svg') !== null)
            .map((c) => echarts.getInstanceByDom(c)?.getOption().series.map((s) => s.data.length) ?? []),
        };
      });
    });
    return { page, sections, errors, requests };
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does).`);
    db = await openTestWarehouse();
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    tables = await assertLoaded(db.warehouse);
    answered = await answerQuestions(db.warehouse, QUESTIONS);
    work = mkdtempSync(join(tmpdir(), 'sparkify-report-'));
    browser = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
      // The page must work with no network at all.
      offline: true,
      viewport: { width: 1100, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    await db?.dispose();
  });

  test('every question has its section and answer, and exactly one drawn chart where a chart says more', async () => {
    const html = renderReport(answered, { warehouse: db.warehouse.description, generatedAt: new Date(), tables });
    const { page, sections, errors, requests } = await open(html, 'report.html');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    expect(sections.map((s) => s.name)).toEqual(QUESTIONS.map((q) => q.name));
    for (const a of answered) {
      const section = sections.find((s) => s.name === a.question.name)!;
      expect(section.question).toBe(a.text.question);
      expect(section.answer).toBe(a.answer);
      // A chart for the questions that have one, once there are at least two things to compare.
      const charted = a.question.chart !== undefined && a.rows.length >= 2;
      expect({ name: section.name, charts: section.charts, drawn: section.drawn }).toEqual({
        name: a.question.name,
        charts: charted ? 1 : 0,
        drawn: charted ? [a.question.chart!.series.map(() => a.rows.length)] : [],
      });
    }
    // On the sample, a single year and month are told in words; every other question with a chart draws it.
    expect(sections.filter((s) => s.charts === 1)).toHaveLength(QUESTIONS.filter((q) => q.chart).length - 2);
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  test('questions with no data say so, with no chart and no error', async () => {
    const empty: Warehouse = { description: 'an empty warehouse', run: async () => [], query: async () => [], close: async () => {} };
    const none = await answerQuestions(empty, QUESTIONS);
    const zero = Object.fromEntries(Object.keys(tables).map((t) => [t, 0])) as Record<StarTable, number>;
    const { sections, errors } = await open(renderReport(none, { warehouse: empty.description, generatedAt: new Date(), tables: zero }), 'empty.html');

    expect(errors).toEqual([]);
    expect(sections).toHaveLength(QUESTIONS.length);
    for (const s of sections) expect({ name: s.name, charts: s.charts, answer: s.answer }).toEqual({ name: s.name, charts: 0, answer: expect.stringMatching(/^No /) });
  });
});
