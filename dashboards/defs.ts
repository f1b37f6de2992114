/**
 * The ten dashboards of architecture §5, declared: their filters and panels. A panel names metrics and
 * dimensions of the semantic layer — never SQL — and how to show them. The global filters (period,
 * state, office, nationality and the dashboard's own) apply to every panel whose metrics have the
 * dimension; the geographic panels drill from federal to state to office.
 */
import type { Label } from '../warehouse/semantic/dimensions';

export type FilterKey = 'state' | 'office' | 'nationality' | 'kind' | 'sex' | 'age_group' | 'outcome_group' | 'course_type' | 'entitlement_basis' | 'module' | 'referring_agency' | 'office_kind';

export type PanelKind =
  | 'kpis' // tiles with change vs the previous year and a sparkline
  | 'bar' // vertical bars over a dimension (one series per metric)
  | 'hbar' // horizontal bars, for ranked lists
  | 'stacked' // bars over time, stacked by a second dimension
  | 'line' // lines over time (one per metric, or per value of a second dimension)
  | 'running' // cumulative total of the year vs the previous year
  | 'map' // choropleth of the states
  | 'league'; // a table of several metrics per office/provider

export interface PanelDef {
  id: string;
  title: Label;
  kind: PanelKind;
  metrics: string[];
  /** Dimensions: for time series the first is the time grain; 'geo' means state or office by drill level. */
  by: string[];
  /** Keep the top N categories by the first metric (a ranking: sorted by it, descending). */
  top?: number;
  /**
   * A rate ranking ranks only the categories with enough cases: at least `minimumCases` of this
   * count metric (server/panels.ts); `label` says so under the title, with {n} the minimum applied.
   */
  minCases?: { metric: string; label: Label };
  /** Clicking a category filters the dashboard by it. */
  crossFilter?: FilterKey;
  /** Grid columns the panel spans (of 2). */
  span?: 1 | 2;
  /** Time panels show the last 24 months to the end of the period instead of the period. */
  trend?: boolean;
  /** Filters that always apply to this panel. */
  fixed?: Record<string, string[]>;
  note?: Label;
}

export interface DashboardDef {
  slug: string;
  filters: FilterKey[];
  panels: PanelDef[];
}

const L = (de: string, en: string): Label => ({ de, en });

