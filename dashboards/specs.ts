/** What the server hands the client for a panel: plain data, ready to draw and to tabulate. */
import type { ValueFormat } from './i18n';

export interface Category {
  code: string;
  label: string;
}

export interface SeriesSpec {
  name: string;
  format: ValueFormat;
  data: Array<number | null>;
  /** for stacked bars */
  stack?: string;
}

export interface ChartSpec {
  type: 'bar' | 'hbar' | 'stacked' | 'line' | 'map';
  categories: Category[];
  series: SeriesSpec[];
  /** the dimension a click on a category filters by */
  clickDim?: string;
  /** the category currently filtered on */
  selected?: string;
  /** title of the category axis, for the table */
  categoryTitle: string;
  /** the dimension the categories are values of (for exports) */
  categoryDim?: string;
}

export interface KpiTile {
  metric: string;
  label: string;
  format: ValueFormat;
  value: number | null;
  previous: number | null;
  changePct: number | null;
  spark: Array<number | null>;
  allowed: boolean;
}

export type PanelData =
  | { status: 'ok'; kind: 'kpis'; tiles: KpiTile[]; suppressed: number }
  | { status: 'ok'; kind: 'chart'; chart: ChartSpec; suppressed: number; empty: boolean; league?: boolean }
  | { status: 'forbidden' | 'error'; message: string };
