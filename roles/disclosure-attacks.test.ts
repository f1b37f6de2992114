/**
 * An analyst attacks the published figures (tiny profile): for every cell whose true count is 1–4
 * (known from leadership's unrestricted answer), the differencing attacks that break threshold
 * suppression — complement metrics, rate × denominator, a total minus the other cells, days summed
 * against the month, two consecutive `to` dates, all nationalities minus all but one, the same
 * question asked again and again, and counts beside a mean moved by one day. For each attack, the
 * share of small cells recovered exactly must not exceed what the best guess from the perturbation
 * table alone achieves (computed here), and no attack pins a value down with certainty. The same
 * complement attack against threshold suppression recovers every cell — the test can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../etl/run';
import { etlOpts } from '../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { PTABLE } from '../warehouse/semantic/disclosure';
import { noiseProbability, posteriorTrueCount } from '../warehouse/semantic/ptable';
import { runQuery } from '../warehouse/semantic/query';
import type { Access, MetricQuery, QueryResult } from '../warehouse/semantic/types';
import { SnapshotReader } from '../warehouse/snapshots';
import { principalByName } from './access';
import { openAppDb } from './app-db';
import { installDemo } from './store';

const t = tempDir();
let reader: SnapshotReader;
let analyst: Access;
let leitung: Access;
const YEAR = { from: '2025-01-01', to: '2025-12-31' };
const D = PTABLE.params.D;

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 97);
  await runEtl(etlOpts(t.dir, targets, true));
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  analyst = (await principalByName(app.db, 'analyst', 5)).access;
  leitung = (await principalByName(app.db, 'leitung', 5)).access;
  await app.close();
  reader = new SnapshotReader(t.dir);
});
afterAll(() => {
  reader?.close();
  t.cleanup();
});

const ask = (access: Access, q: Partial<MetricQuery> & { metrics: string[] }) => runQuery(reader, { by: [], filters: {}, ...q }, access, { maxRows: 1_000_000 });
/** key (the dimension values) → the metric columns */
const cells = (r: QueryResult, dims: number) => new Map(r.rows.map((row) => [JSON.stringify(row.slice(0, dims)), row.slice(dims).map((v) => (v === null ? NaN : Number(v)))]));

interface Target {
  truth: number;
  /** the attack's estimate */
  estimate: number;
  /** how many perturbed counts the estimate adds or subtracts (its noise is within ±D each) */
  terms: number;
  /** the cell's own published value, where the analyst can ask for it directly */
  direct?: number;
}

/** The distribution of true counts of a table, as an attacker who knows the statistics might assume it. */
function priorOf(truths: number[]) {
  const max = 60;
  return { kind: 'weights' as const, weights: Array.from({ length: max + 1 }, (_, i) => truths.filter((x) => Math.min(Math.max(x, 0), max) === i).length + 0.5) };
}

/** The best guess from the perturbation table alone: how often the mode of the posterior of a cell's own published value is its true count. */
function baseline(truths: number[], prior: ReturnType<typeof priorOf>): number {
  let right = 0;
  for (const truth of truths) {
    for (let j = -D; j <= D; j++) {
      const p = noiseProbability(PTABLE, truth, j);
      if (p > 0 && posteriorTrueCount(PTABLE, truth + j, prior).map === truth) right += p;
    }
  }
  return right / truths.length;
}

/** Values an attacker cannot rule out: non-negative, within the noise of the estimate, and able to have produced the direct value. */
function feasible(x: Target): number[] {
  const out: number[] = [];
  for (let v = Math.max(0, Math.round(x.estimate) - D * x.terms); v <= Math.round(x.estimate) + D * x.terms; v++) {
    if (x.direct !== undefined && !(noiseProbability(PTABLE, v, x.direct - v) > 0)) continue;
    out.push(v);
  }
  return out;
}

