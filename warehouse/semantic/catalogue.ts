/** The metric catalogue (docs/metric-catalogue.md), generated from the registries. */
import { DIMENSIONS } from './dimensions';
import { keyColumn } from './disclosure';
import { METRICS, type MetricDef } from './metrics';

/** What disclosure control does to a metric for users without the unsuppressed right (the cell-key method by default). */
function disclosure(m: MetricDef): string {
  if (!m.suppress) return 'exact (counts no people: seats, amounts)';
  switch (m.measure.kind) {
    case 'ratio':
      return 'from the perturbed numerator and denominator; withheld below 5 cases';
    case 'avg':
    case 'median':
      return 'exact value, withheld where the perturbed count of its rows is below 5';
    default:
      return keyColumn(m) === 'record_key' ? 'perturbed (cell-key: ±2 at most, no 1 or 2)' : `perturbed with the keys of \`${keyColumn(m)}\``;
  }
}

function measure(m: MetricDef): string {
  const x = m.measure;
  switch (x.kind) {
    case 'count':
      return `count of \`${m.fact}\` rows${x.where ? ` where \`${x.where}\`` : ''}`;
    case 'sum':
      return `sum of \`${x.expr}\` over \`${m.fact}\`${x.where ? ` where \`${x.where}\`` : ''}`;
    case 'avg':
    case 'median':
      return `${x.kind} of \`${x.expr}\` ÷ ${x.divisor} over \`${m.fact}\`${x.where ? ` where \`${x.where}\`` : ''}`;
    case 'ratio':
      return `\`${x.numerator}\` ÷ \`${x.denominator}\` × 100`;
    case 'pending':
      return 'stock on the reference day: received, not decided by then (per period with a time dimension)';
  }
}

/** How the dashboards judge a change (KPI tiles: colour, arrow and the words "günstiger"/"ungünstiger"). */
const DIRECTION: Record<MetricDef['direction'], string> = { 'up-good': 'favourable', 'up-bad': 'unfavourable', neutral: 'neutral (not judged)' };

export function metricCatalogue(): string {
  const lines = [
    '# Metric catalogue',
    '',
    'Generated from `warehouse/semantic/metrics.ts` and `dimensions.ts` by `npm run docs`; do not edit by hand.',
    'Every surface of FIS (dashboards, reports, exports, `fis query`, `GET /api/query`) asks for these names.',
    '',
    '## Metrics',
    '',
    '| metric | label (de / en) | domain | format | date | definition | dimensions | disclosure control | a rise is |',
    '|---|---|---|---|---|---|---|---|---|',
    ...METRICS.map(
      (m) =>
        `| \`${m.name}\` | ${m.label.de} / ${m.label.en} | ${m.domain} | ${m.format} | \`${m.date}\` | ${measure(m)}. ${m.description.en} | ${[
          'day, month, quarter, year',
          ...Object.keys(m.dimensions),
        ].join(', ')} | ${disclosure(m)} | ${DIRECTION[m.direction]} |`,
    ),
    '',
    '## Disclosure control',
    '',
    'Users without the right `read_unsuppressed` see every count perturbed by the cell-key method',
    '(*Werte sind zur Wahrung der statistischen Geheimhaltung geringfügig verändert*): the true count plus',
    'a noise of at most ±2 from the perturbation table `reference/ptable/ptable-D2-V1-js2.json`, chosen by',
    "the cell's key — the same rows always get the same noise, whichever question produced the cell, so",
    'asking again, or asking the difference of two answers, does not reveal the true value. No count is',
    'published as 1 or 2; a true 0 stays 0. Totals are cells of their own and may differ from the sum of',
    'their parts. Rates come from perturbed numerators and denominators; rates, means and medians over',
    'fewer than `FIS_SUPPRESSION_MIN` (5) perturbed cases are withheld (·). With',
    '`FIS_DISCLOSURE=threshold` counts from 1 to 4 are withheld instead — which a complement or a total',
    'minus its parts recovers.',
    '',
    '## Dimensions',
    '',
    '| dimension | label (de / en) | values |',
    '|---|---|---|',
    ...DIMENSIONS.map((d) => {
      const v = d.values;
      const values =
        v.source === 'time' ? `codes ${d.description.en.replace(/.*\((.*)\)/, '$1')}` : v.source === 'code' ? `code list \`${v.codeDimension}\` (genericode)` : v.source === 'table' ? `\`${v.table}.${v.key}\`` : v.codes.map((c) => `\`${c.code}\``).join(', ');
      return `| \`${d.name}\` | ${d.label.de} / ${d.label.en} | ${values} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
