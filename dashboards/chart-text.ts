/**
 * A chart in words, for people who cannot see it: its kind, its series, the span of its
 * categories and each series' highest and lowest value. The alternative text of the chart in the
 * PDF (its Figure) and the accessible name of the chart on the screen.
 */
import { formatValue, type Lang } from './i18n';
import type { ChartSpec } from './specs';

const KIND = {
  de: { bar: 'Balkendiagramm', hbar: 'Balkendiagramm', stacked: 'Gestapeltes Balkendiagramm', line: 'Liniendiagramm', map: 'Karte der Länder' },
  en: { bar: 'Bar chart', hbar: 'Bar chart', stacked: 'Stacked bar chart', line: 'Line chart', map: 'Map of the states' },
} as const;

const W = {
  de: { of: 'von', to: 'bis', highest: 'höchster Wert', lowest: 'niedrigster', none: 'keine Werte', categories: 'Kategorien' },
  en: { of: 'of', to: 'to', highest: 'highest', lowest: 'lowest', none: 'no values', categories: 'categories' },
} as const;

export function describeChart(spec: ChartSpec, lang: Lang, title: string): string {
  const w = W[lang];
  const stacked = spec.type === 'hbar' && spec.series.some((s) => s.stack) ? 'stacked' : spec.type;
  const cats = spec.categories;
  const note = (i: number) => spec.partial?.find((p) => p.index === i)?.note;
  const name = (i: number) => (note(i) ? `${cats[i]!.label}, ${note(i)}` : cats[i]!.label);
  const span = !cats.length ? '' : spec.time ? `${cats[0]!.label} ${w.to} ${cats.at(-1)!.label}` : `${cats.length} ${w.categories} (${cats.slice(0, 3).map((c) => c.label).join(', ')}${cats.length > 3 ? ', …' : ''})`;
  const series = spec.series.map((s) => {
    let hi = -1;
    let lo = -1;
    s.data.forEach((v, i) => {
      if (v === null) return;
      if (hi < 0 || v > s.data[hi]!) hi = i;
      if (lo < 0 || v < s.data[lo]!) lo = i;
    });
    if (hi < 0) return `${s.name}: ${w.none}`;
    return `${s.name}: ${w.highest} ${formatValue(s.data[hi], s.format, lang)} (${name(hi)}), ${w.lowest} ${formatValue(s.data[lo], s.format, lang)} (${name(lo)})`;
  });
  return `${KIND[lang][stacked]} ${lang === 'de' ? `„${title}“` : `“${title}”`}${span ? `, ${span}` : ''}. ${series.join('; ')}.`;
}
