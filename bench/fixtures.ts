/** Fixture generation: demo and national into PGlite and into PostgreSQL (targets: demo ≤ 30 s, national ≤ 300 s). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures } from '../fixtures/generate';
import { PROFILES } from '../fixtures/profiles';
import { getConfig } from '../platform/config';
import { todayUtc } from '../platform/dates';
import { createTestDatabase } from '../test/helpers';
import type { BenchContext } from './harness';

export const BENCH_SEED = 1;
/** A fixed last day, so reruns on different days generate the same data. */
export const benchUntil = () => todayUtc() - 1;

export async function benchFixtures(ctx: BenchContext): Promise<void> {
  const profiles = ctx.quick ? (['demo'] as const) : (['demo', 'national'] as const);
  for (const name of profiles) {
    const target = name === 'demo' ? '<= 30' : '<= 300';
    // PGlite: into the data directory the later sections reuse
    const dir = join(ctx.dataRoot, name);
    rmSync(join(dir, 'sources'), { recursive: true, force: true });
    const a = await generateFixtures({
      profile: PROFILES[name],
      seed: BENCH_SEED,
      untilDay: benchUntil(),
      codelistDir: getConfig().codelistDir,
      targets: { asylum: { kind: 'pglite', dir: join(dir, 'sources', 'asylum') }, integration: { kind: 'pglite', dir: join(dir, 'sources', 'integration') } },
    });
    ctx.record({ section: 'fixtures', name: `generate ${name} → PGlite`, value: a.seconds, unit: 's', target });
    ctx.record({ section: 'fixtures', name: `generate ${name} → PGlite, rows/s`, value: Math.round(a.rows / a.seconds), unit: 'rows/s', note: `${(a.rows / 1e6).toFixed(1)} M rows` });

    const pg = await ctx.pg();
    const asylum = await createTestDatabase(pg.url, 'bench_asylum');
    const integration = await createTestDatabase(pg.url, 'bench_integration');
    try {
      const b = await generateFixtures({
        profile: PROFILES[name],
        seed: BENCH_SEED,
        untilDay: benchUntil(),
        codelistDir: getConfig().codelistDir,
        targets: { asylum: { kind: 'postgres', url: asylum.url }, integration: { kind: 'postgres', url: integration.url } },
      });
      ctx.record({ section: 'fixtures', name: `generate ${name} → PostgreSQL 15`, value: b.seconds, unit: 's', target });
      ctx.record({ section: 'fixtures', name: `generate ${name} → PostgreSQL 15, rows/s`, value: Math.round(b.rows / b.seconds), unit: 'rows/s' });
    } finally {
      await asylum.drop();
      await integration.drop();
    }
  }
}
