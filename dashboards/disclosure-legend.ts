/**
 * The legend under a table, a chart and in every export: what disclosure control did to the
 * figures — in one sentence for managers and analysts, never which cells or by how much.
 */
import { t, type Lang } from './i18n';

export function disclosureLegend(lang: Lang, method: 'none' | 'cell-key' | 'threshold' | undefined, withheld: number, min: number): string[] {
  if (method === 'cell-key') return [t(lang, 'cellKeyLegend'), ...(withheld ? [t(lang, 'cellKeyWithheld', { n: min }), t(lang, 'suppressedCount', { n: withheld })] : [])];
  if (withheld) return [t(lang, 'suppressedLegend', { n: min }), t(lang, 'suppressedCount', { n: withheld })];
  return [];
}
