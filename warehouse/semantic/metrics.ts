/**
 * Metrics, each defined once: its fact, its own date, its aggregate, the dimensions that apply
 * (with the fact column each maps to), format and labels. Derived metrics refer to others by name.
 * Dashboards, reports, exports, the CLI and the API all ask for metrics by these names; only the
 * compiler (compile.ts) turns them into SQL.
 */
import type { Label } from './dimensions';

export type Domain = 'asylum' | 'integration' | 'vocational';
export type Format = 'count' | 'percent' | 'months' | 'eur';

export type Measure =
  /** count(*) of the fact rows matching `where` */
  | { kind: 'count'; where?: string }
  /** sum(expr) over rows matching `where` */
  | { kind: 'sum'; expr: string; where?: string }
  /** avg/median(expr) ÷ divisor over rows matching `where`; n = rows */
  | { kind: 'avg' | 'median'; expr: string; divisor: number; where?: string }
  /** numerator ÷ denominator × 100, both metrics of the same fact and date; n = denominator */
  | { kind: 'ratio'; numerator: string; denominator: string }
  /** the stock of applications pending at the end of the period (architecture §4) */
  | { kind: 'pending' };

export interface MetricDef {
  name: string;
  label: Label;
  description: Label;
  domain: Domain;
  format: Format;
  fact: string;
  /** The metric's own date: --from/--to and the time dimensions apply to it. */
  date: string;
  measure: Measure;
  /** Dimension name → SQL expression over the fact's columns. */
  dimensions: Record<string, string>;
  /** Disclosure control: counts (and rates, averages over counts) can be small enough to identify people. */
  suppress: boolean;
  /** Whether a rise is favourable ('up-good'), unfavourable ('up-bad') or neither ('neutral': demand, legal outcomes, money). */
  direction: 'up-good' | 'up-bad' | 'neutral';
}

const asylumDims = { office: 'office_code', state: 'state_code', nationality: 'nationality_code', kind: 'kind', sex: 'sex', age_group: 'age_group', office_kind: 'office_kind' };
const decisionDims = { ...asylumDims, outcome: 'outcome', outcome_group: 'outcome_group', procedure_span: 'procedure_span', processing_time: 'processing_time' };
const examDims = {
  state: 'state_code', nationality: 'nationality_code', sex: 'sex', age_group: 'age_group', entitlement_basis: 'entitlement_basis',
  course_type: 'course_type', provider: 'CAST(provider_id AS VARCHAR)', exam_result: 'result',
};
const enrolmentDims = {
  state: 'state_code', nationality: 'nationality_code', sex: 'sex', age_group: 'age_group', entitlement_basis: 'entitlement_basis',
  course_type: 'course_type', provider: 'CAST(provider_id AS VARCHAR)', exit_reason: 'exit_reason',
};
const courseDims = { state: 'state_code', course_type: 'course_type', provider: 'CAST(provider_id AS VARCHAR)', course_status: 'status' };
const invoiceDims = { state: 'state_code', provider: 'CAST(provider_id AS VARCHAR)', program: 'program', invoice_status: 'status', course_type: 'course_type', module: 'module' };
const vocEntitlementDims = { state: 'state_code', nationality: 'nationality_code', referring_agency: 'referring_agency', module: 'module' };
const vocCourseDims = { state: 'state_code', module: 'module', provider: 'CAST(provider_id AS VARCHAR)', course_status: 'status' };
const vocEnrolmentDims = {
  state: 'state_code', module: 'module', provider: 'CAST(provider_id AS VARCHAR)', referring_agency: 'referring_agency',
  nationality: 'nationality_code', exit_reason: 'exit_reason', certificate: 'certificate',
};

const m = (def: Omit<MetricDef, 'suppress'> & { suppress?: boolean }): MetricDef => ({ suppress: def.format !== 'eur', ...def });
const L = (de: string, en: string): Label => ({ de, en });

