/**
 * The seven reports of architecture §5, declared: rows (dimensions), columns (metrics, optionally for one
 * value of a pivot dimension, or shares of other columns), subtotals and totals. Every number comes
 * from the one query path — totals too, so rates in totals are exact and rights apply to them.
 */
import type { Label } from '../../warehouse/semantic/dimensions';
import type { FilterKey } from '../defs';

export interface ReportColumn {
  id: string;
  label: Label;
  /** A metric, optionally restricted to one value of a pivot dimension … */
  metric?: string;
  pivot?: { dim: string; value: string };
  /** … or a share in % of the sum of other columns over another column. */
  share?: { of: string[]; over: string };
}

export interface ReportDef {
  id: string;
  filters: FilterKey[];
  rows: string[];
  columns: ReportColumn[];
  /** subtotal rows: per year (rows by month) or per value of the first row dimension */
  subtotal?: 'year' | 'first';
  /** the default period */
  period: 'year' | 'last12';
  fixed?: Record<string, string[]>;
  /** sort rows by this column, descending (default: by the row dimensions) */
  sortBy?: string;
  /** the chart on the PDF's first page (over the row dimensions, or over `by`); `top` rows by `rankBy` (default: its first column) */
  chart: { type: 'bar' | 'line' | 'stacked'; columns: string[]; by?: string[]; top?: number; rankBy?: string };
}

const L = (de: string, en: string): Label => ({ de, en });
const OUTCOMES: Array<[string, Label]> = [
  ['asylum_art16a', L('Asyl Art. 16a', 'Asylum Art. 16a')],
  ['refugee_s3', L('Flüchtlingsschutz', 'Refugee prot.')],
  ['subsidiary_s4', L('Subsidiärer Schutz', 'Subsidiary prot.')],
  ['deportation_ban_s60', L('Abschiebungsverbot', 'Deportation ban')],
  ['rejected', L('Ablehnung', 'Rejection')],
  ['rejected_unfounded', L('Ablehnung o. u.', 'Rejection (m. u.)')],
  ['formal_dublin', L('Dublin', 'Dublin')],
  ['formal_withdrawal', L('Rücknahme', 'Withdrawal')],
  ['formal_other', L('Sonst. formell', 'Other formal')],
];
const byOutcome = OUTCOMES.map(([code, label]) => ({ id: `decisions_${code}`, label, metric: 'decisions', pivot: { dim: 'outcome', value: code } }));

