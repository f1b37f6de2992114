// Domain modules are imported inside the actions, so `fis --help` and argument errors stay fast.
import type { Command } from 'commander';
import { getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import { sourceTargets } from '../../platform/sources';
import { action, once } from '../run';
import { printTable } from '../table';

export function etlOptions(full: boolean, trigger: 'cli' | 'scheduler' | 'manual' | 'demo') {
  const c = getConfig();
  return {
    dataDir: c.dataDir,
    targets: sourceTargets(c),
    codelistDir: c.codelistDir,
    full,
    trigger,
    overlapMinutes: c.etl.overlapMinutes,
    reconcile: c.etl.reconcile,
    snapshotsKeep: c.snapshotsKeep,
    freshnessHours: c.freshnessHours,
    lakeDir: c.etl.lakeDir,
  };
}

export function registerEtl(program: Command): void {
  const etl = program.command('etl').description('load the operational data into the warehouse');

  etl
    .command('run')
    .description('one ETL run: extract, transform, test, publish a new snapshot (exit 3: blocked by a data test, 75: another run in progress)')
    .option('--full', 'reload everything instead of the changes since the last run')
    .option('--trigger <who>', 'recorded in the run history: cli, scheduler, manual', once('--trigger'), 'cli')
    .action(
      action(async (o: { full?: boolean; trigger: string }) => {
        const trigger = (['cli', 'scheduler', 'manual', 'demo'] as const).find((t) => t === o.trigger);
        if (!trigger) throw new UserError(`--trigger must be cli, scheduler, manual or demo, not "${o.trigger}".`, { exitCode: 2 });
        const { runEtl } = await import('../../etl/run');
        const r = await runEtl(etlOptions(o.full ?? false, trigger));
        const how = r.transform?.kind === 'incremental' ? 'patched with the changes' : `built from scratch: ${r.transform?.reason ?? 'full run'}`;
        process.stdout.write(`Published snapshot ${r.snapshot} (${r.mode} load, ${how}; data as of ${r.dataAsOf ?? 'unknown'}) in ${r.stages.total} s.\n`);
      }),
    );

  etl
    .command('status')
    .description('the current snapshot, the schedule, recent runs, data-quality findings and quarantined rows')
    .option('--json', 'print JSON')
    .option('--runs <n>', 'how many runs to list', once('--runs'), '10')
    .action(
      action(async (o: { json?: boolean; runs: string }) => {
        const { etlStatus } = await import('../../etl/status');
        const c = getConfig();
        const s = await etlStatus(c.dataDir, { runs: Math.max(1, Number(o.runs) || 10), freshnessHours: c.freshnessHours });
        if (o.json) {
          process.stdout.write(JSON.stringify(s, null, 2) + '\n');
          return;
        }
        const out = (line = '') => process.stdout.write(line + '\n');
        out(s.snapshot ? `Current snapshot: ${s.snapshot.id} (${s.snapshot.mode}), data as of ${s.snapshot.dataAsOf}, published ${s.snapshot.publishedAt}` : 'No snapshot published yet.');
        out(
          s.scheduler
            ? `Scheduler: pid ${s.scheduler.pid}, next incremental ${s.scheduler.next.incremental}, next full ${s.scheduler.next.full}${s.scheduler.running ? `, running ${s.scheduler.running.mode} since ${s.scheduler.running.since}` : ''}`
            : 'Scheduler: not running.',
        );
        out();
        printTable(
          s.runs.map((r) => ({
            run: r.runId,
            mode: r.mode,
            transform: r.transform?.kind ?? '',
            trigger: r.trigger,
            status: r.status,
            seconds: r.stages.total ?? null,
            extracted: Object.values(r.tables).reduce((n, t) => n + t.extracted, 0),
            quarantined: Object.values(r.tables).reduce((n, t) => n + t.quarantined, 0),
            dq_errors: r.dq.errors,
            dq_warnings: r.dq.warnings,
            reason: r.error ?? '',
          })),
        );
        const last = s.runs[0];
        if (last?.dq.findings.length) {
          out(`\nFindings of run ${last.runId}:`);
          for (const f of last.dq.findings) out(`  [${f.severity}] ${f.check}: ${f.failing} failing${f.sample ? ` — ${f.sample.slice(0, 160)}` : ''}`);
        }
        if (s.freshness.length) {
          out('\nFreshness (latest change per source):');
          printTable(s.freshness.map((f) => ({ source: f.system, latest_change: f.latestChange ?? '', age_hours: f.ageHours, threshold_hours: f.thresholdHours, fresh: f.fresh ? 'yes' : 'NO' })));
        }
        if (s.quarantine.length) {
          out('\nQuarantined rows in the current snapshot:');
          printTable(s.quarantine.map((q) => ({ source_table: q.source_table, reason: q.reason, rows: q.rows, sample_keys: q.samples.map((x) => x.key).join(', ') })));
        }
      }),
    );

  etl
    .command('export-lake')
    .description('write the current snapshot as hive-partitioned Parquet (for Trino, Spark, ClickHouse)')
    .option('--out <dir>', 'lake directory (default: FIS_LAKE_DIR or <data dir>/lake)', once('--out'))
    .action(
      action(async (o: { out?: string }) => {
        const c = getConfig();
        const { readCurrent } = await import('../../warehouse/snapshots');
        const snapshot = readCurrent(c.dataDir);
        if (!snapshot) throw new UserError('No snapshot has been published yet; run "fis etl run" first.');
        const { exportLake } = await import('../../etl/lake');
        const r = await exportLake(snapshot, o.out ?? c.etl.lakeDir ?? `${c.dataDir}/lake`);
        process.stdout.write(`Exported snapshot ${snapshot.id} to ${r.dir} (${Object.keys(r.tables).length} tables, ${r.seconds.toFixed(1)} s).\n`);
      }),
    );

  program
    .command('scheduler')
    .description('keep the warehouse fresh: incremental runs every 15 minutes, a full run at night (FIS_SCHEDULE_*)')
    .option('--run-now', 'start with an incremental run')
    .action(
      action(async (o: { runNow?: boolean }) => {
        const c = getConfig();
        const { startScheduler } = await import('../../etl/scheduler');
        const { readNextDue } = await import('../../dashboards/subscriptions/due');
        const s = startScheduler({
          dataDir: c.dataDir,
          incremental: c.schedule.incremental,
          full: c.schedule.full,
          timezone: c.schedule.timezone,
          retries: c.etl.retries,
          deliveries: { nextDue: () => readNextDue(c.dataDir) },
        });
        const shutdown = () => {
          void s.stop().then(() => process.exit(0));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
        if (o.runNow) await s.trigger(false);
        await new Promise(() => {}); // until a signal arrives
      }),
    );
}
