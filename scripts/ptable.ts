// Writes the reference perturbation table: `node bin/run-ts.mjs scripts/ptable.ts [--D 2] [--V 1] [--js 2] [--variance fixed|upper-bound] [--no-mono] [--print]`
// Defaults give reference/ptable/ptable-D2-V1-js2.json (the table loadPtable() bundles). See reference/ptable/README.md.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generatePtable, ptableFileName, serializePtable, type Ptable, type VarianceMode } from '../warehouse/semantic/ptable';

const { values } = parseArgs({
  options: {
    D: { type: 'string', default: '2' },
    V: { type: 'string', default: '1' },
    js: { type: 'string', default: '2' },
    variance: { type: 'string', default: 'fixed' },
    'no-mono': { type: 'boolean', default: false },
    print: { type: 'boolean', default: false },
  },
});

const params = { D: Number(values.D), V: Number(values.V), js: Number(values.js), variance: values.variance as VarianceMode, mono: !values['no-mono'] };
const table = generatePtable(params);
const file = new URL(`../reference/ptable/${ptableFileName(params)}`, import.meta.url);
writeFileSync(file, serializePtable(table));
process.stdout.write(`${file.pathname} written\n`);
if (values.print) process.stdout.write(render(table));

function render(t: Ptable): string {
  const lines = [`D=${t.params.D} V=${t.params.V} js=${t.params.js} variance=${t.params.variance} mono=${t.params.mono}; rows 0..${t.limit} (i >= ${t.limit} uses row ${t.limit})`];
  for (const r of t.rows) {
    const cells = r.entries.map((e) => `j=${e.j >= 0 ? '+' : ''}${e.j}: ${e.p.toFixed(10)} [${e.lower.toFixed(10)}, ${e.upper.toFixed(10)})`).join('  ');
    lines.push(`i=${r.i}${r.i === t.limit ? '+' : ''}  var=${r.variance}  ${r.status}  ${cells}`);
    lines.push(`      ${r.note}`);
  }
  return lines.join('\n') + '\n';
}
