/** The benchmark data: each profile's embedded sources and warehouse under data/bench/<profile>, made on first use. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runEtl, type EtlOptions } from '../etl/run';
import { generateFixtures } from '../fixtures/generate';
import { PROFILES } from '../fixtures/profiles';
import { getConfig } from '../platform/config';
import { readCurrent } from '../warehouse/snapshots';
import { BENCH_SEED, benchUntil } from './fixtures';
import type { BenchContext } from './harness';

/** The profile's embedded sources under the bench data root. */
export const benchTargets = (dir: string) => ({ asylum: { kind: 'pglite' as const, dir: join(dir, 'sources', 'asylum') }, integration: { kind: 'pglite' as const, dir: join(dir, 'sources', 'integration') } });

/** ETL options of the benchmarks: as `fis etl run`, with freshness checks off (the data is as of its generation). */
export const benchEtl = (dir: string, full: boolean): EtlOptions => ({
  dataDir: dir,
  targets: benchTargets(dir),
  codelistDir: getConfig().codelistDir,
  full,
  trigger: 'cli',
  overlapMinutes: 10,
  reconcile: 'full-runs',
  snapshotsKeep: 2,
  freshnessHours: 24 * 365 * 20,
});

/** The profile's sources under the bench data root, generated if missing. */
export async function ensureSources(ctx: BenchContext): Promise<string> {
  const dir = join(ctx.dataRoot, ctx.profile);
  const targets = benchTargets(dir);
  if (!existsSync(targets.asylum.dir)) {
    ctx.log(`generating the ${ctx.profile} fixtures into ${dir}`);
    await generateFixtures({ profile: PROFILES[ctx.profile], seed: BENCH_SEED, untilDay: benchUntil(), codelistDir: getConfig().codelistDir, targets });
  }
  return dir;
}

let current = false;

/**
 * The profile's sources and warehouse under the bench data root, made if missing — and, once per
 * bench run, brought up to the code (an ETL run patches nothing when nothing changed, and builds
 * from scratch when the models changed since the snapshot was built).
 */
export async function ensureWarehouse(ctx: BenchContext): Promise<string> {
  const dir = await ensureSources(ctx);
  if (!readCurrent(dir)) {
    ctx.log(`loading the ${ctx.profile} warehouse`);
    await runEtl(benchEtl(dir, true));
  } else if (!current) {
    const r = await runEtl(benchEtl(dir, false));
    if (r.transform?.kind === 'full') ctx.log(`rebuilt the ${ctx.profile} warehouse: ${r.transform.reason}`);
  }
  current = true;
  return dir;
}

