/**
 * ECharts options for a question's chart, built here from its rows so the page only has to hand them to
 * ECharts. Options are plain JSON (no functions): they travel inside the HTML page.
 */
import type { EChartsOption } from 'echarts';
import type { Row } from '../warehouse/warehouse';
import type { ChartSpec } from './questions';

/** A chart says more than the table only when it compares at least two things. */
export function drawsChart(spec: ChartSpec | undefined, rows: readonly Row[]): spec is ChartSpec {
  return spec !== undefined && rows.length >= 2;
}

/** Height in pixels: horizontal bars get a line each, so long top-ten labels stay readable. */
export function chartHeight(spec: ChartSpec, rows: readonly Row[]): number {
  return spec.horizontal ? 60 + rows.length * 30 : 320;
}

export function chartOption(spec: ChartSpec, rows: readonly Row[]): EChartsOption {
  const unit = spec.unit ?? '';
  // Values on every bar while they stay legible; long series rely on the axis and the tooltip.
  const labelled = rows.length <= 12;
  const categoryAxis = {
    type: 'category' as const,
    data: rows.map(spec.category),
    // Top lists read top-down in the query's order.
    inverse: spec.horizontal === true,
    axisTick: { alignWithLabel: true },
    axisLabel: spec.horizontal ? { width: 280, overflow: 'truncate' as const } : { interval: 0, hideOverlap: true },
  };
  const valueAxis = { type: 'value' as const, axisLabel: unit ? { formatter: `{value}${unit}` } : {} };
  return {
    animation: false,
    aria: { enabled: true },
    color: ['#3b6ea5', '#e08a2c', '#5a9e6f', '#b35c7a'],
    grid: { left: 16, right: 40, top: spec.series.length > 1 ? 40 : 16, bottom: 32 },
    legend: spec.series.length > 1 ? { top: 0 } : { show: false },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({
      type: 'bar' as const,
      name: s.name,
      stack: spec.stacked ? 'total' : undefined,
      data: rows.map((r) => Number(r[s.column] ?? 0)),
      label: {
        show: labelled && !spec.stacked,
        position: spec.horizontal ? ('right' as const) : ('top' as const),
        formatter: `{c}${unit}`,
      },
    })),
  };
}
