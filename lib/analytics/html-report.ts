/**
 * The answers as one self-contained HTML page with no script: the charts are SVG drawn when the page is
 * built (charts.ts), so it opens with no network (a laptop on a plane, an attachment in a mail) and a test
 * can check it by reading it. Every question gets its answer and its numbers; those a picture answers better
 * get a chart. Text the source double-encoded is shown decoded, with a footnote saying what is stored.
 */
import { groupThousands, groups } from '../format/result-table';
import type { StarTable } from '../pipeline/tables';
import type { Row, SqlValue } from '../warehouse/warehouse';
import type { Answered, Repaired } from './answer-questions';
import { chartSvg, drawsChart } from './charts';
import { visibleControls } from './double-encoding';
import { count, isTrue } from './wording';

export interface ReportContext {
  /** Which warehouse answered, as its description says. */
  readonly warehouse: string;
  readonly generatedAt: Date;
  /** Row counts of the star tables, for the page's opening line. */
  readonly tables: Readonly<Record<StarTable, number>>;
}

const TITLE = 'Sparkify: what the plays say';

export function renderReport(answered: readonly Answered[], context: ReportContext): string {
  const sections = answered.map((a) => {
    const name = a.question.name;
    const rows = a.shown;
    const chart = drawsChart(a.question.chart, rows) ? a.question.chart : undefined;
    const table = rows.length === 0 ? '' : rowsTable(rows, a.repaired);
    const partial = chart !== undefined && rows.some((r) => isTrue(r['partial']));
    return `
<section id="${name}" data-question="${name}">
  <h2>${escape(a.text.question)}</h2>
  <p class="answer${rows.length === 0 ? ' no-data' : ''}">${escape(a.answer)}</p>
  ${chart ? `<figure class="chart" data-chart="${name}" role="img" aria-label="${escape(`Chart: ${a.text.question}`)}">${chartSvg(chart, rows)}</figure>` : ''}
  ${partial ? '<p class="notes">Paler bars: periods the data covers only in part, left out of the comparison.</p>' : ''}
  ${chart && table ? `<details><summary>The numbers (${count(rows.length)} row${rows.length === 1 ? '' : 's'})</summary>${table}</details>` : table}
  ${footnote(a.repaired)}
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
</body>
</html>
`;
}

/** Says which names are shown decoded and how the warehouse stores them. */
function footnote(repaired: readonly Repaired[]): string {
  if (repaired.length === 0) return '';
  const items = repaired.map((r) => `“${escape(r.shown)}” is stored as “${escape(visibleControls(r.stored))}”`).join('; ');
  return `<p class="notes footnote" data-repaired="${repaired.length}">* Shown decoded: the source data double-encodes ${repaired.length === 1 ? 'this name' : 'these names'} in UTF-8 (the data test songplays double_encoded counts them). ${items}.</p>`;
}

function rowsTable(rows: readonly Row[], repaired: readonly Repaired[]): string {
  const columns = Object.keys(rows[0]!);
  const decoded = new Set(repaired.map((r) => r.shown));
  const head = columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => cell(c, r[c], decoded)).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** NULL is shown as such, muted, so it is never mistaken for an empty string; numbers grouped as in the text. */
function cell(column: string, value: SqlValue | undefined, decoded: ReadonlySet<string>): string {
  if (value === null || value === undefined) return '<td class="null">NULL</td>';
  if (typeof value === 'number') return `<td class="number">${escape(groups(column) ? groupThousands(value) : String(value))}</td>`;
  const text = String(value);
  return `<td>${escape(text)}${decoded.has(text) ? '<sup>*</sup>' : ''}</td>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
.chart { margin: 4px 0 8px; }
.chart svg { width: 100%; height: auto; display: block; }
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
