/** What the server hands the client for a panel: plain data, ready to draw and to tabulate. */
import type { Lang, ValueFormat } from './i18n';

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
  /** the series is complete even where the period is not (last year's line in a year-to-date comparison) */
  complete?: boolean;
}

/** The grain of a time axis (its categories are codes of that grain); 'month-of-year': months of one year, without the year. */
export type TimeGrain = 'day' | 'month' | 'quarter' | 'year' | 'month-of-year';

/** A category the data cover only in part (the current month, a period cut by the filter), and in words how far. */
export interface PartialCategory {
  index: number;
  /** "unvollständig bis 01.12." */
  note: string;
}

/** An event on a time axis ("Ereignis"): at the index of its period, with its day, title and text. */
export interface ChartEvent {
  id: string;
  index: number;
  date: string;
  title: string;
  text: string;
}

export interface ChartSpec {
  type: 'bar' | 'hbar' | 'stacked' | 'line' | 'map';
  categories: Category[];
  series: SeriesSpec[];
  /** the categories are periods of this grain (a time axis) */
  time?: TimeGrain;
  /** periods covered in part */
  partial?: PartialCategory[];
  /** the dimension a click on a category filters by */
  clickDim?: string;
  /** the category currently filtered on */
  selected?: string;
  /** title of the category axis, for the table */
  categoryTitle: string;
  /** the dimension the categories are values of (for exports) */
  categoryDim?: string;
  /** events on the time axis the viewer may see (dashboards/events) */
  events?: ChartEvent[];
}

export interface KpiTile {
  metric: string;
  label: string;
  format: ValueFormat;
  value: number | null;
  previous: number | null;
  changePct: number | null;
  /** whether a rise is favourable (the metric's declared direction) */
  direction: 'up-good' | 'up-bad' | 'neutral';
  spark: Array<number | null>;
  /** the last month of the sparkline is covered in part */
  sparkPartial?: boolean;
  allowed: boolean;
}

export type PanelData =
  | { status: 'ok'; kind: 'kpis'; tiles: KpiTile[]; suppressed: number; disclosure: 'none' | 'cell-key' | 'threshold' }
  | { status: 'ok'; kind: 'chart'; chart: ChartSpec; suppressed: number; disclosure: 'none' | 'cell-key' | 'threshold'; empty: boolean; league?: boolean; /** which rows a ranking holds, in words ("Länder mit mindestens 100 Entscheidungen") */ subtitle?: string }
  | { status: 'forbidden' | 'error'; message: string };

/** A panel as the page shows it: everything PanelFrame draws, serialisable (the server's answer to the browser). */
export interface PanelView {
  id: string;
  title: string;
  data: PanelData;
  lang: Lang;
  span: number;
  ignored: string[];
  note?: string;
  suppressBelow: number;
  filterKey: string;
  /** download link of the panel's data (without format) and the formats the user may export */
  exportBase: string;
  exportFormats: string[];
  /** "Pin to My FIS" for this panel (and its tiles), where the page offers it */
  pin?: { slug: string; panel: string; dataAsOf: string | null; labels: { pin: string; pinned: string; saveFailed: string } };
}
