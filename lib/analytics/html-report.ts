/**
 * The answers as one self-contained HTML page: ECharts is inlined, so the page opens with no network (a
 * laptop on a plane, an attachment in a mail). Every question gets its answer and its numbers; those a
 * picture answers better get a chart, drawn by ECharts from options built in charts.ts.
 */
import { readFileSync } from 'node:fs';
import type { StarTable } from '../pipeline/tables';
import type { Row, SqlValue } from '../warehouse/warehouse';
import type { Answered } from './answer-questions';
import { chartHeight, chartOption, drawsChart } from './charts';
import { count } from './wording';

export interface ReportContext {
  /** Which warehouse answered, as its description says. */
  readonly warehouse: string;
  readonly generatedAt: Date;
  /** Row counts of the star tables, for the page's opening line. */
  readonly tables: Readonly<Record<StarTable, number>>;
}

const TITLE = 'Sparkify: what the plays say';

export function renderReport(answered: readonly Answered[], context: ReportContext): string {
  const options: Record<string, unknown> = {};
  const sections = answered.map((a) => {
    const name = a.question.name;
    const chart = drawsChart(a.question.chart, a.rows) ? a.question.chart : undefined;
    if (chart) options[name] = chartOption(chart, a.rows);
    const table = a.rows.length === 0 ? '' : rowsTable(a.rows);
    return `
<section id="${name}" data-question="${name}">
  <h2>${escape(a.text.question)}</h2>
  <p class="answer${a.rows.length === 0 ? ' no-data' : ''}">${escape(a.answer)}</p>
  ${chart ? `<div class="chart" data-chart="${name}" style="height:${chartHeight(chart, a.rows)}px" role="img" aria-label="${escape(`Chart: ${a.text.question}`)}"></div>` : ''}
  ${chart && table ? `<details><summary>The numbers (${count(a.rows.length)} row${a.rows.length === 1 ? '' : 's'})</summary>${table}</details>` : table}
  <p class="notes">${a.text.notes ? `${escape(a.text.notes)} ` : ''}<code>sql/analytics/${name}.sql</code></p>
</section>`;
  });
  const t = context.tables;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${TITLE}</h1>
  <p>${count(t.songplays)} plays by ${count(t.users)} users; a song catalogue of ${count(t.songs)} songs by ${count(t.artists)} artists.
  Answered by the ${escape(context.warehouse)} on ${escape(context.generatedAt.toISOString().replace('T', ' ').slice(0, 16))} UTC.</p>
  <nav><ol>${answered.map((a) => `<li><a href="#${a.question.name}">${escape(a.text.question)}</a></li>`).join('')}</ol></nav>
</header>
<main>${sections.join('\n')}
</main>
<script>${echartsSource()}</script>
<script type="application/json" id="chart-options">${scriptJson(options)}</script>
<script>
const options = JSON.parse(document.getElementById('chart-options').textContent);
for (const element of document.querySelectorAll('[data-chart]')) {
  const chart = echarts.init(element, null, { renderer: 'svg', locale: 'EN' });
  chart.setOption(options[element.dataset.chart]);
  window.addEventListener('resize', () => chart.resize());
}
</script>
</body>
</html>
`;
}

function rowsTable(rows: readonly Row[]): string {
  const columns = Object.keys(rows[0]!);
  const head = columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => cell(r[c])).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** NULL is shown as such, muted, so it is never mistaken for an empty string. */
function cell(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return '<td class="null">NULL</td>';
  return typeof value === 'number' ? `<td class="number">${escape(String(value))}</td>` : `<td>${escape(String(value))}</td>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script> element: `<` escaped so no value (a song title, say) can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function echartsSource(): string {
  // Inside a string or a regular expression, `<\/script` means the same as `</script`, which would end the element.
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2630; --muted: #5d6b78; --rule: #dfe4ea; --accent: #3b6ea5; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f6f8fa; }
header, main { max-width: 980px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { margin: 0 0 6px; font-size: 26px; }
header p { margin: 0 0 12px; color: var(--muted); }
nav ol { margin: 0 0 8px; padding-left: 22px; columns: 2; column-gap: 32px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
section { background: #fff; border: 1px solid var(--rule); border-radius: 8px; margin: 18px 0; padding: 18px 22px 14px; break-inside: avoid; }
h2 { margin: 0 0 6px; font-size: 18px; }
.answer { margin: 0 0 12px; font-size: 16px; }
.no-data { color: var(--muted); font-style: italic; }
.chart { width: 100%; margin: 4px 0 8px; }
details summary { cursor: pointer; color: var(--accent); font-size: 14px; margin: 4px 0; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 8px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.null { color: var(--muted); font-style: italic; }
.notes { margin: 6px 0 0; font-size: 13px; color: var(--muted); }
code { font-size: 12px; }
@media print { body { background: #fff; } section { border: none; padding: 0; } nav { display: none; } }
`;