/**
 * The attack judged: its estimate rounded; and a Bayesian attacker who also knows the ptable and
 * combines the estimate (its noise: the sum of `terms` independent ptable noises, approximated as
 * independent draws from the symmetric row) with the cell's own published value.
 */
function evaluate(name: string, targets: Target[]) {
  const prior = priorOf(targets.map((x) => x.truth));
  const small = targets.filter((x) => x.truth >= 1 && x.truth <= 4);
  const exact = small.filter((x) => Math.round(x.estimate) === x.truth).length / small.length;
  const certain = small.filter((x) => feasible(x).length === 1).length;
  const combined = small.filter((x) => combinedGuess(x, prior) === x.truth).length / small.length;
  return { name, cells: small.length, exact, combined, base: baseline(small.map((x) => x.truth), prior), certain };
}

/** The distribution of the sum of `terms` noises of the symmetric (large-count) ptable row. */
function sumNoise(terms: number): Map<number, number> {
  const row = PTABLE.rows.at(-1)!.entries;
  let dist = new Map([[0, 1]]);
  for (let k = 0; k < Math.min(terms, 6); k++) {
    const next = new Map<number, number>();
    for (const [a, pa] of dist) for (const e of row) next.set(a + e.j, (next.get(a + e.j) ?? 0) + pa * e.p);
    dist = next;
  }
  return dist;
}

function combinedGuess(x: Target, prior: ReturnType<typeof priorOf>): number | null {
  const noise = sumNoise(x.terms);
  let best: number | null = null;
  let bestP = 0;
  for (const v of feasible(x)) {
    const p = (prior.weights[Math.min(v, 60)] ?? 0) * (noise.get(Math.round(x.estimate) - v) ?? (x.terms > 6 ? 1e-3 : 0)) * (x.direct === undefined ? 1 : noiseProbability(PTABLE, v, x.direct - v));
    if (p > bestP) [best, bestP] = [v, p];
  }
  return best;
}

const results: Array<ReturnType<typeof evaluate>> = [];

