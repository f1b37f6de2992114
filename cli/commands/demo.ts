import type { Command } from 'commander';
import { generateFixtures } from '../../fixtures/generate';
import { parseProfile, parseUntil } from '../../fixtures/profiles';
import { getConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { pgliteExists } from '../../platform/pg/open';
import { sourceTargets } from '../../platform/sources';
import { action } from '../run';

const log = createLogger('demo');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the quick start: generate the demo data (once), then load and serve it')
    .option('--profile <name>', 'fixture profile for the first start', 'demo')
    .option('--fresh', 'generate the sources anew even if they exist')
    .action(
      action(async (o: { profile: string; fresh?: boolean }) => {
        const config = getConfig();
        const targets = sourceTargets(config);
        const present = Object.values(targets).every((t) => t.kind === 'postgres' || pgliteExists(t.dir));
        if (o.fresh || !present) {
          await generateFixtures({ profile: parseProfile(o.profile), seed: 1, untilDay: parseUntil(undefined), targets, codelistDir: config.codelistDir });
        } else {
          log.info(`using the existing sources in ${config.dataDir} (--fresh generates new ones)`);
        }
      }),
    );
}
