/**
 * Charts that can be read, drawn by ECharts itself (server-side SVG, as for the PDF) and counted
 * from its instance: no category label is dropped at any width from a phone-narrow panel to a
 * desktop, names too long for their bars turn the chart horizontal and wrap (never more than two
 * lines, a cut shows "…"), a time axis is labelled at regular steps, legends wrap instead of
 * paging, and a period covered in part is marked.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import { countChartLabels } from '../e2e/chart-labels';
import { buildOption, chartLayout, wrapLabel } from './chart-option';
import { describeChart } from './chart-text';
import type { ChartSpec } from './specs';

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

const cats = (labels: string[]) => labels.map((label, i) => ({ code: String(i), label }));
const values = (n: number, f = (i: number) => 10 + ((i * 37) % 50)) => Array.from({ length: n }, (_, i) => f(i));
const bar = (labels: string[], format: 'count' | 'percent' = 'percent', series = 1): ChartSpec => ({
  type: 'bar',
  categories: cats(labels),
  series: Array.from({ length: series }, (_, k) => ({ name: `Reihe ${k + 1}`, format, data: values(labels.length) })),
  categoryTitle: 'Kategorie',
});
const months = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(`${from}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + i);
    return d.toISOString().slice(0, 7);
  });
const monthly = (n: number, series = 2, type: ChartSpec['type'] = 'line'): ChartSpec => ({
  type,
  time: 'month',
  categories: months('2024-12', n).map((code) => ({ code, label: code })),
  series: Array.from({ length: series }, (_, k) => ({ name: `Reihe ${k + 1}`, format: 'count', data: values(n), ...(type === 'stacked' ? { stack: 'total' } : {}) })),
  categoryTitle: 'Monat',
});

/** Draws the chart at a width (and the height it asks for, or a fixed one) and counts what ECharts drew. */
function draw(spec: ChartSpec, width: number, height?: number, patch?: (o: Record<string, unknown>) => void) {
  const h = height ?? chartLayout(spec, 'de', { width }).height;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: h });
  try {
    const option = buildOption(spec, 'de', { width, height: h }) as Record<string, unknown>;
    patch?.(option);
    chart.setOption(option);
    return { ...countChartLabels(chart), option: chart.getOption() as Record<string, Array<Record<string, unknown>>> };
  } finally {
    chart.dispose();
  }
}

const COURSE_TYPES = ['Allgemeiner Integrationskurs', 'Jugendintegrationskurs', 'Elternintegrationskurs', 'Frauenintegrationskurs', 'Alphabetisierungskurs', 'Intensivkurs', 'Zweitschriftlernerkurs', '(ohne Zuordnung)'];
const MODULES = ['Basismodul B2', 'Basismodul C1', 'Spezialmodul A2', 'Spezialmodul B1', 'Spezialmodul Berufssprache', '(ohne Zuordnung)'];
const STAGES = ['Anhörung ausstehend', 'angehört, Entscheidung ausstehend'];
const AGES = ['bis 3 Monate', '3 bis 6 Monate', '6 bis 12 Monate', '12 bis 24 Monate', 'über 24 Monate'];
const NATIONALITIES = ['Arabische Republik Syrien', 'Türkei', 'Afghanistan', 'Irak', 'Somalia', 'Islamische Republik Iran', 'Eritrea', 'Russische Föderation', 'Nordmazedonien', 'Pakistan', 'Albanien', 'Algerien', 'Nigeria', 'Demokratische Republik Kongo', 'Bosnien und Herzegowina'];
// half of a 1024 px screen, a tablet in portrait, a phone, a wide desktop panel, the PDF page
const WIDTHS = [320, 460, 700, 1300, 770];

describe('category axes', () => {
  for (const [name, labels] of Object.entries({ COURSE_TYPES, MODULES, STAGES, AGES, NATIONALITIES })) {
    it(`${name}: every category has its label drawn, at every width`, () => {
      for (const width of WIDTHS) {
        const c = draw(bar(labels), width);
        expect(c.axis, `${name} at ${width}`).toBe('categories');
        expect(c.intended, `${name} at ${width}: asked for`).toBe(labels.length);
        expect(c.drawn, `${name} at ${width}: drawn`).toBe(labels.length);
      }
    });
  }

  it('the counter sees ECharts hide colliding labels (the check can fail)', () => {
    const c = draw(bar(COURSE_TYPES), 460, 300, (o) => {
      // the old option: vertical bars, labels hidden where they collide
      const axis = (o.yAxis as { type: string }).type === 'category' ? 'yAxis' : 'xAxis';
      const other = axis === 'yAxis' ? 'xAxis' : 'yAxis';
      [o.xAxis, o.yAxis] = [{ type: 'category', data: COURSE_TYPES, axisLabel: { hideOverlap: true } }, { ...(o[other] as object) }];
    });
    expect(c.drawn).toBeLessThan(COURSE_TYPES.length);
  });

  it('turns bars horizontal when names do not fit under them, and keeps short names under vertical bars', () => {
    expect(chartLayout(bar(COURSE_TYPES), 'de', { width: 460 }).horizontal).toBe(true);
    expect(chartLayout(bar(STAGES), 'de', { width: 460 }).horizontal).toBe(false);
    expect(chartLayout(bar(['Zentrale', 'Außenstelle', 'AnKER-Einrichtung']), 'de', { width: 460 }).horizontal).toBe(false);
  });

  it('wraps a name onto at most two lines, cuts the rest with "…", and grows the chart with its rows', () => {
    expect(wrapLabel('Abschiebungsverbot (§ 60 Abs. 5/7 AufenthG)', 150, 2)).toEqual({ lines: ['Abschiebungsverbot (§ 60', 'Abs. 5/7 AufenthG)'], cut: false });
    const long = wrapLabel('Formelle Entscheidung (Dublin-Verfahren, Rücknahme oder sonstige Einstellung des Verfahrens)', 150, 2);
    expect(long.lines).toHaveLength(2);
    expect(long.cut).toBe(true);
    expect(long.lines[1]!.endsWith('…')).toBe(true);
    const few = chartLayout({ ...bar(NATIONALITIES.slice(0, 4)), type: 'hbar' }, 'de', { width: 700 }).height;
    const many = chartLayout({ ...bar(NATIONALITIES), type: 'hbar' }, 'de', { width: 700 }).height;
    expect(many).toBeGreaterThan(few * 2);
    // printed at a fixed height, names keep to one line when two would not fit
    const printed = chartLayout({ ...bar([...NATIONALITIES, ...NATIONALITIES]), type: 'hbar' }, 'de', { width: 770, height: 400 });
    expect(printed.labels.every((l) => !l.includes('\n'))).toBe(true);
  });
});

