/**
 * The HTML report as a reader sees it, once: rendered by headless Chromium with the network off, no console
 * errors, every chart laid out with a size. The screenshot is kept in test-artifacts/ for a person to look at.
 * Skips, with a notice saying why, where no browser runs (unless CI=true: see test/helpers/chromium.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { answerQuestions, assertLoaded } from '../../lib/analytics/answer-questions';
import { renderReport } from '../../lib/analytics/html-report';
import { QUESTIONS } from '../../lib/analytics/questions';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { describeWithChromium, HEADLESS_ARGS } from '../helpers/chromium';
import { openTestWarehouse } from '../helpers/local-warehouse';

const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'analytics-report.png');

describeWithChromium('the HTML report in headless Chromium', (browserPath) => {
  test('opens offline with no errors, and every chart is laid out', async () => {
    // Loaded here, not at the top: a machine without a browser never needs it.
    const { chromium } = await import('playwright-core');
    const db = await openTestWarehouse();
    const work = mkdtempSync(join(tmpdir(), 'sparkify-report-'));
    const browser = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: browserPath(),
      headless: true,
      args: HEADLESS_ARGS,
      // The page must work with no network at all.
      offline: true,
      viewport: { width: 1100, height: 900 },
    });
    try {
      await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
      const tables = await assertLoaded(db.warehouse);
      const answered = await answerQuestions(db.warehouse, QUESTIONS);
      const file = join(work, 'report.html');
      writeFileSync(file, renderReport(answered, { warehouse: db.warehouse.description, generatedAt: new Date(), tables }));
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const charts = await page.$$eval('[data-chart] svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })));
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
      expect(charts).toHaveLength(QUESTIONS.filter((q) => q.chart).length - 2);
      // Scaled to the page's column, never collapsed.
      for (const c of charts) expect(c.width > 600 && c.height > 150).toBe(true);
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await browser.close();
      rmSync(work, { recursive: true, force: true });
      await db.dispose();
    }
  });
});