export const METRICS: readonly MetricDef[] = [
  // --- asylum ------------------------------------------------------------------------------
  m({
    name: 'applications', direction: 'neutral', label: L('Asylanträge', 'Asylum applications'), description: L('Eingegangene Asylanträge (Erst- und Folgeanträge) nach Eingangsdatum', 'Asylum applications received (initial and follow-up), by date of receipt'),
    domain: 'asylum', format: 'count', fact: 'fact_application', date: 'received_on', measure: { kind: 'count' }, dimensions: asylumDims,
  }),
  m({
    name: 'hearings', direction: 'up-good', label: L('Anhörungen', 'Hearings'), description: L('Durchgeführte Anhörungen nach Anhörungsdatum', 'Hearings held, by date of the hearing'),
    domain: 'asylum', format: 'count', fact: 'fact_hearing', date: 'held_on', measure: { kind: 'count' }, dimensions: asylumDims,
  }),
  m({
    name: 'decisions', direction: 'up-good', label: L('Entscheidungen', 'Decisions'), description: L('Entscheidungen über Asylanträge nach Entscheidungsdatum', 'Decisions on asylum applications, by date of decision'),
    domain: 'asylum', format: 'count', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'count' }, dimensions: decisionDims,
  }),
  m({
    name: 'decisions_positive', direction: 'neutral', label: L('Schutzgewährungen', 'Protection granted'), description: L('Entscheidungen mit Asylberechtigung, Flüchtlingsschutz, subsidiärem Schutz oder Abschiebungsverbot', 'Decisions granting asylum, refugee protection, subsidiary protection or a deportation ban'),
    domain: 'asylum', format: 'count', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'count', where: "outcome_group = 'positive'" }, dimensions: decisionDims,
  }),
  m({
    name: 'decisions_rejected', direction: 'neutral', label: L('Ablehnungen', 'Rejections'), description: L('Ablehnende Entscheidungen (einschließlich offensichtlich unbegründet)', 'Rejections (including manifestly unfounded)'),
    domain: 'asylum', format: 'count', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'count', where: "outcome_group = 'rejected'" }, dimensions: decisionDims,
  }),
  m({
    name: 'decisions_formal', direction: 'neutral', label: L('Formelle Entscheidungen', 'Formal decisions'), description: L('Formelle Entscheidungen (Dublin-Verfahren, Rücknahmen, sonstige)', 'Formal decisions (Dublin procedure, withdrawals, other)'),
    domain: 'asylum', format: 'count', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'count', where: "outcome_group = 'formal'" }, dimensions: decisionDims,
  }),
  m({
    name: 'decisions_substantive', direction: 'up-good', label: L('Sachentscheidungen', 'Substantive decisions'), description: L('Entscheidungen ohne formelle Entscheidungen (Nenner der bereinigten Schutzquote)', 'Decisions without formal ones (denominator of the adjusted protection rate)'),
    domain: 'asylum', format: 'count', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'count', where: "outcome_group <> 'formal'" }, dimensions: decisionDims,
  }),
  m({
    name: 'protection_rate', direction: 'neutral', label: L('Gesamtschutzquote', 'Protection rate'), description: L('Schutzgewährungen ÷ alle Entscheidungen, in %', 'Protection granted ÷ all decisions, in %'),
    domain: 'asylum', format: 'percent', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'ratio', numerator: 'decisions_positive', denominator: 'decisions' }, dimensions: decisionDims,
  }),
  m({
    name: 'protection_rate_adjusted', direction: 'neutral', label: L('Bereinigte Schutzquote', 'Adjusted protection rate'), description: L('Schutzgewährungen ÷ Entscheidungen ohne formelle Entscheidungen, in %', 'Protection granted ÷ decisions without formal ones, in %'),
    domain: 'asylum', format: 'percent', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'ratio', numerator: 'decisions_positive', denominator: 'decisions_substantive' }, dimensions: decisionDims,
  }),
  m({
    name: 'pending', direction: 'up-bad', label: L('Anhängige Verfahren', 'Pending cases'), description: L('Bestand am Ende des Zeitraums (bzw. jeder Periode): eingegangen, nicht gelöscht, bis dahin nicht entschieden', 'Stock at the end of the period (or of each period): received, not deleted, not decided by then'),
    domain: 'asylum', format: 'count', fact: 'fact_application', date: 'received_on', measure: { kind: 'pending' },
    dimensions: { ...asylumDims, pending_age: 'pending_age', pending_stage: 'pending_stage' },
  }),
  m({
    name: 'processing_months_avg', direction: 'up-bad', label: L('Verfahrensdauer (Mittel)', 'Processing time (mean)'), description: L('Mittlere Dauer von der Antragstellung bis zur Entscheidung in Monaten (Tage ÷ 30,4375)', 'Mean time from application to decision in months (days ÷ 30.4375)'),
    domain: 'asylum', format: 'months', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'avg', expr: 'processing_days', divisor: 30.4375 }, dimensions: decisionDims,
  }),
  m({
    name: 'processing_months_median', direction: 'up-bad', label: L('Verfahrensdauer (Median)', 'Processing time (median)'), description: L('Median der Dauer von der Antragstellung bis zur Entscheidung in Monaten', 'Median time from application to decision in months'),
    domain: 'asylum', format: 'months', fact: 'fact_decision', date: 'decided_on', measure: { kind: 'median', expr: 'processing_days', divisor: 30.4375 }, dimensions: decisionDims,
  }),
  // --- integration courses -----------------------------------------------------------------
  m({
    name: 'courses_started', direction: 'up-good', label: L('Begonnene Kurse', 'Courses started'), description: L('Begonnene Integrationskurse (ohne abgesagte) nach Kursbeginn', 'Integration courses started (not cancelled), by start date'),
    domain: 'integration', format: 'count', fact: 'fact_course', date: 'start_on', measure: { kind: 'count', where: "status <> 'cancelled'" }, dimensions: courseDims,
  }),
  m({
    name: 'course_capacity', direction: 'up-good', label: L('Kursplätze', 'Course places'), description: L('Plätze der begonnenen Kurse', 'Places in the courses started'),
    domain: 'integration', format: 'count', fact: 'fact_course', date: 'start_on', measure: { kind: 'sum', expr: 'capacity', where: "status <> 'cancelled'" }, dimensions: courseDims, suppress: false,
  }),
  m({
    name: 'course_participants', direction: 'up-good', label: L('Teilnehmende der Kurse', 'Course participants'), description: L('Teilnehmende der begonnenen Kurse', 'Participants of the courses started'),
    domain: 'integration', format: 'count', fact: 'fact_course', date: 'start_on', measure: { kind: 'sum', expr: 'participants', where: "status <> 'cancelled'" }, dimensions: courseDims,
  }),
  m({
    name: 'capacity_use', direction: 'up-good', label: L('Auslastung', 'Capacity use'), description: L('Teilnehmende ÷ Plätze der begonnenen Kurse, in %', 'Participants ÷ places of the courses started, in %'),
    domain: 'integration', format: 'percent', fact: 'fact_course', date: 'start_on', measure: { kind: 'ratio', numerator: 'course_participants', denominator: 'course_capacity' }, dimensions: courseDims,
  }),
  m({
    name: 'participants_new', direction: 'up-good', label: L('Neue Kursteilnehmende', 'New course participants'), description: L('Teilnehmende, deren erste Kursanmeldung in den Zeitraum fällt', 'Participants whose first enrolment falls in the period'),
    domain: 'integration', format: 'count', fact: 'fact_participant', date: 'first_enrolled_on', measure: { kind: 'count', where: 'first_enrolled_on IS NOT NULL' },
    dimensions: { state: 'state_code', nationality: 'nationality_code', sex: 'sex', age_group: 'age_group_at_first_enrolment', entitlement_basis: 'entitlement_basis', course_type: 'first_course_type', provider: 'CAST(first_provider_id AS VARCHAR)' },
  }),
  m({
    name: 'entitlements_issued', direction: 'neutral', label: L('Teilnahmeberechtigungen', 'Entitlements issued'), description: L('Ausgestellte Teilnahmeberechtigungen bzw. -verpflichtungen nach Datum', 'Entitlements or obligations to attend, by date'),
    domain: 'integration', format: 'count', fact: 'fact_participant', date: 'entitled_on', measure: { kind: 'count' },
    dimensions: { state: 'state_code', nationality: 'nationality_code', sex: 'sex', age_group: 'age_group_at_entitlement', entitlement_basis: 'entitlement_basis' },
  }),
  m({
    name: 'enrolments', direction: 'up-good', label: L('Kursanmeldungen', 'Enrolments'), description: L('Anmeldungen zu Integrationskursen nach Anmeldedatum', 'Enrolments in integration courses, by date of enrolment'),
    domain: 'integration', format: 'count', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'count' }, dimensions: enrolmentDims,
  }),
  m({
    name: 'enrolments_ended', direction: 'neutral', label: L('Beendete Teilnahmen', 'Ended enrolments'), description: L('Anmeldungen, die beendet sind (Abschluss, Abbruch oder Wechsel)', 'Enrolments that have ended (completion, drop-out or transfer)'),
    domain: 'integration', format: 'count', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'count', where: 'exit_reason IS NOT NULL' }, dimensions: enrolmentDims,
  }),
  m({
    name: 'dropouts', direction: 'up-bad', label: L('Kursabbrüche', 'Drop-outs'), description: L('Beendete Teilnahmen durch Abbruch', 'Enrolments ended by dropping out'),
    domain: 'integration', format: 'count', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'count', where: "exit_reason = 'dropped'" }, dimensions: enrolmentDims,
  }),
  m({
    name: 'completions', direction: 'up-good', label: L('Kursabschlüsse', 'Completions'), description: L('Beendete Teilnahmen durch Abschluss', 'Enrolments ended by completion'),
    domain: 'integration', format: 'count', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'count', where: "exit_reason = 'completed'" }, dimensions: enrolmentDims,
  }),
  m({
    name: 'dropout_rate', direction: 'up-bad', label: L('Abbruchquote', 'Drop-out rate'), description: L('Abbrüche ÷ beendete Teilnahmen, in %', 'Drop-outs ÷ ended enrolments, in %'),
    domain: 'integration', format: 'percent', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'ratio', numerator: 'dropouts', denominator: 'enrolments_ended' }, dimensions: enrolmentDims,
  }),
  m({
    name: 'completion_rate', direction: 'up-good', label: L('Abschlussquote', 'Completion rate'), description: L('Abschlüsse ÷ beendete Teilnahmen, in %', 'Completions ÷ ended enrolments, in %'),
    domain: 'integration', format: 'percent', fact: 'fact_enrolment', date: 'enrolled_on', measure: { kind: 'ratio', numerator: 'completions', denominator: 'enrolments_ended' }, dimensions: enrolmentDims,
  }),
  m({
    name: 'dtz_exams', direction: 'neutral', label: L('DTZ-Prüfungen', 'DTZ exams'), description: L('Abgelegte Prüfungen „Deutsch-Test für Zuwanderer“', 'German tests for immigrants (DTZ) taken'),
    domain: 'integration', format: 'count', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'count', where: "exam_type = 'dtz'" }, dimensions: examDims,
  }),
  m({
    name: 'dtz_b1', direction: 'up-good', label: L('DTZ mit B1', 'DTZ at B1'), description: L('DTZ-Prüfungen mit dem Ergebnis B1', 'DTZ exams with result B1'),
    domain: 'integration', format: 'count', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'count', where: "exam_type = 'dtz' AND result = 'B1'" }, dimensions: examDims,
  }),
  m({
    name: 'dtz_b1_rate', direction: 'up-good', label: L('DTZ-Quote B1', 'DTZ B1 rate'), description: L('DTZ-Prüfungen mit B1 ÷ alle DTZ-Prüfungen, in %', 'DTZ exams at B1 ÷ all DTZ exams, in %'),
    domain: 'integration', format: 'percent', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'ratio', numerator: 'dtz_b1', denominator: 'dtz_exams' }, dimensions: examDims,
  }),
  m({
    name: 'lid_exams', direction: 'neutral', label: L('LiD-Tests', 'LiD tests'), description: L('Abgelegte Tests „Leben in Deutschland“', '"Life in Germany" tests taken'),
    domain: 'integration', format: 'count', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'count', where: "exam_type = 'lid'" }, dimensions: examDims,
  }),
  m({
    name: 'lid_passed', direction: 'up-good', label: L('LiD bestanden', 'LiD passed'), description: L('Bestandene Tests „Leben in Deutschland“', '"Life in Germany" tests passed'),
    domain: 'integration', format: 'count', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'count', where: "exam_type = 'lid' AND result = 'passed'" }, dimensions: examDims,
  }),
  m({
    name: 'lid_pass_rate', direction: 'up-good', label: L('LiD-Bestehensquote', 'LiD pass rate'), description: L('Bestandene ÷ alle Tests „Leben in Deutschland“, in %', '"Life in Germany" tests passed ÷ taken, in %'),
    domain: 'integration', format: 'percent', fact: 'fact_exam', date: 'taken_on', measure: { kind: 'ratio', numerator: 'lid_passed', denominator: 'lid_exams' }, dimensions: examDims,
  }),
  m({
    name: 'invoiced_eur', direction: 'neutral', label: L('Abgerechnet (EUR)', 'Invoiced (EUR)'), description: L('Abgerechnete Beträge nach Leistungsmonat, ohne abgelehnte Rechnungen', 'Amounts invoiced by billing month, without rejected invoices'),
    domain: 'integration', format: 'eur', fact: 'fact_invoice', date: 'period_month', measure: { kind: 'sum', expr: 'amount_eur', where: "status <> 'rejected'" }, dimensions: invoiceDims,
  }),
  m({
    name: 'approved_eur', direction: 'neutral', label: L('Freigegeben (EUR)', 'Approved (EUR)'), description: L('Freigegebene oder bezahlte Beträge nach Leistungsmonat', 'Amounts approved or paid, by billing month'),
    domain: 'integration', format: 'eur', fact: 'fact_invoice', date: 'period_month', measure: { kind: 'sum', expr: 'amount_eur', where: "status IN ('approved', 'paid')" }, dimensions: invoiceDims,
  }),
  m({
    name: 'paid_eur', direction: 'neutral', label: L('Bezahlt (EUR)', 'Paid (EUR)'), description: L('Bezahlte Beträge nach Leistungsmonat', 'Amounts paid, by billing month'),
    domain: 'integration', format: 'eur', fact: 'fact_invoice', date: 'period_month', measure: { kind: 'sum', expr: 'amount_eur', where: "status = 'paid'" }, dimensions: invoiceDims,
  }),
  // --- vocational language courses ---------------------------------------------------------
  m({
    name: 'vocational_entitlements', direction: 'neutral', label: L('Berechtigungen Berufssprachkurse', 'Vocational course entitlements'), description: L('Ausgestellte Berechtigungen für Berufssprachkurse nach Ausstellungsdatum', 'Entitlements to vocational German courses, by date of issue'),
    domain: 'vocational', format: 'count', fact: 'fact_voc_entitlement', date: 'issued_on', measure: { kind: 'count' }, dimensions: vocEntitlementDims,
  }),
  m({
    name: 'vocational_courses_started', direction: 'up-good', label: L('Begonnene Berufssprachkurse', 'Vocational courses started'), description: L('Begonnene Berufssprachkurse (ohne abgesagte) nach Kursbeginn', 'Vocational German courses started (not cancelled), by start date'),
    domain: 'vocational', format: 'count', fact: 'fact_voc_course', date: 'start_on', measure: { kind: 'count', where: "status <> 'cancelled'" }, dimensions: vocCourseDims,
  }),
  m({
    name: 'vocational_enrolments', direction: 'up-good', label: L('Teilnahmen Berufssprachkurse', 'Vocational course enrolments'), description: L('Anmeldungen zu Berufssprachkursen nach Anmeldedatum', 'Enrolments in vocational German courses, by date of enrolment'),
    domain: 'vocational', format: 'count', fact: 'fact_voc_enrolment', date: 'enrolled_on', measure: { kind: 'count' }, dimensions: vocEnrolmentDims,
  }),
  m({
    name: 'vocational_certificates', direction: 'neutral', label: L('Zertifikatsprüfungen', 'Certificate exams'), description: L('Abgelegte Zertifikatsprüfungen in Berufssprachkursen', 'Certificate exams taken in vocational courses'),
    domain: 'vocational', format: 'count', fact: 'fact_voc_enrolment', date: 'enrolled_on', measure: { kind: 'count', where: 'certificate IS NOT NULL' }, dimensions: vocEnrolmentDims,
  }),
  m({
    name: 'vocational_certificates_passed', direction: 'up-good', label: L('Bestandene Zertifikate', 'Certificates passed'), description: L('Bestandene Zertifikatsprüfungen in Berufssprachkursen', 'Certificate exams passed in vocational courses'),
    domain: 'vocational', format: 'count', fact: 'fact_voc_enrolment', date: 'enrolled_on', measure: { kind: 'count', where: "certificate = 'passed'" }, dimensions: vocEnrolmentDims,
  }),
  m({
    name: 'vocational_certificate_rate', direction: 'up-good', label: L('Zertifikatsquote', 'Certificate rate'), description: L('Bestandene ÷ abgelegte Zertifikatsprüfungen, in %', 'Certificates passed ÷ taken, in %'),
    domain: 'vocational', format: 'percent', fact: 'fact_voc_enrolment', date: 'enrolled_on',
    measure: { kind: 'ratio', numerator: 'vocational_certificates_passed', denominator: 'vocational_certificates' }, dimensions: vocEnrolmentDims,
  }),
];

const byName = new Map(METRICS.map((x) => [x.name, x]));
export const metric = (name: string) => byName.get(name);

/** The base metrics a metric needs computed (a ratio needs its numerator and denominator). */
export function baseMetrics(def: MetricDef): MetricDef[] {
  if (def.measure.kind !== 'ratio') return [def];
  return [metric(def.measure.numerator)!, metric(def.measure.denominator)!];
}