describe('time axes', () => {
  it('labels every month of a 12- or 24-month chart on a tablet, down to its initial, with the year under its first month', () => {
    for (const width of [460, 700, 1300]) {
      const c = draw(monthly(24), width);
      expect(c.axis).toBe('time');
      expect(c.intended, `at ${width}`).toBe(24);
      expect(c.drawn, `at ${width}`).toBe(24);
    }
    const labels = chartLayout(monthly(24), 'de', { width: 460 }).labels;
    expect(labels[1]).toBe('J\n2025');
    expect(labels[2]).toBe('F');
  });

  it('labels a long span at regular steps, and ECharts draws every label asked for', () => {
    const c = draw(monthly(140, 1, 'stacked'), 700);
    expect(c.drawn).toBe(c.intended);
    expect(c.intended).toBeGreaterThan(5);
    expect(c.intended).toBeLessThanOrEqual(13);
    const labels = chartLayout(monthly(140, 1, 'stacked'), 'de', { width: 700 }).labels;
    // every year at its January, nothing in between
    expect(labels.filter(Boolean).every((l) => /^\d{4}$/.test(l))).toBe(true);
  });
});

describe('legends', () => {
  it('wrap onto more rows instead of paging, and the plot starts below them', () => {
    const spec = monthly(12, 5, 'stacked');
    spec.series.forEach((s, i) => (s.name = ['Allgemeiner Integrationskurs', 'Zweitschriftlernerkurs', 'Elternintegrationskurs', 'Frauenintegrationskurs', 'Alphabetisierungskurs'][i]!));
    const narrow = draw(spec, 460);
    expect(narrow.legendType).toBe('plain');
    expect(narrow.legendDrawn).toBe(5);
    const wide = draw(spec, 1300);
    const top = (c: typeof narrow) => Number((c.option.grid![0] as { top: number }).top);
    expect(top(narrow)).toBeGreaterThan(top(wide));
  });
});

describe('periods covered in part', () => {
  const partial = (type: ChartSpec['type']): ChartSpec => ({ ...monthly(13, 1, type), partial: [{ index: 12, note: 'unvollständig bis 01.12.' }] });

  it('continue a line dashed into the last month, mark its label and name it in the tooltip', () => {
    const o = buildOption(partial('line'), 'de', { width: 700 }) as { series: Array<{ data: Array<number | null>; lineStyle: { type?: string } }>; tooltip: { formatter: (p: unknown) => string } };
    expect(o.series).toHaveLength(2);
    expect(o.series[0]!.data[12]).toBeNull();
    expect(o.series[1]!.lineStyle.type).toBe('dashed');
    expect(o.series[1]!.data.filter((v) => v !== null)).toHaveLength(2);
    expect(chartLayout(partial('line'), 'de', { width: 700 }).labels[12]).toMatch(/^Dez\.?\*/);
    const tip = o.tooltip.formatter([{ dataIndex: 12, seriesName: 'Reihe 1', value: 3, marker: '' }]);
    expect(tip).toContain('unvollständig bis 01.12.');
  });

  it('fade the last bar with a dashed outline', () => {
    const o = buildOption(partial('stacked'), 'de', { width: 700 }) as { series: Array<{ data: Array<number | { itemStyle: { opacity: number; borderType: string } }> }> };
    const last = o.series[0]!.data[12] as { itemStyle: { opacity: number; borderType: string } };
    expect(last.itemStyle).toMatchObject({ opacity: 0.45, borderType: 'dashed' });
    expect(typeof o.series[0]!.data[11]).toBe('number');
  });

  it('are named in the words that describe the chart', () => {
    const text = describeChart({ ...partial('line'), categories: partial('line').categories.map((c) => ({ ...c, label: `M ${c.code}` })) }, 'de', 'Anträge');
    expect(text).toMatch(/^Liniendiagramm „Anträge“, M 2024-12 bis M 2025-12\. Reihe 1: höchster Wert \d+ \(.*\), niedrigster \d+ \(.*\)\.$/);
  });
});
