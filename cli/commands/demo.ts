import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseProfile, parseUntil } from '../../fixtures/profiles';
import { childEnv, getConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { pgliteExists } from '../../platform/pg/open';
import { sourceTargets } from '../../platform/sources';
import { UserError } from '../../platform/errors';
import { action, once } from '../run';
import { etlOptions } from './etl';
import { serveWeb } from './serve';

const log = createLogger('demo');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the quick start: generate the demo data (once), load it into the warehouse, keep it fresh')
    .option('--profile <name>', 'fixture profile for the first start', once('--profile'), 'demo')
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
        const { readNextDue } = await import('../../dashboards/subscriptions/due');
        if (fresh) {
          await generateFixtures({ profile: parseProfile(o.profile), seed: 1, untilDay: parseUntil(undefined), targets, codelistDir: config.codelistDir });
          const { openAppDb } = await import('../../roles/app-db');
          const { installDemo } = await import('../../roles/store');
          const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
          await installDemo(app.db, config.demoPassword).finally(() => app.close());
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
          // subscriptions and alerts after every publication and at their times
          deliveries: { nextDue: () => readNextDue(config.dataDir) },
        });
        if (!existsSync(join(config.projectRoot, '.next', 'BUILD_ID'))) {
          log.info('building the web app (first start only, about a minute)');
          const next = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist/bin/next');
          const b = spawnSync(process.execPath, [next, 'build'], { cwd: config.projectRoot, env: childEnv({ NEXT_TELEMETRY_DISABLED: '1' }), stdio: ['ignore', 'ignore', 'inherit'] });
          if (b.status !== 0) throw new UserError('Building the web app failed; see the messages above.');
        }
        const web = await serveWeb({ port: config.http.port, host: config.http.host });
        const shutdown = () => {
          void Promise.all([web.close(), scheduler.stop()]).then(() => process.exit(0));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
        log.info(`FIS is running on http://${config.http.host}:${config.http.port}/ (demo users: leitung, abt-asyl, abt-integration, region-sued, ast-muc, analyst, admin; password "${config.demoPassword === 'demo' ? 'demo' : '…'}"); stop with Ctrl-C`);
        await new Promise(() => {});
      }),
    );
}
