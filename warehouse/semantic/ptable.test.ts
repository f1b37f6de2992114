import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, type Duck } from '../duckdb';
import {
  allowedNoise,
  generatePtable,
  loadPtable,
  noise,
  perturb,
  posteriorTrueCount,
  ptableFileName,
  ptableRow,
  ptableSqlRows,
  ptableValuesSql,
  serializePtable,
  type Ptable,
  type PtableParams,
  type PtableRow,
} from './ptable';

const REF_FILE = fileURLToPath(new URL('../../reference/ptable/ptable-D2-V1-js2.json', import.meta.url));
// the bounds are rounded to `digits` decimals, so p is off by up to 10^−digits and Σ f(j)·p by up to that times Σ|f(j)|
const roundingTolerance = (t: Ptable, power: number) => 10 ** -t.params.digits * (2 * t.params.D + 1) * t.params.D ** power;

const sum = (r: PtableRow, f: (j: number) => number) => r.entries.reduce((s, e) => s + e.p * f(e.j), 0);
const entropy = (ps: readonly number[]) => -ps.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);

/** Checks a table's rows directly from the data (independently of the module's own schema). */
function checkTable(t: Ptable) {
  const { D, V, js } = t.params;
  expect(t.rows.map((r) => r.i)).toEqual(Array.from({ length: t.limit + 1 }, (_, k) => k));
  for (const r of t.rows) {
    const where = `i = ${r.i} (D=${D} V=${V} js=${js} ${t.params.variance})`;
    expect(sum(r, () => 1), where).toBeCloseTo(1, 12);
    const EPS = roundingTolerance(t, 2);
    expect(Math.abs(sum(r, (j) => j)), where).toBeLessThan(roundingTolerance(t, 1));
    const variance = sum(r, (j) => j * j);
    if (r.status === 'met') expect(Math.abs(variance - V), where).toBeLessThan(EPS);
    if (r.status === 'raised') expect(variance, where).toBeGreaterThan(V);
    if (r.status === 'lowered' || r.status === 'below-bound') expect(variance, where).toBeLessThan(V);
    if (t.params.variance === 'fixed') expect(Math.abs(variance - r.targetVariance), where).toBeLessThan(EPS);
    else expect(variance, where).toBeLessThanOrEqual(r.targetVariance + EPS);
    let at = 0;
    for (const e of r.entries) {
      expect(Math.abs(e.j), where).toBeLessThanOrEqual(D);
      const published = r.i + e.j;
      expect(published, where).toBeGreaterThanOrEqual(0);
      if (published >= 1) expect(published > js, `${where}: publishes ${published}`).toBe(true);
      expect(e.p, where).toBeGreaterThan(0);
      expect(e.lower, where).toBe(at);
      expect(Math.abs(e.upper - e.lower - e.p), where).toBeLessThan(1e-15);
      at = e.upper;
    }
    expect(at, where).toBe(1);
  }
  expect(t.rows[0]!.entries).toEqual([{ j: 0, p: 1, lower: 0, upper: 1 }]);
  // the last row allows −D … D; it is symmetric unless a fixed V above the uniform variance D(D+1)/3 meets the
  // (one-sided) monotony: then p would have to grow with |j|, which monotony forbids on the negative side only
  const last = t.rows[t.limit]!;
  expect(last.allowed).toEqual(Array.from({ length: 2 * D + 1 }, (_, k) => k - D));
  if (V <= (D * (D + 1)) / 3 || !t.params.mono || t.params.variance === 'upper-bound') {
    expect(last.entries.map((e) => e.j)).toEqual(last.allowed);
    for (const e of last.entries) expect(e.p).toBeCloseTo(last.entries.find((x) => x.j === -e.j)!.p, 9);
  }
}

