// `npm run docs`: regenerates the documentation derived from code (the metric catalogue).
import { writeFileSync } from 'node:fs';
import { metricCatalogue } from '../warehouse/semantic/catalogue';

writeFileSync(new URL('../docs/metric-catalogue.md', import.meta.url), metricCatalogue());
process.stdout.write('docs/metric-catalogue.md written\n');
