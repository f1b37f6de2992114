/**
 * The ETL (architecture §7): a full load of the profile end to end (target ≤ 90 s on national), with
 * seconds and rows/s per stage, and incremental runs after one simulated day each (target ≤ 5 s,
 * the median of three days) — from the embedded PGlite sources (the default), and from the same
 * data on a PostgreSQL 15 server (how a production setup reads the operational systems).
 * The simulated days change the bench sources; the fixtures section regenerates them.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures } from '../fixtures/generate';
import { PROFILES } from '../fixtures/profiles';
import { simulateFixtures } from '../fixtures/simulate';
import { getConfig } from '../platform/config';
import type { PgTarget } from '../platform/pg/open';
import type { SourceSystem } from '../platform/sources';
import { runEtl } from '../etl/run';
import { createTestDatabase } from '../test/helpers';
import type { RunRecord } from '../etl/history';
import { benchEtl, benchTargets, ensureSources } from './data';
import { BENCH_SEED, benchUntil } from './fixtures';
import { median, type BenchContext } from './harness';

const INCREMENTAL_REPETITIONS = 3;

export async function benchEtlSection(ctx: BenchContext): Promise<void> {
  const dir = await ensureSources(ctx);
  await measure(ctx, 'PGlite', dir, benchTargets(dir));

  const pg = await ctx.pg();
  const asylum = await createTestDatabase(pg.url, 'bench_etl_asylum');
  const integration = await createTestDatabase(pg.url, 'bench_etl_integration');
  const pgDir = join(ctx.dataRoot, `${ctx.profile}-pg`);
  try {
    const targets: Record<SourceSystem, PgTarget> = { asylum: { kind: 'postgres', url: asylum.url }, integration: { kind: 'postgres', url: integration.url } };
    ctx.log(`generating the ${ctx.profile} fixtures into PostgreSQL 15`);
    await generateFixtures({ profile: PROFILES[ctx.profile], seed: BENCH_SEED, untilDay: benchUntil(), codelistDir: getConfig().codelistDir, targets });
    rmSync(pgDir, { recursive: true, force: true });
    await measure(ctx, 'PostgreSQL 15', pgDir, targets);
  } finally {
    rmSync(pgDir, { recursive: true, force: true });
    await asylum.drop();
    await integration.drop();
  }
}

/** A full load, then one simulated day and an incremental run, three times. */
async function measure(ctx: BenchContext, engine: string, dir: string, targets: Record<SourceSystem, PgTarget>): Promise<void> {
  const opts = (full: boolean) => ({ ...benchEtl(dir, full), targets });
  const full = await runEtl(opts(true));
  if (full.status !== 'succeeded') throw new Error(`the full load ended ${full.status}: ${full.error ?? ''}`);
  const total = full.stages.total ?? 0;
  const extracted = Object.values(full.tables).reduce((a, x) => a + x.extracted, 0);
  ctx.record({ section: 'etl', name: `full load ${ctx.profile} from ${engine}, end to end`, value: Number(total.toFixed(1)), unit: 's', target: ctx.profile === 'national' ? '<= 90' : undefined, note: `${(extracted / 1e6).toFixed(1)} M source rows` });
  for (const [stage, seconds] of Object.entries(full.stages)) {
    if (stage === 'total' || stage === 'copy') continue;
    ctx.record({ section: 'etl', name: `full load from ${engine}, stage ${stage}`, value: Number(seconds.toFixed(1)), unit: 's', note: seconds >= 0.1 ? `${Math.round(extracted / seconds).toLocaleString('en-US')} source rows/s` : undefined });
  }
  // one simulated day, then an incremental run — several times, as days differ (Sundays have no receipts)
  const runs: RunRecord[] = [];
  const changes: number[] = [];
  for (let i = 0; i < INCREMENTAL_REPETITIONS; i++) {
    const sim = await simulateFixtures({ days: 1, seed: 2 + i, targets, codelistDir: getConfig().codelistDir });
    changes.push(Object.values(sim.inserted).reduce((a, b) => a + b, 0) + Object.values(sim.updated).reduce((a, b) => a + b, 0));
    const inc = await runEtl(opts(false));
    if (inc.status !== 'succeeded') throw new Error(`the incremental run ended ${inc.status}: ${inc.error ?? ''}`);
    if (inc.transform?.kind !== 'incremental') ctx.log(`incremental run ${i + 1} built the snapshot from scratch: ${inc.transform?.reason ?? ''}`);
    runs.push(inc);
  }
  const totals = runs.map((r) => r.stages.total ?? 0);
  ctx.record({
    section: 'etl',
    name: `incremental run after one simulated day, from ${engine}`,
    value: Number(median(totals).toFixed(1)),
    unit: 's',
    target: '<= 5',
    note: `median of ${runs.length} days (${Math.min(...totals).toFixed(1)}–${Math.max(...totals).toFixed(1)} s), ${Math.min(...changes).toLocaleString('en-US')}–${Math.max(...changes).toLocaleString('en-US')} rows inserted or changed per day; snapshot ${runs.every((r) => r.transform?.kind === 'incremental') ? 'patched' : 'rebuilt in some runs'}`,
  });
  for (const stage of Object.keys(runs[0]!.stages)) {
    if (stage !== 'total') ctx.record({ section: 'etl', name: `incremental run from ${engine}, stage ${stage}`, value: Number(median(runs.map((r) => r.stages[stage] ?? 0)).toFixed(2)), unit: 's', note: 'median' });
  }
}