export const REPORT_DEFS: readonly ReportDef[] = [
  {
    id: 'asylum-monthly',
    filters: ['state', 'office', 'nationality'],
    rows: ['month'],
    subtotal: 'year',
    period: 'year',
    columns: [
      { id: 'initial', label: L('Erstanträge', 'Initial appl.'), metric: 'applications', pivot: { dim: 'kind', value: 'initial' } },
      { id: 'follow_up', label: L('Folgeanträge', 'Follow-up appl.'), metric: 'applications', pivot: { dim: 'kind', value: 'follow_up' } },
      { id: 'applications', label: L('Anträge gesamt', 'Applications'), metric: 'applications' },
      { id: 'decisions', label: L('Entscheidungen', 'Decisions'), metric: 'decisions' },
      ...byOutcome,
      { id: 'protection_rate', label: L('Schutzquote %', 'Protection rate %'), metric: 'protection_rate' },
      { id: 'protection_rate_adjusted', label: L('bereinigt %', 'adjusted %'), metric: 'protection_rate_adjusted' },
    ],
    chart: { type: 'bar', columns: ['applications', 'decisions'] },
  },
  {
    id: 'decisions-by-nationality',
    filters: ['state', 'office'],
    rows: ['nationality'],
    period: 'year',
    sortBy: 'decisions',
    columns: [
      { id: 'decisions', label: L('Entscheidungen', 'Decisions'), metric: 'decisions' },
      ...byOutcome,
      { id: 'protection_rate', label: L('Schutzquote %', 'Protection rate %'), metric: 'protection_rate' },
      { id: 'protection_rate_adjusted', label: L('bereinigt %', 'adjusted %'), metric: 'protection_rate_adjusted' },
    ],
    chart: { type: 'bar', columns: ['decisions'], top: 15 },
  },
  {
    id: 'office-performance',
    filters: ['state', 'office', 'office_kind'],
    rows: ['office'],
    period: 'year',
    columns: [
      { id: 'received', label: L('Eingänge', 'Received'), metric: 'applications' },
      { id: 'decided', label: L('Entscheidungen', 'Decided'), metric: 'decisions' },
      { id: 'pending', label: L('Anhängig (Stichtag)', 'Pending (at end)'), metric: 'pending' },
      { id: 'median', label: L('Median Verfahrensdauer', 'Median processing time'), metric: 'processing_months_median' },
      { id: 'pending_12_24', label: L('davon 12–24 Mon.', 'of which 12–24 mo.'), metric: 'pending', pivot: { dim: 'pending_age', value: '12-24' } },
      { id: 'pending_24', label: L('davon > 24 Mon.', 'of which > 24 mo.'), metric: 'pending', pivot: { dim: 'pending_age', value: '24+' } },
      { id: 'share_12', label: L('Anteil > 12 Mon. %', 'Share > 12 mo. %'), share: { of: ['pending_12_24', 'pending_24'], over: 'pending' } },
    ],
    chart: { type: 'bar', columns: ['received', 'decided'], top: 20 },
  },
  {
    id: 'pending-ageing',
    filters: ['state', 'office', 'nationality'],
    rows: ['office'],
    period: 'year',
    columns: [
      { id: 'age_0_3', label: L('0–3 Monate', '0–3 months'), metric: 'pending', pivot: { dim: 'pending_age', value: '0-3' } },
      { id: 'age_3_6', label: L('3–6 Monate', '3–6 months'), metric: 'pending', pivot: { dim: 'pending_age', value: '3-6' } },
      { id: 'age_6_12', label: L('6–12 Monate', '6–12 months'), metric: 'pending', pivot: { dim: 'pending_age', value: '6-12' } },
      { id: 'age_12_24', label: L('12–24 Monate', '12–24 months'), metric: 'pending', pivot: { dim: 'pending_age', value: '12-24' } },
      { id: 'age_24', label: L('> 24 Monate', '> 24 months'), metric: 'pending', pivot: { dim: 'pending_age', value: '24+' } },
      { id: 'pending', label: L('Anhängig gesamt', 'Pending total'), metric: 'pending' },
    ],
    // the offices with the most pending cases, each by the age of its cases
    chart: { type: 'stacked', columns: ['age_0_3', 'age_3_6', 'age_6_12', 'age_12_24', 'age_24'], top: 20, rankBy: 'pending' },
  },
  {
    id: 'course-providers',
    filters: ['state', 'course_type'],
    rows: ['provider'],
    period: 'year',
    sortBy: 'courses',
    columns: [
      { id: 'courses', label: L('Begonnene Kurse', 'Courses started'), metric: 'courses_started' },
      { id: 'participants', label: L('Teilnehmende', 'Participants'), metric: 'course_participants' },
      { id: 'completion', label: L('Abschlussquote %', 'Completion rate %'), metric: 'completion_rate' },
      { id: 'dtz_b1', label: L('DTZ B1 %', 'DTZ B1 %'), metric: 'dtz_b1_rate' },
      { id: 'invoiced', label: L('Abgerechnet €', 'Invoiced €'), metric: 'invoiced_eur' },
    ],
    chart: { type: 'bar', columns: ['courses'], top: 15 },
  },
  {
    id: 'participants-by-state',
    filters: ['state', 'nationality'],
    rows: ['state'],
    period: 'year',
    columns: [
      { id: 'obliged_foreigners_office', label: L('verpfl. ABH', 'obliged (FA)'), metric: 'participants_new', pivot: { dim: 'entitlement_basis', value: 'obliged_foreigners_office' } },
      { id: 'obliged_jobcenter', label: L('verpfl. Jobcenter', 'obliged (JC)'), metric: 'participants_new', pivot: { dim: 'entitlement_basis', value: 'obliged_jobcenter' } },
      { id: 'entitled', label: L('Anspruch', 'entitled'), metric: 'participants_new', pivot: { dim: 'entitlement_basis', value: 'entitled' } },
      { id: 'admitted', label: L('Zulassung', 'admitted'), metric: 'participants_new', pivot: { dim: 'entitlement_basis', value: 'admitted' } },
      { id: 'participants_new', label: L('Neue Teilnehmende', 'New participants'), metric: 'participants_new' },
      { id: 'courses', label: L('Begonnene Kurse', 'Courses started'), metric: 'courses_started' },
    ],
    chart: { type: 'stacked', columns: ['obliged_foreigners_office', 'obliged_jobcenter', 'entitled', 'admitted'] },
  },
  {
    id: 'vocational-billing',
    filters: ['state', 'module'],
    rows: ['provider', 'month'],
    subtotal: 'first',
    period: 'year',
    fixed: { program: ['vocational'] },
    columns: [
      { id: 'invoiced', label: L('Abgerechnet €', 'Invoiced €'), metric: 'invoiced_eur' },
      { id: 'approved', label: L('Freigegeben €', 'Approved €'), metric: 'approved_eur' },
      { id: 'paid', label: L('Bezahlt €', 'Paid €'), metric: 'paid_eur' },
    ],
    chart: { type: 'line', columns: ['invoiced', 'approved', 'paid'], by: ['month'] },
  },
];

export const reportDef = (id: string) => REPORT_DEFS.find((r) => r.id === id);