export const DASHBOARD_DEFS: readonly DashboardDef[] = [
  {
    slug: 'overview',
    filters: ['state', 'office', 'nationality'],
    panels: [
      { id: 'kpis', title: L('Kennzahlen im Zeitraum', 'Key figures for the period'), kind: 'kpis', metrics: ['applications', 'decisions', 'pending', 'protection_rate', 'processing_months_median', 'participants_new'], by: [], span: 2 },
      { id: 'trend', title: L('Anträge und Entscheidungen je Monat', 'Applications and decisions per month'), kind: 'line', metrics: ['applications', 'decisions'], by: ['month'], trend: true },
      { id: 'map', title: L('Asylanträge nach Land', 'Asylum applications by state'), kind: 'map', metrics: ['applications'], by: ['state'], crossFilter: 'state' },
    ],
  },
  {
    slug: 'applications',
    filters: ['state', 'office', 'nationality', 'kind', 'sex', 'age_group'],
    panels: [
      { id: 'monthly', title: L('Erst- und Folgeanträge je Monat', 'Initial and follow-up applications per month'), kind: 'stacked', metrics: ['applications'], by: ['month', 'kind'], span: 2, crossFilter: 'kind' },
      { id: 'nationalities', title: L('Häufigste Staatsangehörigkeiten', 'Leading nationalities'), kind: 'hbar', metrics: ['applications'], by: ['nationality'], top: 10, crossFilter: 'nationality' },
      { id: 'map', title: L('Anträge nach Land', 'Applications by state'), kind: 'map', metrics: ['applications'], by: ['state'], crossFilter: 'state' },
      { id: 'age-sex', title: L('Altersgruppe und Geschlecht', 'Age group and sex'), kind: 'bar', metrics: ['applications'], by: ['age_group', 'sex'], crossFilter: 'age_group' },
      { id: 'geo', title: L('Anträge nach Land bzw. Außenstelle', 'Applications by state or office'), kind: 'hbar', metrics: ['applications'], by: ['geo'], top: 16 },
    ],
  },
  {
    slug: 'decisions',
    filters: ['state', 'office', 'nationality', 'outcome_group', 'kind'],
    panels: [
      { id: 'running', title: L('Entscheidungen im Jahr, kumuliert, gegenüber Vorjahr', 'Decisions this year, cumulative, vs. previous year'), kind: 'running', metrics: ['decisions'], by: ['month'] },
      { id: 'outcomes', title: L('Entscheidungen nach Ergebnis je Monat', 'Decisions by outcome per month'), kind: 'stacked', metrics: ['decisions'], by: ['month', 'outcome_group'], crossFilter: 'outcome_group' },
      { id: 'rates', title: L('Schutzquoten je Monat', 'Protection rates per month'), kind: 'line', metrics: ['protection_rate', 'protection_rate_adjusted'], by: ['month'] },
      { id: 'span', title: L('Im Antragsjahr entschieden oder jahresübergreifend', 'Decided in the year of application or later'), kind: 'stacked', metrics: ['decisions'], by: ['year', 'procedure_span'] },
      { id: 'outcome-detail', title: L('Entscheidungsarten', 'Kinds of decision'), kind: 'hbar', metrics: ['decisions'], by: ['outcome'], span: 2 },
    ],
  },
  {
    slug: 'pending',
    filters: ['state', 'office', 'nationality', 'kind'],
    panels: [
      { id: 'stock', title: L('Bestand am Monatsende', 'Stock at the end of each month'), kind: 'line', metrics: ['pending'], by: ['month'], trend: true, span: 2 },
      { id: 'age', title: L('Alter der anhängigen Verfahren', 'Age of the pending cases'), kind: 'bar', metrics: ['pending'], by: ['pending_age'] },
      { id: 'stage', title: L('Verfahrensstand', 'Stage'), kind: 'bar', metrics: ['pending'], by: ['pending_stage'] },
      { id: 'geo', title: L('Anhängige Verfahren nach Land bzw. Außenstelle', 'Pending cases by state or office'), kind: 'hbar', metrics: ['pending'], by: ['geo'], top: 16, span: 2 },
    ],
  },
  {
    slug: 'processing-times',
    filters: ['state', 'office', 'nationality', 'outcome_group', 'office_kind'],
    panels: [
      { id: 'distribution', title: L('Verteilung der Verfahrensdauer', 'Distribution of processing times'), kind: 'bar', metrics: ['decisions'], by: ['processing_time'] },
      { id: 'over-time', title: L('Median und Mittelwert je Monat', 'Median and mean per month'), kind: 'line', metrics: ['processing_months_median', 'processing_months_avg'], by: ['month'] },
      { id: 'anker', title: L('AnKER-Einrichtungen und andere Dienststellen', 'AnKER facilities and other offices'), kind: 'bar', metrics: ['processing_months_median', 'processing_months_avg'], by: ['office_kind'], crossFilter: 'office_kind' },
      { id: 'nationality', title: L('Median nach Staatsangehörigkeit', 'Median by nationality'), kind: 'hbar', metrics: ['processing_months_median'], by: ['nationality'], top: 10, crossFilter: 'nationality', minCases: { metric: 'decisions', label: L('Staatsangehörigkeiten mit mindestens {n} Entscheidungen im Zeitraum', 'Nationalities with at least {n} decisions in the period') } },
      { id: 'geo', title: L('Median nach Land bzw. Außenstelle', 'Median by state or office'), kind: 'hbar', metrics: ['processing_months_median'], by: ['geo'], top: 16, span: 2, minCases: { metric: 'decisions', label: L('Länder bzw. Außenstellen mit mindestens {n} Entscheidungen im Zeitraum', 'States or offices with at least {n} decisions in the period') } },
    ],
  },
  {
    slug: 'offices',
    filters: ['state', 'office', 'office_kind'],
    panels: [
      { id: 'league', title: L('Rangliste der Außenstellen', 'League table of offices'), kind: 'league', metrics: ['applications', 'decisions', 'pending', 'processing_months_median', 'protection_rate'], by: ['office'], span: 2, crossFilter: 'office' },
      { id: 'map', title: L('Entscheidungen nach Land', 'Decisions by state'), kind: 'map', metrics: ['decisions'], by: ['state'], crossFilter: 'state' },
      { id: 'trend', title: L('Eingänge und Entscheidungen je Monat', 'Receipts and decisions per month'), kind: 'line', metrics: ['applications', 'decisions'], by: ['month'], trend: true },
    ],
  },
  {
    slug: 'origins',
    filters: ['state', 'office', 'nationality', 'kind'],
    panels: [
      { id: 'top', title: L('Hauptherkunftsländer', 'Leading countries of origin'), kind: 'hbar', metrics: ['applications'], by: ['nationality'], top: 15, crossFilter: 'nationality' },
      { id: 'rates', title: L('Schutzquote nach Herkunftsland', 'Protection rate by country'), kind: 'hbar', metrics: ['protection_rate'], by: ['nationality'], top: 15, crossFilter: 'nationality', minCases: { metric: 'decisions', label: L('Länder mit mindestens {n} Entscheidungen im Zeitraum', 'Countries with at least {n} decisions in the period') } },
      { id: 'trends', title: L('Entwicklung der fünf Hauptherkunftsländer', 'Trends of the five leading countries'), kind: 'line', metrics: ['applications'], by: ['month', 'nationality'], top: 5, trend: true, span: 2 },
    ],
  },
  {
    slug: 'integration-courses',
    filters: ['state', 'nationality', 'course_type', 'entitlement_basis'],
    panels: [
      { id: 'courses', title: L('Begonnene Kurse nach Kursart', 'Courses started by type'), kind: 'stacked', metrics: ['courses_started'], by: ['month', 'course_type'], crossFilter: 'course_type' },
      { id: 'participants', title: L('Neue Teilnehmende nach Teilnahmegrundlage', 'New participants by entitlement basis'), kind: 'stacked', metrics: ['participants_new'], by: ['month', 'entitlement_basis'], crossFilter: 'entitlement_basis' },
      { id: 'map', title: L('Neue Teilnehmende nach Land', 'New participants by state'), kind: 'map', metrics: ['participants_new'], by: ['state'], crossFilter: 'state' },
      { id: 'capacity', title: L('Auslastung nach Kursart', 'Capacity use by course type'), kind: 'bar', metrics: ['capacity_use'], by: ['course_type'], crossFilter: 'course_type' },
      { id: 'providers', title: L('Kursträger mit den meisten Kursen', 'Providers with the most courses'), kind: 'league', metrics: ['courses_started', 'course_participants', 'capacity_use'], by: ['provider'], top: 15, span: 2 },
    ],
  },
  {
    slug: 'integration-outcomes',
    filters: ['state', 'nationality', 'course_type', 'entitlement_basis'],
    panels: [
      { id: 'dtz-time', title: L('DTZ-Ergebnisse je Monat', 'DTZ results per month'), kind: 'stacked', metrics: ['dtz_exams'], by: ['month', 'exam_result'] },
      { id: 'dtz-type', title: L('DTZ-Quote B1 nach Kursart', 'DTZ B1 rate by course type'), kind: 'bar', metrics: ['dtz_b1_rate'], by: ['course_type'], crossFilter: 'course_type' },
      { id: 'lid', title: L('Bestehensquote „Leben in Deutschland“ je Monat', '"Life in Germany" pass rate per month'), kind: 'line', metrics: ['lid_pass_rate'], by: ['month'] },
      { id: 'dropout', title: L('Abbruchquote nach Kursart', 'Drop-out rate by course type'), kind: 'bar', metrics: ['dropout_rate', 'completion_rate'], by: ['course_type'], crossFilter: 'course_type' },
    ],
  },
  {
    slug: 'vocational',
    filters: ['state', 'nationality', 'module', 'referring_agency'],
    panels: [
      { id: 'entitlements', title: L('Berechtigungen nach zuweisender Stelle', 'Entitlements by referring agency'), kind: 'stacked', metrics: ['vocational_entitlements'], by: ['month', 'referring_agency'], crossFilter: 'referring_agency' },
      { id: 'modules', title: L('Begonnene Kurse nach Modul', 'Courses started by module'), kind: 'bar', metrics: ['vocational_courses_started'], by: ['module'], crossFilter: 'module' },
      { id: 'certificates', title: L('Zertifikatsquote nach Modul', 'Certificate rate by module'), kind: 'bar', metrics: ['vocational_certificate_rate'], by: ['module'], crossFilter: 'module' },
      { id: 'invoiced', title: L('Abgerechnete Beträge je Monat', 'Amounts invoiced per month'), kind: 'line', metrics: ['invoiced_eur', 'paid_eur'], by: ['month'], fixed: { program: ['vocational'] }, note: L('Programm Berufssprachkurse', 'Vocational programme') },
    ],
  },
];

export const dashboardDef = (slug: string) => DASHBOARD_DEFS.find((d) => d.slug === slug);
