/**
 * The answer cache and rights: whoever asks, the cached answer is the one an uncached run gives
 * that user — cell for cell, for every demo user and random questions asked in random order by
 * everyone (so that a key shared across scopes would hand one user another's answer). A new
 * snapshot never serves an old answer; the warm-up after a publication fills the cache for each
 * distinct scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../etl/run';
import { Rng } from '../fixtures/random';
import { simulateFixtures } from '../fixtures/simulate';
import { etlOpts } from '../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { answerCache } from '../warehouse/semantic/answer-cache';
import { METRICS } from '../warehouse/semantic/metrics';
import { runQuery } from '../warehouse/semantic/query';
import type { MetricQuery, QueryResult } from '../warehouse/semantic/types';
import { SnapshotReader, readCurrent } from '../warehouse/snapshots';
import { DASHBOARD_DEFS } from '../dashboards/defs';
import { panelData, parseFilters } from '../dashboards/server/panels';
import { warmViews } from '../dashboards/server/warmup';
import { principalByName, type Principal } from './access';
import { openAppDb, type AppDbHandle } from './app-db';
import { DEMO_USERS } from './demo';
import { installDemo } from './store';

const t = tempDir();
const targets = pgliteTargets(t.dir);
let app: AppDbHandle;
let reader: SnapshotReader;
const P: Record<string, Principal> = {};

beforeAll(async () => {
  await generateTiny(targets, 83);
  await runEtl({ ...etlOpts(t.dir, targets, true), snapshotsKeep: 5 });
  app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  for (const u of DEMO_USERS) P[u.username] = await principalByName(app.db, u.username, 5);
  reader = new SnapshotReader(t.dir);
  answerCache.clear();
});
afterAll(async () => {
  reader?.close();
  await app?.close();
  t.cleanup();
});

/** The answer or the refusal, comparable. */
const outcome = (p: Promise<QueryResult>) => p.then((r) => JSON.stringify([r.columns, r.rows, r.suppressed, r.snapshot]), (e: Error) => `refused: ${e.message}`);

function randomQuestion(rng: Rng): MetricQuery {
  const m = rng.pick(METRICS.filter((x) => x.measure.kind !== 'pending'));
  const dims = Object.keys(m.dimensions);
  const by = [...new Set(Array.from({ length: rng.int(3) }, () => rng.pick(dims)))];
  if (rng.chance(0.5)) by.unshift(rng.pick(['year', 'month']));
  const filters: Record<string, string[]> = {};
  if (rng.chance(0.3) && 'state' in m.dimensions) filters.state = [rng.pick(['08', '09', '05', '11'])];
  return { metrics: [m.name], by, filters, ...(rng.chance(0.5) ? { from: '2025-01-01', to: '2025-12-31' } : {}) };
}

describe('answer cache × rights', () => {
  it('gives every user exactly their uncached answer, whatever others asked before', async () => {
    const rng = new Rng('cache-rights');
    const users = DEMO_USERS.map((u) => u.username);
    let compared = 0;
    for (let i = 0; i < 60; i++) {
      const q = randomQuestion(rng);
      // everyone asks the same question, in a random order, twice (the second time from the cache)
      const order = [...users, ...users].sort(() => rng.next() - 0.5);
      for (const u of order) {
        const cached = await outcome(runQuery(reader, q, P[u]!.access));
        const uncached = await outcome(runQuery(reader, q, P[u]!.access, { cache: false }));
        expect(cached, `${u} ${JSON.stringify(q)}`).toBe(uncached);
        compared++;
      }
    }
    expect(compared).toBe(60 * users.length * 2);
    const s = answerCache.stats();
    expect(s.hits).toBeGreaterThan(0);
    // restricted and unrestricted users never share: at least one entry per distinct answer statement
    expect(s.entries).toBeGreaterThan(60);
  });

  it('answers a question of leitung and of ast-muc from separate entries', async () => {
    const q: MetricQuery = { metrics: ['applications'], by: ['office'], filters: {} };
    const before = answerCache.stats().misses;
    const all = await runQuery(reader, q, P.leitung!.access);
    const muc = await runQuery(reader, q, P['ast-muc']!.access);
    expect(all.rows.length).toBeGreaterThan(1);
    expect(muc.rows.map((r) => r[0])).toEqual(['MUC']);
    expect(answerCache.stats().misses - before).toBeLessThanOrEqual(2);
    // the same again: hits, and still apart
    expect((await runQuery(reader, q, P['ast-muc']!.access)).rows.map((r) => r[0])).toEqual(['MUC']);
  });

  it('never serves an old answer after a publication, and warms the new snapshot for each scope first', async () => {
    const scopes = [P.analyst!, P['ast-muc']!];
    let warmed = '';
    const warming = new SnapshotReader(t.dir, {
      warmUp: async (snapshot) => {
        const r = await warmViews(snapshot, scopes, Promise.resolve([]));
        warmed = snapshot.info().id;
        return r;
      },
    });
    const q: MetricQuery = { metrics: ['applications'], by: ['month'], filters: {} };
    const old = await runQuery(warming, q, P.leitung!.access);
    await simulateFixtures({ days: 40, seed: 5, targets });
    await runEtl({ ...etlOpts(t.dir, targets, false), snapshotsKeep: 5 });
    const published = readCurrent(t.dir)!.id;
    // the first question after the publication starts the warm-up and is still answered from the old snapshot
    expect((await runQuery(warming, q, P.leitung!.access)).snapshot).toBe(old.snapshot);
    for (let i = 0; i < 600 && warming.serving()?.id !== published; i++) await new Promise((r) => setTimeout(r, 50));
    expect(warmed).toBe(published);
    expect(warming.warmUpRecord()).toMatchObject({ snapshot: published, scopes: 2, timedOut: false });
    expect(warming.warmUpRecord()!.answers).toBeGreaterThan(50);
    const next = await runQuery(warming, q, P.leitung!.access);
    expect(next.snapshot).toBe(published);
    expect(JSON.stringify(next.rows)).not.toBe(JSON.stringify(old.rows));
    expect(JSON.stringify(next.rows)).toBe(JSON.stringify((await runQuery(warming, q, P.leitung!.access, { cache: false })).rows));
    // a default view of a warmed scope: no question reaches the warehouse
    const def = DASHBOARD_DEFS.find((d) => d.slug === 'applications')!;
    const misses = answerCache.stats().misses;
    const pinned = await warming.pin();
    for (const panel of def.panels) await panelData(pinned, panel, parseFilters({}, def, pinned.info().dataAsOf), P['ast-muc']!, 'de');
    expect(answerCache.stats().misses).toBe(misses);
    warming.close();
  });
});
