/**
 * Rollups: pre-aggregated tables the dashboards hit. Each keeps the dimensions a restricted user
 * can be limited by (office and state for asylum, state for courses), so rights still apply to them.
 * Stored in month order with plain DATE and BIGINT columns: a period then reads only its own row
 * groups (zone maps), and scans stay fast — unordered HUGEINT/TIMESTAMP columns were ten times slower.
 *
 * Each rollup is declared once, as data — its grain (a fact by the month of one of its dates, or a
 * finer rollup summed further), its dimensions and its measures. Its SQL, its column documentation
 * and tests are derived here; what the metric compiler may answer from it is derived from the same
 * data (warehouse/semantic/rollups.ts), and the incremental transform updates it by differences
 * (warehouse/incremental.ts). A measure added to a fact's rollup reaches the rollups summed from it.
 */
import { defineModel, notNull, type Model, type Rollup } from '../model';

const MONTH = 'month';
/** Rows are stored by month, then by these rights columns where a rollup has them. */
const STORAGE_ORDER = ['state_code', 'office_code'];

/** The row count (every rollup has one, as its first measure). */
export const rowCount = (meaning = 'count') => ({ kind: 'count', meaning }) as const;
/** The sum of a fact column. */
export const sumOf = (of: string, meaning: string) => ({ kind: 'sum', of, meaning }) as const;
type Measure = ReturnType<typeof rowCount> | ReturnType<typeof sumOf>;

interface Declared {
  name: string;
  description: string;
}

/** A rollup of a fact: one row per month of `date` and combination of the dimensions (fact columns: meaning). */
interface OfFact extends Declared {
  fact: string;
  date: string;
  dimensions: Record<string, string>;
  /** column → measure; the first is the row count */
  measures: Record<string, Measure>;
}

/** A smaller rollup of a finer one: some of its dimensions, every one of its measures summed. */
interface OfRollup extends Declared {
  of: Model;
  dimensions: string[];
}

const sumAs = (expr: string, column: string) => `CAST(sum(${expr}) AS BIGINT) AS ${column}`;

/** A rollup model from its declaration: SQL, column documentation and not-null test follow from it. */
export function defineRollup(d: OfFact | OfRollup): Model {
  let rollup: Omit<Rollup, 'select'>;
  let meaning: (column: string) => string | undefined;
  let measures: string[];
  let month: string;
  if ('of' in d) {
    const { fact, date, measures: finer } = d.of.rollup!;
    for (const c of d.dimensions) if (!d.of.rollup!.dimensions.includes(c)) throw new Error(`${d.name}: ${d.of.name} has no dimension ${c}`);
    rollup = { fact, date, month: MONTH, from: d.of.name, dimensions: d.dimensions, measures: finer };
    meaning = (c) => d.of.columns[c];
    month = MONTH;
    measures = finer.map((m) => sumAs(m.column, m.column));
  } else {
    rollup = { fact: d.fact, date: d.date, month: MONTH, from: d.fact, dimensions: Object.keys(d.dimensions), measures: Object.entries(d.measures).map(([column, m]) => ({ column, ...m })) };
    meaning = (c) => d.dimensions[c];
    month = `CAST(date_trunc('month', ${d.date}) AS DATE) AS ${MONTH}`;
    measures = rollup.measures.map((m) => (m.kind === 'count' ? `count(*) AS ${m.column}` : sumAs(m.of, m.column)));
  }
  if (rollup.measures[0]?.kind !== 'count') throw new Error(`${d.name}: the first measure must be the row count`);
  const rights = rollup.dimensions.filter((c) => STORAGE_ORDER.includes(c));
  const order = [MONTH, ...STORAGE_ORDER.filter((c) => rights.includes(c))].join(', ');
  const select = (from: string) => `SELECT ${[month, ...rollup.dimensions, ...measures].join(', ')} FROM ${from} GROUP BY ALL ORDER BY ${order}`;
  return defineModel({
    name: d.name,
    layer: 'rollup',
    description: d.description,
    sql: select(rollup.from),
    columns: {
      [MONTH]: 'first day of the month',
      ...Object.fromEntries(rollup.dimensions.map((c) => [c, meaning(c)!])),
      ...Object.fromEntries(rollup.measures.map((m) => [m.column, m.meaning])),
    },
    tests: [notNull(MONTH, ...rights, rollup.measures[0]!.column)],
    rollup: { ...rollup, select },
  });
}

const applicationsMonthly = defineRollup({
  name: 'agg_applications_month',
  description: 'Applications per month, office, nationality, kind, sex and age group.',
  fact: 'fact_application',
  date: 'received_on',
  dimensions: { office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', kind: 'kind', sex: 'sex', age_group: 'age group at receipt' },
  measures: { applications: rowCount(), record_keys: sumOf('record_key', "sum of the rows' record keys (cell-key method)") },
});

const decisionsMonthly = defineRollup({
  name: 'agg_decisions_month',
  description: 'Decisions per month, office, nationality, outcome, kind, sex, age group and procedure span, with the sum of processing days.',
  fact: 'fact_decision',
  date: 'decided_on',
  dimensions: {
    office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', outcome: 'outcome', outcome_group: 'group',
    kind: 'kind', sex: 'sex', age_group: 'age group at decision', procedure_span: 'single or multi year', processing_time: 'class of the processing time',
  },
  measures: { decisions: rowCount(), processing_days: sumOf('processing_days', 'sum of processing days'), record_keys: sumOf('record_key', "sum of the rows' record keys (cell-key method)") },
});

// per state: a few ten thousand rows instead of millions — what most dashboard questions need
// (no office, no nationality); questions about offices or nationalities use the rollups above
const applicationsStateMonthly = defineRollup({
  name: 'agg_applications_state_month',
  description: 'Applications per month, state, kind, sex and age group.',
  of: applicationsMonthly,
  dimensions: ['state_code', 'kind', 'sex', 'age_group'],
});

const decisionsStateMonthly = defineRollup({
  name: 'agg_decisions_state_month',
  description: 'Decisions per month, state, outcome, kind, procedure span and class of processing time, with the sum of processing days.',
  of: decisionsMonthly,
  dimensions: ['state_code', 'outcome', 'outcome_group', 'kind', 'procedure_span', 'processing_time'],
});

export const ROLLUPS: readonly Model[] = [applicationsMonthly, decisionsMonthly, applicationsStateMonthly, decisionsStateMonthly];
