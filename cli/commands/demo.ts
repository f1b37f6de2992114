import type { Command } from 'commander';
import { parseProfile, parseUntil } from '../../fixtures/profiles';
import { getConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { pgliteExists } from '../../platform/pg/open';
import { sourceTargets } from '../../platform/sources';
import { action } from '../run';
import { etlOptions } from './etl';

const log = createLogger('demo');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the quick start: generate the demo data (once), load it into the warehouse, keep it fresh')
    .option('--profile <name>', 'fixture profile for the first start', 'demo')
    .option('--fresh', 'generate the sources anew even if they exist')
    .action(
      action(async (o: { profile: string; fresh?: boolean }) => {
        const config = getConfig();
        const targets = sourceTargets(config);
        const present = Object.values(targets).every((t) => t.kind === 'postgres' || pgliteExists(t.dir));
        const fresh = o.fresh || !present;
        const { generateFixtures } = await import('../../fixtures/generate');
        const { runEtl } = await import('../../etl/run');
        const { startScheduler } = await import('../../etl/scheduler');
        if (fresh) {
          await generateFixtures({ profile: parseProfile(o.profile), seed: 1, untilDay: parseUntil(undefined), targets, codelistDir: config.codelistDir });
        } else {
          log.info(`using the existing sources in ${config.dataDir} (--fresh generates new ones)`);
        }
        const { readCurrent } = await import('../../warehouse/snapshots');
        const run = await runEtl(etlOptions(fresh || !readCurrent(config.dataDir), 'demo'));
        log.info(`warehouse ready: snapshot ${run.snapshot}, data as of ${run.dataAsOf}`);
        const scheduler = startScheduler({
          dataDir: config.dataDir,
          incremental: config.schedule.incremental,
          full: config.schedule.full,
          timezone: config.schedule.timezone,
          retries: config.etl.retries,
        });
        const shutdown = () => void scheduler.stop().then(() => process.exit(0));
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
        log.info('FIS is running; stop with Ctrl-C');
        await new Promise(() => {});
      }),
    );
}
