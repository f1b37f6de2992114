/**
 * The ETL's central property, on PGlite and on a PostgreSQL server: a full load, then three
 * simulated days and an incremental run, gives a warehouse identical row for row to a fresh full
 * load of the same sources; and the marts reconcile per table and day with the live source rows
 * counted here with plain SQL on the source.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFixtures } from '../fixtures/simulate';
import type { PgTarget } from '../platform/pg/open';
import type { SourceSystem } from '../platform/sources';
import { etlOpts, reconcileWithSources, warehouseChecksums } from '../test/etl-helpers';
import { codelistDir, createTestDatabase, generateTiny, pgliteTargets, tempDir, testPg } from '../test/helpers';
import { runEtl } from './run';

describe.each(['pglite', 'postgres'] as const)('ETL on %s sources', (engine) => {
  const server = testPg();
  const skip = engine === 'postgres' && !server.url;
  const a = tempDir();
  const b = tempDir();
  let targets: Record<SourceSystem, PgTarget>;
  const drops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (skip) return;
    if (engine === 'pglite') targets = pgliteTargets(a.dir);
    else {
      const x = await createTestDatabase(server.url!, 'etl_asylum');
      const y = await createTestDatabase(server.url!, 'etl_integration');
      drops.push(x.drop, y.drop);
      targets = { asylum: { kind: 'postgres', url: x.url }, integration: { kind: 'postgres', url: y.url } };
    }
    await generateTiny(targets, 11);
  });
  afterAll(async () => {
    for (const d of drops) await d();
    a.cleanup();
    b.cleanup();
  });

  it.skipIf(skip)(`full load, three simulated days and an incremental run equal a fresh full load, row for row${skip ? ` (skipped: ${server.skipReason})` : ''}`, async () => {
    const first = await runEtl(etlOpts(join(a.dir, 'w1'), targets, true));
    expect(first.status).toBe('succeeded');
    expect(first.mode).toBe('full');
    const before = await warehouseChecksums(join(a.dir, 'w1'));

    const sim = await simulateFixtures({ days: 3, targets, codelistDir });
    expect(Object.values(sim.updated).reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    const inc = await runEtl(etlOpts(join(a.dir, 'w1'), targets, false));
    expect(inc.mode).toBe('incremental');
    expect(inc.status).toBe('succeeded');
    // the snapshot was patched, not rebuilt: only the changed rows and what depends on them
    expect(inc.transform, JSON.stringify(inc.transform)).toMatchObject({ kind: 'incremental' });
    const rebuilt = inc.transform?.kind === 'incremental' ? inc.transform.rebuilt! : {};
    expect(rebuilt['asyl.application']).toBeGreaterThan(0);
    expect(rebuilt['asyl.application']).toBeLessThan(inc.tables['asyl.application']!.staged / 5);
    // only the changes (plus the safety overlap) were extracted
    const extracted = Object.values(inc.tables).reduce((s, t) => s + t.extracted, 0);
    expect(extracted).toBeGreaterThan(0);
    expect(extracted).toBeLessThan(Object.values(first.tables).reduce((s, t) => s + t.extracted, 0) / 5);

    const fresh = await runEtl(etlOpts(join(b.dir, 'w2'), targets, true));
    expect(fresh.status).toBe('succeeded');
    const incremental = await warehouseChecksums(join(a.dir, 'w1'));
    const full = await warehouseChecksums(join(b.dir, 'w2'));
    expect(incremental).toEqual(full);
    // and the simulated days did change the warehouse
    expect(incremental.fact_decision).not.toEqual(before.fact_decision);
    expect(incremental.fact_application).not.toEqual(before.fact_application);

    await reconcileWithSources(join(a.dir, 'w1'), targets);
  });
});
