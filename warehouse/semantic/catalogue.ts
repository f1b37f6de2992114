/** The metric catalogue (docs/metric-catalogue.md), generated from the registries. */
import { DIMENSIONS } from './dimensions';
import { METRICS, type MetricDef } from './metrics';

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
        ].join(', ')} | ${m.suppress ? (m.measure.kind === 'ratio' || m.measure.kind === 'avg' || m.measure.kind === 'median' ? 'suppressed when its base count is small' : 'counts 1–4 suppressed') : 'none'} | ${DIRECTION[m.direction]} |`,
    ),
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
