/**
 * Dimensions, defined once (architecture §4 names, plus additions). Values are codes; labels come from
 * the code lists and dimension tables of the snapshot. Time dimensions derive from each metric's
 * own date.
 */
import { PENDING_AGE_BUCKETS } from '../models/buckets';

// the buckets are defined with the models that store them (processing_time); the dimensions use them too
export { PENDING_AGE_BUCKETS, monthsBucketSql } from '../models/buckets';

export type Lang = 'de' | 'en';
export type Label = Record<Lang, string>;

export type DimensionValues =
  | { source: 'time'; grain: 'day' | 'month' | 'quarter' | 'year' }
  | { source: 'code'; codeDimension: string }
  | { source: 'table'; table: string; key: string; labelDe: string; labelEn: string }
  | { source: 'derived'; codes: Array<{ code: string; label: Label }> };

export interface DimensionDef {
  name: string;
  label: Label;
  description: Label;
  values: DimensionValues;
}

const time = (name: string, grain: 'day' | 'month' | 'quarter' | 'year', de: string, en: string, fmt: string): DimensionDef => ({
  name, label: { de, en }, description: { de: `${de} des Kennzahldatums (${fmt})`, en: `${en} of the metric's date (${fmt})` }, values: { source: 'time', grain },
});
const code = (name: string, de: string, en: string, codeDimension = name): DimensionDef => ({
  name, label: { de, en }, description: { de: `${de} (Codeliste)`, en: `${en} (code list)` }, values: { source: 'code', codeDimension },
});

export const DIMENSIONS: readonly DimensionDef[] = [
  time('day', 'day', 'Tag', 'Day', 'YYYY-MM-DD'),
  time('month', 'month', 'Monat', 'Month', 'YYYY-MM'),
  time('quarter', 'quarter', 'Quartal', 'Quarter', 'YYYY-Qn'),
  time('year', 'year', 'Jahr', 'Year', 'YYYY'),
  {
    name: 'office', label: { de: 'Außenstelle', en: 'Office' }, description: { de: 'Dienststelle (Antrag: annehmende, Anhörung/Entscheidung: zuständige)', en: 'Office (application: receiving; hearing/decision: responsible)' },
    values: { source: 'table', table: 'dim_office', key: 'office_code', labelDe: 'name', labelEn: 'name' },
  },
  {
    name: 'state', label: { de: 'Bundesland', en: 'State' }, description: { de: 'Asyl: Land der Dienststelle; Kurse: Land des Kurses bzw. der Teilnehmenden', en: "Asylum: the office's state; courses: the course's or participant's state" },
    values: { source: 'table', table: 'dim_state', key: 'state_code', labelDe: 'name_de', labelEn: 'name_en' },
  },
  {
    name: 'nationality', label: { de: 'Staatsangehörigkeit', en: 'Nationality' }, description: { de: 'Destatis-Schlüssel', en: 'Destatis key' },
    values: { source: 'table', table: 'dim_nationality', key: 'nationality_code', labelDe: 'name_de', labelEn: 'name_en' },
  },
  code('kind', 'Antragsart', 'Application kind'),
  code('outcome', 'Entscheidungsart', 'Outcome'),
  code('outcome_group', 'Entscheidungsgruppe', 'Outcome group'),
  code('procedure_span', 'Verfahrensspanne', 'Procedure span'),
  code('sex', 'Geschlecht', 'Sex'),
  code('age_group', 'Altersgruppe', 'Age group'),
  code('course_type', 'Kursart', 'Course type'),
  {
    name: 'provider', label: { de: 'Kursträger', en: 'Course provider' }, description: { de: 'Träger des Kurses', en: 'Provider of the course' },
    values: { source: 'table', table: 'dim_provider', key: 'provider_id', labelDe: 'name', labelEn: 'name' },
  },
  code('entitlement_basis', 'Teilnahmegrundlage', 'Entitlement basis'),
  code('referring_agency', 'Zuweisende Stelle', 'Referring agency'),
  code('module', 'Modul', 'Module'),
  code('program', 'Programm', 'Programme'),
  code('invoice_status', 'Rechnungsstatus', 'Invoice status'),
  code('office_kind', 'Art der Dienststelle', 'Kind of office'),
  {
    name: 'processing_time', label: { de: 'Verfahrensdauer', en: 'Processing time' }, description: { de: 'Dauer von der Antragstellung bis zur Entscheidung, in Klassen', en: 'Time from application to decision, in classes' },
    values: { source: 'derived', codes: PENDING_AGE_BUCKETS.map((b) => ({ code: b.code, label: b.label })) },
  },
  code('exit_reason', 'Austrittsgrund', 'Exit reason'),
  code('exam_result', 'Prüfungsergebnis', 'Exam result'),
  code('course_status', 'Kursstatus', 'Course status'),
  code('certificate', 'Zertifikat', 'Certificate'),
  {
    name: 'pending_age', label: { de: 'Verfahrensalter', en: 'Age of the case' }, description: { de: 'Anhängig seit (am Stichtag)', en: 'Pending for (on the reference day)' },
    values: { source: 'derived', codes: PENDING_AGE_BUCKETS.map((b) => ({ code: b.code, label: b.label })) },
  },
  {
    name: 'pending_stage', label: { de: 'Verfahrensstand', en: 'Stage' }, description: { de: 'Anhängige Verfahren nach Stand am Stichtag', en: 'Pending cases by stage on the reference day' },
    values: {
      source: 'derived',
      codes: [
        { code: 'awaiting_hearing', label: { de: 'Anhörung ausstehend', en: 'awaiting hearing' } },
        { code: 'heard', label: { de: 'angehört, Entscheidung ausstehend', en: 'heard, awaiting decision' } },
      ],
    },
  },
];

export const TIME_DIMENSIONS = ['day', 'month', 'quarter', 'year'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];
export const isTime = (d: string): d is TimeDimension => (TIME_DIMENSIONS as readonly string[]).includes(d);

const byName = new Map(DIMENSIONS.map((d) => [d.name, d]));
export const dimension = (name: string) => byName.get(name);

/** SQL for a time dimension's code from a date expression. */
export function timeCode(grain: TimeDimension, date: string): string {
  switch (grain) {
    case 'day':
      return `strftime(${date}, '%Y-%m-%d')`;
    case 'month':
      return `strftime(${date}, '%Y-%m')`;
    case 'quarter':
      return `(CAST(year(${date}) AS VARCHAR) || '-Q' || CAST(quarter(${date}) AS VARCHAR))`;
    case 'year':
      return `CAST(year(${date}) AS INTEGER)`;
  }
}

/** Validates a filter value of a time dimension. */
export const TIME_PATTERN: Record<TimeDimension, RegExp> = {
  day: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarter: /^\d{4}-Q[1-4]$/,
  year: /^\d{4}$/,
};
