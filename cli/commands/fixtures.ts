// Domain modules are imported inside the actions, so `fis --help` and argument errors stay fast.
import type { Command } from 'commander';
import { PROFILE_NAMES, parseProfile, parseUntil } from '../../fixtures/profiles';
import { getConfig } from '../../platform/config';
import { sourceLabel, sourceTargets } from '../../platform/sources';
import { action, intOption, once } from '../run';
import { printTable } from '../table';

export function registerFixtures(program: Command, hooks: { afterGenerate?: () => Promise<void> } = {}): void {
  const fx = program.command('fixtures').description('play the operational systems: generate, advance and inspect fictitious source data');

  fx.command('generate')
    .description('create both operational databases with fictitious, calibrated data (and the demo users)')
    .option('--profile <name>', `volume and span: ${PROFILE_NAMES.join(', ')}`, once('--profile'), 'demo')
    .option('--seed <n>', 'random seed: same seed and --until give identical data', intOption('--seed'), 1)
    .option('--until <date>', 'last day of data, YYYY-MM-DD (default: yesterday)', once('--until'))
    .action(
      action(async (o: { profile: string; seed: number; until?: string }) => {
        const profile = parseProfile(o.profile);
        const untilDay = parseUntil(o.until);
        const config = getConfig();
        const { generateFixtures } = await import('../../fixtures/generate');
        await generateFixtures({ profile, seed: o.seed, untilDay, targets: sourceTargets(config), codelistDir: config.codelistDir });
        await hooks.afterGenerate?.();
      }),
    );

  fx.command('simulate')
    .description('advance both operational systems by N days of activity after their last day')
    .requiredOption('--days <n>', 'number of days to simulate', intOption('--days', 1, 3650))
    .option('--seed <n>', 'random seed (default: derived from the data)', intOption('--seed'))
    .action(
      action(async (o: { days: number; seed?: number }) => {
        const { simulateFixtures } = await import('../../fixtures/simulate');
        await simulateFixtures({ days: o.days, seed: o.seed, targets: sourceTargets(getConfig()) });
      }),
    );

  fx.command('stats')
    .description('per-year totals straight from the sources, next to the published figures')
    .option('--json', 'print JSON instead of tables')
    .action(
      action(async (o: { json?: boolean }) => {
        const targets = sourceTargets(getConfig());
        const { openPg } = await import('../../platform/pg/open');
        const { asylumStats, compareWithCalibration, integrationStats, readMeta } = await import('../../fixtures/stats');
        const asylumDb = await openPg(targets.asylum, { label: sourceLabel('asylum'), purpose: 'fixtures stats', mustExist: true });
        const meta = await readMeta(asylumDb);
        const asylum = await asylumStats(asylumDb).finally(() => asylumDb.close());
        const integDb = await openPg(targets.integration, { label: sourceLabel('integration'), purpose: 'fixtures stats', mustExist: true });
        const integration = await integrationStats(integDb).finally(() => integDb.close());
        const scale = Number(meta.scale ?? 1);
        const deviation = compareWithCalibration(asylum, scale);
        if (o.json) {
          process.stdout.write(JSON.stringify({ meta, asylum, integration, deviationPct: deviation }, null, 2) + '\n');
          return;
        }
        process.stdout.write(`Profile ${meta.profile ?? '?'} (scale ${scale}), seed ${meta.seed ?? '?'}, data until ${meta.last_day ?? '?'}\n\nAsylum\n`);
        printTable(asylum as unknown as Record<string, unknown>[]);
        process.stdout.write(`\nDeviation from the published figures (scaled to 1:1; percent, protection rate in points)\n`);
        printTable(deviation as unknown as Record<string, unknown>[]);
        process.stdout.write(`\nIntegration and vocational courses\n`);
        printTable(integration as unknown as Record<string, unknown>[]);
      }),
    );
}