describe('reference ptable (D = 2, V = 1, js = 2)', () => {
  // the stored data as it is (not through the module's validation), so that each property below is checked on its own
  const stored = () => JSON.parse(readFileSync(REF_FILE, 'utf8')) as Ptable;
  let t: Ptable;
  beforeAll(() => {
    t = stored();
  });

  it('passes validation (loadPtable) and is the bundled table', () => {
    expect(loadPtable()).toEqual(t);
    expect(loadPtable(stored())).toEqual(t);
  });

  it('is what the generator produces from its parameters', () => {
    expect(ptableFileName(t.params)).toBe('ptable-D2-V1-js2.json');
    expect(t.params).toEqual({ D: 2, V: 1, js: 2, variance: 'fixed', mono: true, digits: 10 });
    // regenerate with: node bin/run-ts.mjs scripts/ptable.ts
    expect(serializePtable(generatePtable(t.params))).toBe(readFileSync(REF_FILE, 'utf8'));
  });

  it('rows sum to 1, are unbiased, stay within ±D, publish no 1s or 2s, intervals partition [0, 1)', () => {
    expect(t.limit).toBe(5);
    checkTable(t);
  });

  it('meets the variance V except where it cannot, and says so', () => {
    expect(t.rows.map((r) => r.status)).toEqual(['zero', 'raised', 'raised', 'lowered', 'met', 'met']);
    // i = 1: only noise −1 (→ 0) and +2 (→ 3) are allowed: the one unbiased distribution, variance 2
    expect(t.rows[1]!.entries.map((e) => [e.j, e.p])).toEqual([[-1, 0.6666666667], [2, 0.3333333333]]);
    // i = 2: noise −2, +1, +2 allowed, variance ≥ 2 for every unbiased choice; the minimum puts 0 on +2
    expect(t.rows[2]!.allowed).toEqual([-2, 1, 2]);
    expect(t.rows[2]!.entries.map((e) => [e.j, e.p])).toEqual([[-2, 0.3333333333], [1, 0.6666666667]]);
    // i = 3: 1 and 2 are blocked and 0 is 3 away: no downward noise, so unbiasedness forces noise 0
    expect(t.rows[3]!.entries).toEqual([{ j: 0, p: 1, lower: 0, upper: 1 }]);
    expect(t.rows[1]!.targetVariance).toBe(2);
    expect(t.rows[3]!.targetVariance).toBe(0);
    for (const r of t.rows.slice(4)) expect(sum(r, (j) => j * j)).toBeCloseTo(1, 9);
  });

  it('the noise lookup picks the interval containing the cell key', () => {
    for (const r of t.rows) {
      r.entries.forEach((e, k) => {
        for (const ck of [e.lower, (e.lower + e.upper) / 2, e.upper - 1e-12]) expect(noise(t, r.i, ck)).toBe(e.j);
        const next = r.entries[k + 1];
        if (next) expect(noise(t, r.i, e.upper)).toBe(next.j);
      });
    }
    // empirical frequencies over a fine grid of keys equal the probabilities
    const N = 100_000;
    for (const count of [0, 1, 2, 3, 4, 5, 17]) {
      const row = ptableRow(t, count);
      const freq = new Map<number, number>();
      for (let k = 0; k < N; k++) {
        const j = noise(t, count, (k + 0.5) / N);
        freq.set(j, (freq.get(j) ?? 0) + 1);
      }
      for (const e of row.entries) expect(Math.abs((freq.get(e.j) ?? 0) / N - e.p)).toBeLessThanOrEqual(1 / N);
      expect([...freq.keys()].sort((a, b) => a - b)).toEqual(row.entries.map((e) => e.j));
    }
  });

  it('a true 0 stays 0; no count is ever published as 1 or 2; large counts use the last row', () => {
    const bad: string[] = [];
    for (let k = 0; k < 1000; k++) {
      const ck = k / 1000;
      if (perturb(t, 0, ck) !== 0) bad.push(`0 → ${perturb(t, 0, ck)} at ${ck}`);
      for (let count = 1; count <= 60; count++) {
        const y = perturb(t, count, ck);
        if (y === 1 || y === 2 || Math.abs(y - count) > 2) bad.push(`${count} → ${y} at ${ck}`);
      }
      if (noise(t, 12_326, ck) !== noise(t, 5, ck)) bad.push(`12326 does not use row 5 at ${ck}`);
    }
    expect(bad).toEqual([]);
  });

  it('rejects bad inputs', () => {
    expect(() => noise(t, 3, 1)).toThrow(RangeError);
    expect(() => noise(t, 3, -0.1)).toThrow(RangeError);
    expect(() => noise(t, -1, 0.5)).toThrow(RangeError);
    expect(() => noise(t, 2.5, 0.5)).toThrow(RangeError);
    expect(() => generatePtable({ D: 2, V: 1, js: 3 })).toThrow(/js = 3 > D = 2/);
    expect(() => generatePtable({ D: 0, V: 1, js: 0 })).toThrow(RangeError);
    expect(() => generatePtable({ D: 2, V: 0, js: 0 })).toThrow(RangeError);
  });

  it('loadPtable rejects a corrupted table', () => {
    const good = JSON.parse(readFileSync(REF_FILE, 'utf8'));
    const corrupt = (f: (x: typeof good) => void) => {
      const x = structuredClone(good);
      f(x);
      return () => loadPtable(x);
    };
    expect(() => loadPtable(good)).not.toThrow();
    expect(corrupt((x) => (x.rows[5].entries[2].p = 0.4))).toThrow(/upper − lower/);
    expect(corrupt((x) => (x.rows[5].entries[4].upper = 0.99))).toThrow(/end at/);
    expect(corrupt((x) => (x.rows[4].entries[0].j = -2))).toThrow(/forbidden value 2/);
    expect(corrupt((x) => x.rows.pop())).toThrow(/rows 0..5/);
    expect(corrupt((x) => (x.rows[0].entries = [{ j: 1, p: 1, lower: 0, upper: 1 }]))).toThrow(/forbidden|stay 0/);
  });
});

