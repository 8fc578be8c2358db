/**
 * A question's chart, drawn at build time: ECharts renders it on the server as an SVG string (its SSR mode),
 * which the page embeds. The page then needs no script to show its charts, and a test can read every bar and
 * label from the HTML without a browser.
 */
import * as echarts from 'echarts';
import type { Row } from '../warehouse/warehouse';
import type { ChartSpec } from './questions';
import { count, isTrue } from './wording';

/** The width charts are drawn at; the page scales them to its column (the SVG keeps its viewBox). */
export const CHART_WIDTH = 880;

const COLORS = ['#3b6ea5', '#e08a2c', '#5a9e6f', '#b35c7a'];
/** Bars of a period the data covers only in part, paler: they are not comparable with the others. */
const PARTIAL_COLOR = '#b7c6d9';

/** A chart says more than the table only when it compares at least two things. */
export function drawsChart(spec: ChartSpec | undefined, rows: readonly Row[]): spec is ChartSpec {
  return spec !== undefined && rows.length >= 2;
}

/** Horizontal bars' labels wrap at this width, in pixels, in lines of LINE_HEIGHT. */
const LABEL_WIDTH = 280;
const LINE_HEIGHT = 14;
/** A 12 px sans-serif character's width, about: enough to tell how many lines a label wraps onto. */
const CHAR_WIDTH = 6.5;

/** Height in pixels: horizontal bars get a band each, tall enough for the longest label, wrapped. */
export function chartHeight(spec: ChartSpec, rows: readonly Row[]): number {
  if (!spec.horizontal) return 320;
  const lines = Math.max(1, ...rows.map((r) => Math.ceil((spec.category(r).length * CHAR_WIDTH) / LABEL_WIDTH)));
  return 60 + rows.length * Math.max(30, lines * LINE_HEIGHT + 8);
}

export function chartOption(spec: ChartSpec, rows: readonly Row[]): echarts.EChartsCoreOption {
  const unit = spec.unit ?? '';
  // Values on every bar while they stay legible; long series rely on the axis and the table.
  const labelled = rows.length <= 12;
  // Numbers as the text and the tables write them: 1,958, not 1958.
  const format = (value: unknown) => `${count(Number(value))}${unit}`;
  const categoryAxis = {
    type: 'category' as const,
    data: rows.map(spec.category),
    // Top lists read top-down in the query's order.
    inverse: spec.horizontal === true,
    axisTick: { alignWithLabel: true },
    // A long title wraps onto more lines rather than losing its end ("Romance (..."): the label is the answer.
    axisLabel: spec.horizontal ? { width: LABEL_WIDTH, overflow: 'break' as const, lineHeight: LINE_HEIGHT } : { interval: 0, hideOverlap: true },
  };
  const valueAxis = { type: 'value' as const, axisLabel: { formatter: format } };
  return {
    animation: false,
    aria: { enabled: true },
    color: COLORS,
    grid: { left: 16, right: 48, top: spec.series.length > 1 ? 40 : 16, bottom: 32, containLabel: true },
    legend: spec.series.length > 1 ? { top: 0 } : { show: false },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({
      type: 'bar' as const,
      name: s.name,
      stack: spec.stacked ? 'total' : undefined,
      data: rows.map((r) => {
        const value = Number(r[s.column] ?? 0);
        return isTrue(r['partial']) ? { value, itemStyle: { color: PARTIAL_COLOR } } : value;
      }),
      label: {
        show: labelled && !spec.stacked,
        position: spec.horizontal ? ('right' as const) : ('top' as const),
        formatter: (p: { value: unknown }) => format(p.value),
      },
    })),
  };
}

/** The chart as an SVG element, ready to embed in the page. */
export function chartSvg(spec: ChartSpec, rows: readonly Row[]): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: chartHeight(spec, rows) });
  try {
    chart.setOption(chartOption(spec, rows));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
