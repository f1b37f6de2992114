/**
 * The ECharts option of a chart, from the plain data the server hands over. One function for the
 * browser (dashboards/ui/chart.client.tsx) and the server (PDF exports render the same chart to
 * SVG), so a printed chart looks like the one on the screen.
 *
 * Category axes never drop a label (ECharts would hide the ones that collide): names wrap onto at
 * most two lines and what is still too long is cut with "…" (the full name is in the tooltip and
 * the table); bars turn horizontal when the names do not fit under them, and a horizontal chart
 * grows with its rows. A time axis is a scale: every period is labelled when the labels fit (down
 * to a month's initial), otherwise every quarter, year or n-th year — chosen here, never left to
 * collision handling. Periods the data cover in part are marked: a dashed last segment, a faded
 * bar with a dashed outline, an asterisk at the axis label and the note in the tooltip.
 */
import { format, type EChartsCoreOption } from 'echarts/core';
import { formatValue, timeLabel, type Lang } from './i18n';
import type { ChartEvent, ChartSpec } from './specs';
import { processWide } from '../platform/process-wide';

// A palette with sufficient contrast on white, distinguishable for the common colour-vision deficiencies.
export const PALETTE = ['#1f5a96', '#d2691e', '#2e8540', '#8a3ffc', '#b0233b', '#0b7f86', '#6b5e00', '#5a5a5a', '#c1459b', '#3b7dd8'];

const FONT = 12;
const LINE = 15;
/** room the value labels take beside a vertical chart, and the grid's own margins */
const VALUE_AXIS_W = 56;
const GRID_X = 24;
const textWidth = (s: string) => format.getTextRect(s, `${FONT}px sans-serif`).width;
const widest = (lines: readonly string[]) => lines.reduce((w, l) => Math.max(w, textWidth(l)), 0);

export interface ChartSize {
  width: number;
  /** fixed (print); otherwise the layout says how high the chart wants to be */
  height?: number;
}

/** `s` cut with "…" to fit `w`. */
function cut(s: string, w: number): string {
  if (textWidth(s) <= w) return s;
  let t = s;
  while (t.length > 1 && textWidth(`${t}…`) > w) t = t.slice(0, -1);
  return `${t.trimEnd()}…`;
}

/** Words, with the break opportunities after hyphens and slashes ("Erst-/Folgeanträge"). */
function tokens(text: string): Array<{ t: string; space: boolean }> {
  const out: Array<{ t: string; space: boolean }> = [];
  text.split(/\s+/).forEach((word, i) =>
    word
      .replace(/([-/–])/g, '$1\u0000')
      .split('\u0000')
      .filter(Boolean)
      .forEach((t, j) => out.push({ t, space: i > 0 && j === 0 })),
  );
  return out;
}

/** Greedy wrap to `w`: at most `maxLines` lines, the last cut with "…"; `cut` says whether anything was lost. */
export function wrapLabel(text: string, w: number, maxLines: number): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  let cur = '';
  for (const { t, space } of tokens(text)) {
    const next = cur ? `${cur}${space ? ' ' : ''}${t}` : t;
    if (!cur || textWidth(next) <= w) cur = next;
    else {
      lines.push(cur);
      cur = t;
    }
  }
  if (cur) lines.push(cur);
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), lines.slice(maxLines - 1).join(' ')] : lines;
  const out = kept.map((l) => cut(l, w));
  return { lines: out, cut: lines.length > maxLines || out.some((l, i) => l !== kept[i]) };
}

function legendHeight(spec: ChartSpec, width: number): number {
  if (spec.type === 'map' || spec.series.length < 2) return 0;
  let rows = 1;
  let x = 0;
  for (const s of spec.series) {
    const w = 30 + textWidth(s.name);
    if (x > 0 && x + w > width - 16) {
      rows++;
      x = 0;
    }
    x += w + 10;
  }
  return rows * 22 + 4;
}

const monthFormats = processWide('chart:month-formats', () => new Map<string, Intl.DateTimeFormat>());
function monthName(code: string, lang: Lang, style: 'short' | 'long'): string {
  const key = `${lang}:${style}`;
  let f = monthFormats.get(key);
  if (!f) monthFormats.set(key, (f = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { month: style, timeZone: 'UTC' })));
  return f.format(new Date(`${code.slice(0, 7)}-01T00:00:00Z`));
}

