/**
 * The ETL (DESIGN §7): a full load of the profile end to end (target ≤ 90 s on national), with
 * seconds and rows/s per stage, and incremental runs after one simulated day each (target ≤ 5 s,
 * the median of three days).
 * The simulated day changes the bench sources; the fixtures section regenerates them.
 */
import { simulateFixtures } from '../fixtures/simulate';
import { getConfig } from '../platform/config';
import { runEtl } from '../etl/run';
import { benchEtl, benchTargets, ensureSources } from './data';
import { median, type BenchContext } from './harness';
import type { RunRecord } from '../warehouse/pipeline';

export async function benchEtlSection(ctx: BenchContext): Promise<void> {
  const dir = await ensureSources(ctx);
  const full = await runEtl(benchEtl(dir, true));
  if (full.status !== 'succeeded') throw new Error(`the full load ended ${full.status}: ${full.error ?? ''}`);
  const total = full.stages.total ?? 0;
  const extracted = Object.values(full.tables).reduce((a, x) => a + x.extracted, 0);
  ctx.record({ section: 'etl', name: `full load ${ctx.profile}, end to end`, value: Number(total.toFixed(1)), unit: 's', target: ctx.profile === 'national' ? '<= 90' : undefined, note: `${(extracted / 1e6).toFixed(1)} M source rows` });
  for (const [stage, seconds] of Object.entries(full.stages)) {
    if (stage === 'total') continue;
    ctx.record({ section: 'etl', name: `full load, stage ${stage}`, value: Number(seconds.toFixed(1)), unit: 's', note: seconds > 0 ? `${Math.round(extracted / seconds).toLocaleString('en-US')} source rows/s` : undefined });
  }
  // one simulated day, then an incremental run — several times, as days differ (Sundays have no receipts)
  const runs: RunRecord[] = [];
  const changes: number[] = [];
  for (let i = 0; i < INCREMENTAL_REPETITIONS; i++) {
    const sim = await simulateFixtures({ days: 1, seed: 2 + i, targets: benchTargets(dir), codelistDir: getConfig().codelistDir });
    changes.push(Object.values(sim.inserted).reduce((a, b) => a + b, 0) + Object.values(sim.updated).reduce((a, b) => a + b, 0));
    const inc = await runEtl(benchEtl(dir, false));
    if (inc.status !== 'succeeded') throw new Error(`the incremental run ended ${inc.status}: ${inc.error ?? ''}`);
    if (inc.transform?.kind !== 'incremental') ctx.log(`incremental run ${i + 1} built the snapshot from scratch: ${inc.transform?.reason ?? ''}`);
    runs.push(inc);
  }
  const totals = runs.map((r) => r.stages.total ?? 0);
  ctx.record({
    section: 'etl',
    name: 'incremental run after one simulated day',
    value: Number(median(totals).toFixed(1)),
    unit: 's',
    target: '<= 5',
    note: `median of ${runs.length} days (${Math.min(...totals).toFixed(1)}–${Math.max(...totals).toFixed(1)} s), ${Math.min(...changes).toLocaleString('en-US')}–${Math.max(...changes).toLocaleString('en-US')} rows inserted or changed per day; snapshot ${runs.every((r) => r.transform?.kind === 'incremental') ? 'patched' : 'rebuilt in some runs'}`,
  });
  for (const stage of Object.keys(runs[0]!.stages)) {
    if (stage !== 'total') ctx.record({ section: 'etl', name: `incremental run, stage ${stage}`, value: Number(median(runs.map((r) => r.stages[stage] ?? 0)).toFixed(2)), unit: 's', note: 'median' });
  }
}

const INCREMENTAL_REPETITIONS = 3;
