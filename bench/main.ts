/**
 * `npm run bench [-- --quick] [-- --profile national|demo] [-- --only fixtures,etl,query,disclosure,exports,browser,load]`: measures FIS
 * side by side in one run and prints medians and ratios next to the targets of docs/architecture.md §7.
 */
import { parseArgs } from 'node:util';
import { benchBrowser } from './browser';
import { benchDisclosure } from './disclosure';
import { benchEtlSection } from './etl';
import { benchExports } from './exports';
import { benchFixtures } from './fixtures';
import { runBench } from './harness';
import { benchLoad } from './load';
import { benchQueries } from './query';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'national' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const profile = values.quick ? 'demo' : values.profile;
if (profile !== 'national' && profile !== 'demo') {
  process.stderr.write('bench: --profile must be national or demo\n');
  process.exit(2);
}

await runBench({ profile, quick: values.quick ?? false, only: values.only }, [
  ['fixtures', benchFixtures],
  ['etl', benchEtlSection],
  ['query', benchQueries],
  ['disclosure', benchDisclosure],
  ['exports', benchExports],
  ['browser', benchBrowser],
  ['load', benchLoad],
]);