/**
 * The labels of a time axis for a slot width ('' = not labelled): the first scheme whose labels
 * fit — every period in full, every period short with the year at its first period, every month
 * by its initial, every quarter, every year, every n-th year.
 */
function timeLabels(spec: ChartSpec, lang: Lang, slot: number): string[] {
  const codes = spec.categories.map((c) => c.code);
  const n = codes.length;
  const grain = spec.time!;
  // centred labels, line by line: neighbours on the same line must not touch
  const fits = (labels: string[]) => {
    for (const line of [0, 1]) {
      let prev = -1;
      let prevW = 0;
      for (let i = 0; i < n; i++) {
        const text = labels[i]?.split('\n')[line];
        if (!text) continue;
        const w = textWidth(text);
        if (prev >= 0 && (prevW + w) / 2 + 4 > (i - prev) * slot) return false;
        prev = i;
        prevW = w;
      }
    }
    return true;
  };
  const yearOf = (c: string) => c.slice(0, 4);
  const isYearStart = (c: string, i: number) => i === 0 || yearOf(c) !== yearOf(codes[i - 1]!);
  // the year under the first period of each year; under the very first only if the next year's label is far enough away
  const withYear = (first: (c: string, i: number) => string) => (c: string, i: number) => {
    const nextStart = codes.findIndex((x, j) => j > i && isYearStart(x, j));
    const room = (nextStart < 0 ? n : nextStart) - i;
    return isYearStart(c, i) && (i > 0 || room * slot >= textWidth('2000') + 8) ? `${first(c, i)}\n${yearOf(c)}` : first(c, i);
  };
  const every = (k: number, label: (c: string, i: number) => string) => codes.map((c, i) => (i % k === 0 ? label(c, i) : ''));
  const schemes: Array<() => string[]> = [];
  const month = (c: string) => Number(c.slice(5, 7));
  if (grain === 'month' || grain === 'month-of-year') {
    const short = (c: string) => monthName(c, lang, 'short');
    const initial = (c: string) => monthName(c, lang, 'long').slice(0, 1);
    const y = grain === 'month' ? withYear : (f: (c: string, i: number) => string) => f;
    if (grain === 'month') schemes.push(() => codes.map((c) => timeLabel(c, 'month', lang)));
    schemes.push(() => codes.map(y(short)));
    schemes.push(() => codes.map(y(initial)));
    schemes.push(() => codes.map((c, i) => ((month(c) - 1) % 3 === 0 ? y(short)(c, i) : '')));
    if (grain === 'month') {
      schemes.push(() => codes.map((c, i) => (month(c) === 1 || (i === 0 && (13 - month(c)) * slot >= textWidth('2000') + 8) ? yearOf(c) : '')));
      for (const k of [2, 5, 10]) schemes.push(() => codes.map((c) => (month(c) === 1 && Number(yearOf(c)) % k === 0 ? yearOf(c) : '')));
    }
  } else if (grain === 'quarter') {
    schemes.push(() => codes.map((c) => timeLabel(c, 'quarter', lang)));
    schemes.push(() => codes.map(withYear((c) => c.slice(5))));
    schemes.push(() => codes.map((c, i) => (isYearStart(c, i) ? yearOf(c) : '')));
  } else {
    const full = (c: string) => timeLabel(c, grain, lang);
    schemes.push(() => codes.map(full));
    for (const k of [2, 3, 5, 7, 10, 20, 50]) schemes.push(() => every(k, full));
  }
  // a period covered in part is marked at its label
  const mark = (labels: string[]) => {
    for (const p of spec.partial ?? []) {
      const l = labels[p.index];
      if (l) labels[p.index] = l.replace(/^[^\n]*/, (first) => `${first}*`);
    }
    return labels;
  };
  let labels: string[] = [];
  for (const s of schemes) {
    labels = mark(s());
    if (fits(labels)) break;
  }
  return labels;
}

export interface ChartLayout {
  horizontal: boolean;
  /** the category labels as drawn ('' = not labelled, on time axes only) */
  labels: string[];
  /** the height the chart needs (its own when the size fixed none) */
  height: number;
  legendHeight: number;
}