describe('generator', () => {
  it('reproduces the ptable package vignette (create_cnt_ptable(D = 2, V = 1): V as upper bound)', () => {
    const t = generatePtable({ D: 2, V: 1, js: 0, variance: 'upper-bound' });
    expect(t.limit).toBe(2);
    // vignette: pTable p = 1, 0.3665, 0.3665, 0.1676, 0.0995, …; p_var 0, 0.932, 1; p_stay 1, 0.366, 0.383; p(i=2, v=−2) = 0.0638
    expect(t.rows[1]!.entries.map((e) => Number(e.p.toFixed(4)))).toEqual([0.3665, 0.3665, 0.1676, 0.0995]);
    expect(t.rows.map((r) => Number(r.variance.toFixed(3)))).toEqual([0, 0.932, 1]);
    expect(t.rows[2]!.entries.map((e) => Number(e.p.toFixed(4)))).toEqual([0.0638, 0.2447, 0.383, 0.2447, 0.0638]);
    expect(t.rows[1]!.status).toBe('below-bound');
    // vignette: "Let's try a variance parameter V=0.9 … fulfills all conditions"
    expect(generatePtable({ D: 2, V: 0.9, js: 0, variance: 'upper-bound' }).rows.slice(1).map((r) => r.status)).toEqual(['met', 'met']);
  });

  it('the symmetric row is the closed-form maximum entropy solution p_j ∝ x^(j²)', () => {
    // D = 2, V = 1: variance condition 2x + 8x⁴ = 1 + 2x + 2x⁴ gives x⁴ = 1/6
    const x = 6 ** -0.25;
    const z = 1 + 2 * x + 2 * x ** 4;
    const row = generatePtable({ D: 2, V: 1, js: 2 }).rows[5]!;
    expect(row.entries.map((e) => e.p)).toEqual([x ** 4 / z, x / z, 1 / z, x / z, x ** 4 / z].map((p) => Number(p.toFixed(10))));
  });

  it('holds the constraints for a range of parameters', () => {
    for (const D of [1, 2, 3, 4]) {
      for (let js = 0; js <= D; js++) {
        for (const V of [0.5, 1, 2, 3]) {
          for (const variance of ['fixed', 'upper-bound'] as const) checkTable(generatePtable({ D, V, js, variance }));
        }
      }
    }
    checkTable(generatePtable({ D: 5, V: 3, js: 2 }));
    checkTable(generatePtable({ D: 3, V: 1.5, js: 1, mono: false }));
  });

  it('no feasible distribution near a row has higher entropy (local optimality, hence the optimum: the problem is concave)', () => {
    let rnd = 12345;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const cases: PtableParams[] = [{ D: 2, V: 1, js: 2 }, { D: 2, V: 1, js: 0, variance: 'upper-bound' }, { D: 3, V: 1.5, js: 1 }, { D: 4, V: 2, js: 2 }];
    let compared = 0;
    for (const params of cases) {
      const t = generatePtable(params);
      const fixed = t.params.variance === 'fixed';
      for (const r of t.rows.slice(1)) {
        const js = allowedNoise(r.i, t.params.D, t.params.js);
        const p = js.map((j) => r.entries.find((e) => e.j === j)?.p ?? 0);
        const chain = t.params.mono && js.includes(0) ? js.filter((j) => j <= 0).map((j) => js.indexOf(j)) : [];
        // orthonormal basis of the equality constraints (Σp, Σjp and, for fixed variance, Σj²p)
        const basis: number[][] = [];
        for (const row of [js.map(() => 1), js, ...(fixed ? [js.map((j) => j * j)] : [])]) {
          const v = [...row];
          for (const b of basis) {
            const d = v.reduce((s, x, k) => s + x * b[k]!, 0);
            v.forEach((_, k) => (v[k] = v[k]! - d * b[k]!));
          }
          const n = Math.hypot(...v);
          if (n > 1e-9) basis.push(v.map((x) => x / n));
        }
        for (let trial = 0; trial < 300; trial++) {
          const d = js.map(() => random());
          for (const b of basis) {
            const dot = d.reduce((s, x, k) => s + x * b[k]!, 0);
            d.forEach((_, k) => (d[k] = d[k]! - dot * b[k]!));
          }
          const n = Math.hypot(...d);
          if (n < 1e-9) continue; // no freedom left: the row is the only feasible distribution
          const q = p.map((x, k) => x + (1e-3 * d[k]!) / n);
          if (q.some((x) => x < 0)) continue;
          if (chain.some((k, m) => m > 0 && q[chain[m - 1]!]! > q[k]! + 1e-12)) continue;
          if (!fixed && q.reduce((s, x, k) => s + x * js[k]! * js[k]!, 0) > r.targetVariance + 1e-12) continue;
          expect(entropy(q), `i = ${r.i} ${JSON.stringify(params)}`).toBeLessThanOrEqual(entropy(p) + 1e-9);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

const REF_PARAMS = { D: 2, V: 1, js: 2 } as const;

describe('posterior of the true count (attacker baseline)', () => {
  const t = generatePtable(REF_PARAMS);
  const uniform = { kind: 'uniform', max: 100 } as const;

  it('follows Bayes with the ptable as likelihood', () => {
    // published 0 comes from 0 (p 1), 1 (2/3) or 2 (1/3)
    const post0 = posteriorTrueCount(t, 0, uniform);
    expect(post0.points.map((x) => [x.i, Number(x.posterior.toFixed(6))])).toEqual([[0, 0.5], [1, 0.333333], [2, 0.166667]]);
    expect(post0.map).toBe(0);
    expect(post0.mapProbability).toBeCloseTo(0.5, 9);
    // published 3: from 1 (+2), 2 (+1), 3 (0), 4 (−1), 5 (−2)
    const post3 = posteriorTrueCount(t, 3, uniform);
    const lik = [1 / 3, 2 / 3, 1, 0.375, 0.0638271367];
    const z = lik.reduce((s, x) => s + x, 0);
    expect(post3.points.map((x) => x.i)).toEqual([1, 2, 3, 4, 5]);
    post3.points.forEach((x, k) => expect(x.posterior).toBeCloseTo(lik[k]! / z, 9));
    expect(post3.map).toBe(3);
    // a published 1 or 2 is impossible
    expect(posteriorTrueCount(t, 1, uniform)).toMatchObject({ evidence: 0, points: [], map: null });
    expect(posteriorTrueCount(t, 2, uniform).evidence).toBe(0);
    // the prior bounds the support: nothing above max
    expect(posteriorTrueCount(t, 101, uniform).points.map((x) => x.i)).toEqual([99, 100]);
  });

  it('sums to 1 and agrees with enumerating (true count, cell key) pairs', () => {
    const max = 12;
    const N = 20_000; // cell keys on a grid
    const hits = new Map<number, Map<number, number>>();
    for (let i = 0; i <= max; i++)
      for (let k = 0; k < N; k++) {
        const y = perturb(t, i, (k + 0.5) / N);
        const m = hits.get(y) ?? new Map<number, number>();
        m.set(i, (m.get(i) ?? 0) + 1);
        hits.set(y, m);
      }
    for (const [y, m] of hits) {
      const post = posteriorTrueCount(t, y, { kind: 'uniform', max });
      const total = [...m.values()].reduce((s, x) => s + x, 0);
      expect(post.points.reduce((s, x) => s + x.posterior, 0)).toBeCloseTo(1, 12);
      for (const x of post.points) expect(Math.abs(x.posterior - (m.get(x.i) ?? 0) / total)).toBeLessThan(1e-3);
    }
  });

  it('takes explicit prior weights', () => {
    // all prior mass on 3 and 4: a published 3 is a true 3 with odds 1 : 0.375
    const post = posteriorTrueCount(t, 3, { kind: 'weights', weights: [0, 0, 0, 1, 1] });
    expect(post.points.map((x) => x.i)).toEqual([3, 4]);
    expect(post.points[0]!.posterior).toBeCloseTo(1 / 1.375, 12);
    expect(post.mean).toBeCloseTo(3 + 0.375 / 1.375, 12);
    expect(() => posteriorTrueCount(t, 3, { kind: 'weights', weights: [0, 0] })).toThrow(RangeError);
  });
});

describe('SQL form', () => {
  const t = generatePtable(REF_PARAMS);
  let duck: Duck | undefined;
  afterAll(() => duck?.close());

  it('has one row per (i, j) with positive probability', () => {
    const rows = ptableSqlRows(t);
    expect(rows.length).toBe(t.rows.reduce((s, r) => s + r.entries.length, 0));
    expect(rows[0]).toEqual({ i: 0, j: 0, p: 1, lower: 0, upper: 1 });
    expect(Object.keys(rows[0]!)).toEqual(['i', 'j', 'p', 'lower', 'upper']);
  });

  it('joined in DuckDB gives the same noise as noise()', async () => {
    duck = await openDuck(':memory:');
    await duck.run(`CREATE TABLE ptable AS ${ptableValuesSql(t)}`);
    const back = await duck.all<{ i: number; j: number; p: number; lower: number; upper: number }>('SELECT * FROM ptable ORDER BY i, j');
    expect(back).toEqual(ptableSqlRows(t));
    // cells: counts 0 … 9 and 1000, cell keys on a grid plus every interval bound (the edge cases)
    const keys = new Set<number>([...Array.from({ length: 50 }, (_, k) => k / 50), ...ptableSqlRows(t).map((r) => r.lower)]);
    const cells: [number, number][] = [];
    for (const cnt of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]) for (const ck of keys) cells.push([cnt, ck]);
    await duck.run(`CREATE TABLE cells AS SELECT CAST(cnt AS INTEGER) AS cnt, CAST(ck AS DOUBLE) AS ck FROM (VALUES ${cells.map(([c, k]) => `(${c}, '${k}')`).join(', ')}) v(cnt, ck)`);
    const joined = await duck.all<{ cnt: number; ck: number; published: number }>(
      `SELECT c.cnt, c.ck, c.cnt + pt.j AS published
       FROM cells c JOIN ptable pt ON pt.i = least(c.cnt, ${t.limit}) AND c.ck >= pt."lower" AND c.ck < pt."upper"`,
    );
    expect(joined.length).toBe(cells.length); // exactly one interval per cell
    for (const r of joined) expect(r.published, `cnt ${r.cnt} ck ${r.ck}`).toBe(perturb(t, r.cnt, r.ck));
  });
});
