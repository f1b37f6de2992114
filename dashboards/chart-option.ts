/**
 * The ECharts option of a chart, from the plain data the server hands over. One function for the
 * browser (dashboards/ui/chart.tsx) and the server (PDF exports render the same chart to SVG), so a
 * printed chart looks like the one on the screen.
 */
import type { EChartsCoreOption } from 'echarts/core';
import { formatValue, type Lang } from './i18n';
import type { ChartSpec } from './specs';

// A palette with sufficient contrast on white, distinguishable for the common colour-vision deficiencies.
export const PALETTE = ['#1f5a96', '#d2691e', '#2e8540', '#8a3ffc', '#b0233b', '#0b7f86', '#6b5e00', '#5a5a5a', '#c1459b', '#3b7dd8'];

export function buildOption(spec: ChartSpec, lang: Lang): EChartsCoreOption {
  const fmt = (v: unknown, i = 0) => formatValue(typeof v === 'number' ? v : null, spec.series[i]?.format ?? 'count', lang);
  const base = {
    color: PALETTE,
    animation: false,
    aria: { enabled: true, decal: { show: true }, label: { enabled: true } },
    tooltip: {
      trigger: spec.type === 'map' ? 'item' : 'axis',
      valueFormatter: (v: unknown) => fmt(v),
    },
  };
  if (spec.type === 'map') {
    const values = spec.series[0]?.data ?? [];
    const max = Math.max(1, ...values.map((v) => v ?? 0));
    return {
      ...base,
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${spec.categories.find((c) => c.code === p.name)?.label ?? p.name}: ${fmt(p.value)}` },
      visualMap: { type: 'continuous', min: 0, max, left: 0, bottom: 0, calculable: false, inRange: { color: ['#e8f0f8', '#1f5a96'] }, text: [fmt(max), '0'], itemHeight: 90 },
      series: [
        {
          type: 'map',
          map: 'de-states',
          nameProperty: 'ags',
          roam: false,
          selectedMode: 'single',
          label: { show: false, formatter: (p: { name: string }) => spec.categories.find((c) => c.code === p.name)?.label ?? p.name },
          emphasis: { label: { show: true, formatter: (p: { name: string }) => spec.categories.find((c) => c.code === p.name)?.label ?? p.name } },
          select: { label: { show: true, formatter: (p: { name: string }) => spec.categories.find((c) => c.code === p.name)?.label ?? p.name }, itemStyle: { areaColor: '#ffbf47' } },
          data: spec.categories.map((c, i) => ({ name: c.code, value: values[i], selected: spec.selected === c.code })),
        },
      ],
    };
  }
  const horizontal = spec.type === 'hbar';
  const categoryAxis = {
    type: 'category',
    data: spec.categories.map((c) => c.label),
    axisLabel: horizontal ? { width: 150, overflow: 'truncate' } : { hideOverlap: true },
    inverse: horizontal,
  };
  const valueAxis = { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } };
  return {
    ...base,
    legend: spec.series.length > 1 ? { top: 0, type: 'scroll' } : undefined,
    grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8 },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({
      type: spec.type === 'line' ? 'line' : 'bar',
      name: s.name,
      stack: s.stack,
      data: s.data,
      connectNulls: false,
      showSymbol: spec.categories.length < 40,
      emphasis: { focus: 'series' },
      itemStyle: spec.selected
        ? { opacity: 1 }
        : undefined,
    })),
  };
}