describe('differencing attacks on the cell-key method', () => {
  it('gain nothing over the perturbation table alone, and never a value with certainty', async () => {
    // 1. complement metrics: decisions − substantive decisions = formal decisions
    const q1 = { metrics: ['decisions', 'decisions_substantive', 'decisions_formal'], by: ['office', 'nationality'], ...YEAR };
    const [a1, t1] = [cells(await ask(analyst, q1), 2), cells(await ask(leitung, q1), 2)];
    results.push(evaluate('complement metric', [...t1].map(([k, v]) => ({ truth: v[2]!, estimate: (a1.get(k)?.[0] ?? 0) - (a1.get(k)?.[1] ?? 0), terms: 2, direct: a1.get(k)?.[2] ?? 0 }))));

    // 2. rate × denominator = positive decisions
    const q2 = { metrics: ['protection_rate', 'decisions', 'decisions_positive'], by: ['office', 'nationality'], ...YEAR };
    const [a2, t2] = [cells(await ask(analyst, q2), 2), cells(await ask(leitung, q2), 2)];
    results.push(
      evaluate('rate × denominator', [...t2].filter(([k]) => Number.isFinite(a2.get(k)?.[0] ?? NaN)).map(([k, v]) => ({ truth: v[2]!, estimate: ((a2.get(k)![0]! * a2.get(k)![1]!) / 100), terms: 2, direct: a2.get(k)?.[2] ?? 0 }))),
    );

    // 3. a total minus the other cells
    const q3 = { metrics: ['decisions_formal'], by: ['office', 'nationality'], ...YEAR };
    const [a3, t3] = [cells(await ask(analyst, q3), 2), cells(await ask(leitung, q3), 2)];
    const totals = cells(await ask(analyst, { metrics: ['decisions_formal'], by: ['office'], ...YEAR }), 1);
    results.push(
      evaluate('total minus the other cells', [...t3].map(([k, v]) => {
        const [office] = JSON.parse(k) as [string];
        const others = [...a3].filter(([k2]) => (JSON.parse(k2) as string[])[0] === office && k2 !== k);
        return { truth: v[0]!, estimate: (totals.get(JSON.stringify([office]))?.[0] ?? 0) - others.reduce((s, [, x]) => s + (x[0] ?? 0), 0), terms: 1 + others.length, direct: a3.get(k)?.[0] ?? 0 };
      })),
    );

    // 4. the days of a month summed against the month
    const q4 = { metrics: ['decisions_formal'], by: ['office', 'day'], ...YEAR };
    const a4 = cells(await ask(analyst, q4), 2);
    const monthTruth = cells(await ask(leitung, { metrics: ['decisions_formal'], by: ['office', 'month'], ...YEAR }), 2);
    const monthPub = cells(await ask(analyst, { metrics: ['decisions_formal'], by: ['office', 'month'], ...YEAR }), 2);
    results.push(
      evaluate('days summed against the month', [...monthTruth].map(([k, v]) => {
        const [office, month] = JSON.parse(k) as [string, string];
        const days = [...a4].filter(([k2]) => {
          const [o, d] = JSON.parse(k2) as [string, string];
          return o === office && d.startsWith(month);
        });
        return { truth: v[0]!, estimate: days.reduce((s, [, x]) => s + (x[0] ?? 0), 0), terms: Math.max(1, days.length), direct: monthPub.get(k)?.[0] ?? 0 };
      })),
    );

    // 5. pending on two consecutive `to` dates: the net flow of a day
    const flows: Target[] = [];
    for (let i = 0; i < 90; i++) {
      const d1 = new Date(Date.UTC(2025, 3, 1 + 2 * i)).toISOString().slice(0, 10);
      const prev = new Date(`${d1}T00:00:00Z`);
      prev.setUTCDate(prev.getUTCDate() - 1);
      const dPrev = prev.toISOString().slice(0, 10);
      const [p1, p0, r1, r0] = await Promise.all([
        ask(analyst, { metrics: ['pending'], by: ['office'], to: d1 }),
        ask(analyst, { metrics: ['pending'], by: ['office'], to: dPrev }),
        ask(leitung, { metrics: ['pending'], by: ['office'], to: d1 }),
        ask(leitung, { metrics: ['pending'], by: ['office'], to: dPrev }),
      ]).then((rs) => rs.map((r) => cells(r, 1)));
      for (const [k, v] of r1!) flows.push({ truth: v[0]! - (r0!.get(k)?.[0] ?? 0), estimate: (p1!.get(k)?.[0] ?? 0) - (p0!.get(k)?.[0] ?? 0), terms: 2 });
    }
    results.push(evaluate('pending on two consecutive days', flows));

    // 6. all nationalities minus all but one
    const natsAll = cells(await ask(leitung, { metrics: ['decisions'], by: ['nationality'], ...YEAR }), 1);
    const nats = [...natsAll.keys()].map((k) => (JSON.parse(k) as string[])[0]!);
    const all = cells(await ask(analyst, { metrics: ['decisions'], by: ['office'], ...YEAR }), 1);
    const diffs: Target[] = [];
    const truthByOfficeNat = cells(await ask(leitung, { metrics: ['decisions'], by: ['office', 'nationality'], ...YEAR }), 2);
    const pubByOfficeNat = cells(await ask(analyst, { metrics: ['decisions'], by: ['office', 'nationality'], ...YEAR }), 2);
    for (const x of nats.slice(0, 12)) {
      const rest = cells(await ask(analyst, { metrics: ['decisions'], by: ['office'], filters: { nationality: nats.filter((n) => n !== x) }, ...YEAR }), 1);
      for (const [k, v] of all) {
        const office = (JSON.parse(k) as string[])[0]!;
        const key = JSON.stringify([office, x]);
        diffs.push({ truth: truthByOfficeNat.get(key)?.[0] ?? 0, estimate: v[0]! - (rest.get(k)?.[0] ?? 0), terms: 2, direct: pubByOfficeNat.get(key)?.[0] ?? 0 });
      }
    }
    results.push(evaluate('all nationalities minus all but one', diffs));

    // 7. the same question again and again, averaged
    const again = await Promise.all(Array.from({ length: 5 }, () => ask(analyst, q3)));
    for (const r of again) expect(r.rows).toEqual(again[0]!.rows);
    results.push(evaluate('the same question five times, averaged', [...t3].map(([k, v]) => ({ truth: v[0]!, estimate: again.reduce((s, r) => s + (cells(r, 2).get(k)?.[0] ?? 0), 0) / again.length, terms: 1, direct: a3.get(k)?.[0] ?? 0 }))));

    // 8. the counts beside a mean, moved by one day: the decisions of that day
    const moved: Target[] = [];
    for (let i = 0; i < 60; i++) {
      const to1 = new Date(Date.UTC(2025, 2, 2 + 3 * i)).toISOString().slice(0, 10);
      const to0 = new Date(Date.UTC(2025, 2, 1 + 3 * i)).toISOString().slice(0, 10);
      const q = (to: string) => ({ metrics: ['processing_months_avg', 'decisions'], by: ['office'], from: '2025-01-01', to });
      const [p1, p0] = [cells(await ask(analyst, q(to1)), 1), cells(await ask(analyst, q(to0)), 1)];
      const dayTruth = cells(await ask(leitung, { metrics: ['decisions'], by: ['office'], from: to1, to: to1 }), 1);
      const dayPub = cells(await ask(analyst, { metrics: ['decisions'], by: ['office'], from: to1, to: to1 }), 1);
      for (const [k, v] of dayTruth) moved.push({ truth: v[0]!, estimate: (p1.get(k)?.[1] ?? 0) - (p0.get(k)?.[1] ?? 0), terms: 2, direct: dayPub.get(k)?.[0] ?? 0 });
    }
    results.push(evaluate('counts beside a mean moved by one day', moved));

    console.table(results.map((r) => ({ attack: r.name, 'small cells': r.cells, 'recovered exactly': `${(100 * r.exact).toFixed(1)} %`, 'with the published cell (Bayes)': `${(100 * r.combined).toFixed(1)} %`, 'ptable alone': `${(100 * r.base).toFixed(1)} %`, certain: r.certain })));
    for (const r of results) {
      expect(r.cells, r.name).toBeGreaterThan(10);
      // the attack alone: no better than guessing from the ptable (margin: shares over a few dozen to a few hundred cells)
      expect(r.exact, `${r.name}: ${r.exact} vs ${r.base}`).toBeLessThanOrEqual(r.base + 0.08);
      // an attacker who also weighs the cell's own published value by the ptable gains a few points, never certainty
      expect(r.combined, `${r.name} (Bayes): ${r.combined} vs ${r.base}`).toBeLessThanOrEqual(r.base + 0.12);
      expect(r.certain, `${r.name}: values pinned down with certainty`).toBe(0);
    }
  });

  it('recovers every small cell from threshold suppression (the attack works: the test can fail)', async () => {
    const threshold = { ...analyst, disclosure: 'threshold' as const };
    const q = { metrics: ['decisions', 'decisions_substantive', 'decisions_formal'], by: ['office', 'nationality'], ...YEAR };
    const [pub, truth] = [cells(await ask(threshold, q), 2), cells(await ask(leitung, q), 2)];
    const withheld = [...truth].filter(([k, v]) => v[2]! >= 1 && v[2]! <= 4 && Number.isNaN(pub.get(k)?.[2] ?? NaN) && Number.isFinite(pub.get(k)?.[0] ?? NaN) && Number.isFinite(pub.get(k)?.[1] ?? NaN));
    expect(withheld.length).toBeGreaterThan(10);
    const recovered = withheld.filter(([k, v]) => pub.get(k)![0]! - pub.get(k)![1]! === v[2]).length;
    expect(recovered / withheld.length).toBe(1);
  });
});