/** How a chart is laid out at a size: orientation, its category labels, its height. */
export function chartLayout(spec: ChartSpec, lang: Lang, size: ChartSize): ChartLayout {
  const n = Math.max(1, spec.categories.length);
  const legendH = legendHeight(spec, size.width);
  if (spec.type === 'map') return { horizontal: false, labels: [], height: size.height ?? 380, legendHeight: 0 };
  const plotW = Math.max(40, size.width - GRID_X - VALUE_AXIS_W);
  const slot = plotW / n;
  if (spec.time) return { horizontal: false, labels: timeLabels(spec, lang, slot), height: size.height ?? 280 + legendH, legendHeight: legendH };
  if (spec.type !== 'hbar') {
    // names under the bars, when each fits its slot in two lines without a cut
    const wrapped = spec.categories.map((c) => wrapLabel(c.label, slot - 8, 2));
    if (wrapped.every((w) => !w.cut)) return { horizontal: false, labels: wrapped.map((w) => w.lines.join('\n')), height: size.height ?? 280 + legendH, legendHeight: legendH };
  }
  // horizontal bars: a column of names, each on at most two lines (one where a fixed height leaves no room)
  const labelW = Math.min(widest(spec.categories.map((c) => c.label)) + 2, Math.min(220, Math.max(96, size.width * 0.36)));
  const maxLines = size.height && (size.height - legendH - 40) / n < 2 * LINE + 4 ? 1 : 2;
  const wrapped = spec.categories.map((c) => wrapLabel(c.label, labelW, maxLines));
  const lines = Math.max(1, ...wrapped.map((w) => w.lines.length));
  const height = size.height ?? Math.min(1400, Math.max(200, legendH + n * (lines * LINE + 12) + 40));
  return { horizontal: true, labels: wrapped.map((w) => w.lines.join('\n')), height, legendHeight: legendH };
}

/** The first height of a chart, before its width is known (the server's render): one line per row. */
export const initialHeight = (spec: ChartSpec) => (spec.type === 'map' ? 380 : spec.type === 'hbar' ? Math.min(1400, Math.max(200, spec.categories.length * 27 + 40)) : 300);

/** An event in a tooltip: its day, title and text (escaped). */
function eventTip(e: ChartEvent | undefined): string {
  if (!e) return '';
  const esc = format.encodeHTML;
  return `<b>${esc(e.date.split('-').reverse().join('.'))} ${esc(e.title)}</b>${e.text ? `<br/>${esc(e.text)}` : ''}`;
}

type TooltipParam = { dataIndex: number; seriesName: string; value: unknown; marker: string };

export function buildOption(spec: ChartSpec, lang: Lang, size: ChartSize = { width: 700 }): EChartsCoreOption {
  const formatOf = (seriesName: string) => spec.series.find((s) => s.name === seriesName)?.format ?? spec.series[0]?.format ?? 'count';
  const fmt = (v: unknown, seriesName = '') => formatValue(typeof v === 'number' ? v : null, formatOf(seriesName), lang);
  const esc = format.encodeHTML;
  const notes = new Map((spec.partial ?? []).map((p) => [p.index, p.note]));
  const events = spec.events ?? [];
  const base = {
    color: PALETTE,
    animation: false,
    aria: { enabled: true, decal: { show: true }, label: { enabled: true } },
  };
  if (spec.type === 'map') {
    const values = spec.series[0]?.data ?? [];
    const max = Math.max(1, ...values.map((v) => v ?? 0));
    const name = (p: { name: string }) => spec.categories.find((c) => c.code === p.name)?.label ?? p.name;
    return {
      ...base,
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${esc(name(p))}: ${esc(fmt(p.value))}` },
      visualMap: { type: 'continuous', min: 0, max, left: 0, bottom: 0, calculable: false, inRange: { color: ['#e8f0f8', '#1f5a96'] }, text: [fmt(max), '0'], itemHeight: 90 },
      series: [
        {
          type: 'map',
          map: 'de-states',
          nameProperty: 'ags',
          roam: false,
          selectedMode: 'single',
          label: { show: false, formatter: name },
          emphasis: { label: { show: true, formatter: name } },
          select: { label: { show: true, formatter: name }, itemStyle: { areaColor: '#ffbf47' } },
          data: spec.categories.map((c, i) => ({ name: c.code, value: values[i], selected: spec.selected === c.code })),
        },
      ],
    };
  }
  const layout = chartLayout(spec, lang, size);
  const horizontal = layout.horizontal;
  const categoryAxis = {
    // 'time': a scale, labelled where chartLayout says; 'categories': every category labelled
    id: spec.time ? 'time' : 'categories',
    type: 'category',
    data: spec.categories.map((c) => c.label),
    inverse: horizontal,
    axisTick: { alignWithLabel: true },
    axisLabel: {
      // every label is drawn ('' where a time axis leaves a period unlabelled): with interval 0 ECharts
      // hides none for colliding, not even the first or last
      interval: 0,
      hideOverlap: false,
      formatter: (_v: string, i: number) => layout.labels[i] ?? '',
      lineHeight: LINE,
      fontSize: FONT,
    },
  };
  const plotW = Math.max(40, size.width - GRID_X - (horizontal ? widest(layout.labels.flatMap((l) => l.split('\n'))) : VALUE_AXIS_W));
  const valueAxis = { type: 'value', splitNumber: horizontal ? Math.max(2, Math.min(5, Math.floor(plotW / 90))) : 5, axisLabel: { formatter: (v: number) => fmt(v), hideOverlap: true, fontSize: FONT } };

  // a period covered in part: lines continue into it dashed, bars there are faded with a dashed outline
  const series: object[] = [];
  spec.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const partial = s.complete ? new Map<number, string>() : notes;
    if (spec.type === 'line') {
      const line = { type: 'line', name: s.name, connectNulls: false, showSymbol: spec.categories.length < 40, emphasis: { focus: 'series' }, itemStyle: { color }, lineStyle: { color } };
      series.push({ ...line, data: s.data.map((v, i) => (partial.has(i) ? null : v)) });
      if (partial.size) {
        const near = (i: number) => partial.has(i) || partial.has(i - 1) || partial.has(i + 1);
        series.push({ ...line, data: s.data.map((v, i) => (near(i) ? v : null)), lineStyle: { color, type: 'dashed' }, symbol: 'emptyCircle', tooltip: { show: true } });
      }
      return;
    }
    series.push({
      type: 'bar',
      name: s.name,
      stack: s.stack,
      emphasis: { focus: 'series' },
      itemStyle: { color },
      // a ranking reads its values at the bars' ends
      label: horizontal && !s.stack && spec.series.length === 1 ? { show: true, position: 'right', fontSize: 11, color: '#1b1b1b', formatter: (p: { value: unknown }) => fmt(p.value, s.name) } : undefined,
      data: s.data.map((v, i) => (partial.has(i) ? { value: v, itemStyle: { color, opacity: 0.45, borderType: 'dashed', borderColor: '#1b1b1b', borderWidth: 1 } } : v)),
    });
  });

  // events on the time axis: a dashed vertical line at their period with a flag and the title on
  // hover (the tooltip of the period names them too, also when the list below the chart focuses one)
  if (events.length && series.length) {
    const first = series[0] as Record<string, unknown>;
    series[0] = {
      ...first,
      markLine: {
        silent: false,
        symbol: ['none', 'pin'],
        symbolSize: 14,
        animation: false,
        lineStyle: { color: '#444', type: 'dashed', width: 1 },
        label: { show: true, position: 'end', formatter: (p: { dataIndex: number }) => `${p.dataIndex + 1}`, fontSize: 10, color: '#1b1b1b' },
        tooltip: { show: true, formatter: (p: { dataIndex: number }) => eventTip(events[p.dataIndex]) },
        data: events.map((e) => ({ xAxis: e.index, name: e.title })),
      },
    };
  }

  return {
    ...base,
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: TooltipParam | TooltipParam[]) => {
        const ps = Array.isArray(params) ? params : [params];
        const i = ps[0]?.dataIndex ?? 0;
        const cat = spec.categories[i];
        const rows = spec.series
          .map((s) => {
            const mine = ps.filter((p) => p.seriesName === s.name);
            if (!mine.length) return '';
            const p = mine.find((x) => typeof x.value === 'number') ?? mine[0]!;
            return `${p.marker}${esc(s.name)}: <b>${esc(fmt(p.value, s.name))}</b>`;
          })
          .filter(Boolean);
        const note = notes.get(i);
        const here = events.filter((e) => e.index === i).map((e) => `⚑ ${eventTip(e)}`);
        return [`<b>${esc(cat?.label ?? '')}</b>${note ? ` – ${esc(note)}` : ''}`, ...rows, ...here].join('<br/>');
      },
    },
    legend: spec.series.length > 1 ? { type: 'plain', top: 0, left: 'center', data: spec.series.map((s) => s.name), itemGap: 10, itemWidth: 22, itemHeight: 12, textStyle: { fontSize: FONT } } : undefined,
    grid: { left: 8, right: horizontal ? (spec.series.length === 1 ? 64 : 24) : 16, top: layout.legendHeight + (horizontal ? 4 : 12), bottom: 8 },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series,
  };
}
