/**
 * Perturbation table (ptable) for the cell-key method (CKM) on frequency counts.
 *
 * A ptable gives, for every original count i (0 … limit; every i ≥ limit uses the row of `limit`),
 * the probability p(i, j) of each noise value j, and cuts [0, 1) into consecutive intervals
 * [lower, upper), one per noise value. A cell with count i and cell key ck ∈ [0, 1) is published as
 * i + j, where j is the noise whose interval of row min(i, limit) contains ck. The same cell key
 * always gives the same noise (consistent perturbation).
 *
 * Method: maximum entropy as in the R package sdcTools/ptable (Enderle, Giessing; EUPL), which cites
 * Giessing 2016 ("Computational issues in the design of transition probabilities and disclosure risk
 * estimation for additive noise", PSD 2016, LNCS 9867) and Marley & Leaver 2011. We read the package's
 * sources and vignette to learn the method and its conventions; no code is copied. Every row maximises
 * the entropy −Σ p log p of the noise distribution subject to
 *   (1) Σ p = 1, (2) Σ j·p = 0 (unbiased), (3) Σ j²·p = V (fixed variance; see `variance` below),
 *   (4) |j| ≤ D, (5) i + j ≥ 0 and i + j ∉ {1 … js} (no published 1 … js), a true 0 stays 0, and
 *   (6) with `mono`, as in the ptable package: on the negative side the probabilities do not
 *       decrease towards 0 (p of consecutive allowed noise values up to j = 0 is non-decreasing);
 *       the package applies this only to rows where j = 0 is allowed, and so do we.
 * All constraints are linear in p, the entropy is strictly concave: the optimum is unique. Its form is
 * p_j ∝ exp(λ1·j + λ2·j² + Σ μ_m·(mono terms)) on the allowed support; we find the multipliers by
 * Newton's method on the convex dual (log Σ exp(θ·(f_j − b)) minimised over θ), trying each set of
 * active inequality constraints (mono, and the variance in upper-bound mode) and keeping the
 * feasible candidate of largest entropy — for a concave problem that is the optimum (KKT).
 *
 * Small counts cannot always meet all constraints. Constraints (1), (2), (4), (5) are never relaxed.
 * The variance is relaxed to the attainable value closest to V: every unbiased distribution on the
 * allowed support has a variance in [Vmin(i), Vmax(i)], and the row uses clamp(V, Vmin, Vmax)
 * (then the row is the maximum-entropy distribution on the face of minimal or maximal variance).
 * Vmin/Vmax are found exactly from the vertices of the feasible polytope: with constraint (6)
 * rewritten in increments, the polytope is {x ≥ 0} cut by two equalities, whose vertices mix at most
 * two "atoms" (a point mass, or a block uniform from a negative value up to 0).
 * The ptable package (default optim = 1) treats V as an upper bound (Σ j²p ≤ V), reports rows
 * whose variance differs from V as a violation in `empResults`, and for i ≤ js does not retry at all
 * (its solver then returns whatever it finds for the infeasible problem). Our `variance: 'fixed'`
 * (default) is the 'fixed noise variance' of the package's documentation as an equality (its optim = 4)
 * with the closest-attainable relaxation above;
 * `variance: 'upper-bound'` follows the package default (V as an upper bound; where even Vmin > V our
 * closest-attainable rule raises the bound to Vmin) — e.g. D = 2, V = 1, js = 0 gives the vignette's
 * row i = 1 (0.3665, 0.3665, 0.1676, 0.0995).
 *
 * This module is pure: no file or network access. `loadPtable()` validates the reference table that
 * is bundled from reference/ptable/ (a JSON import), or any parsed JSON handed to it.
 */
import { z } from 'zod';
import storedPtable from '../../reference/ptable/ptable-D2-V1-js2.json' with { type: 'json' };

export type VarianceMode = 'fixed' | 'upper-bound';

export interface PtableParams {
  /** Maximum absolute noise, integer ≥ 1. */
  readonly D: number;
  /** Noise variance (target), > 0. */
  readonly V: number;
  /** No perturbed value in 1 … js (0 ≤ js ≤ D). */
  readonly js: number;
  /** 'fixed' (default): Σ j²p = V where attainable; 'upper-bound': Σ j²p ≤ V as in the ptable package default. */
  readonly variance?: VarianceMode;
  /** Monotony on the negative side as in the ptable package (default true). */
  readonly mono?: boolean;
  /** Decimal digits of the interval bounds (default 10); p = upper − lower. */
  readonly digits?: number;
}

export type NormalizedParams = Required<PtableParams>;

export interface PtableEntry {
  /** Noise value: perturbed = i + j. */
  readonly j: number;
  readonly p: number;
  /** The cell keys ck with lower ≤ ck < upper select this noise. */
  readonly lower: number;
  readonly upper: number;
}

/**
 * How the row stands to the variance V: 'zero' row 0 (a true 0 stays 0); 'met' variance V;
 * 'raised' V is below anything attainable (variance Vmin > V used); 'lowered' V is above anything
 * attainable (Vmax < V used); 'below-bound' (upper-bound mode only) the entropy optimum has variance < V.
 */
export type RowStatus = 'zero' | 'met' | 'raised' | 'lowered' | 'below-bound';

export interface PtableRow {
  readonly i: number;
  /** Noise values allowed by |j| ≤ D, i + j ≥ 0, i + j ∉ 1 … js (some may still get probability 0). */
  readonly allowed: readonly number[];
  /** Noise values with positive probability, ascending, with their intervals. */
  readonly entries: readonly PtableEntry[];
  readonly mean: number;
  readonly variance: number;
  /** Variance used as constraint (fixed mode) or bound (upper-bound mode) after relaxation. */
  readonly targetVariance: number;
  readonly status: RowStatus;
  readonly note: string;
}

export interface Ptable {
  readonly format: 'fis-ptable/1';
  readonly params: NormalizedParams;
  /** Rows 0 … limit; counts above limit use row `limit` (noise −D … D, symmetric). */
  readonly limit: number;
  readonly method: string;
  readonly provenance: string;
  readonly rows: readonly PtableRow[];
}

const METHOD =
  'Maximum entropy per original count i subject to: probabilities sum to 1, mean noise 0, noise variance V ' +
  '(relaxed to the closest attainable value where V cannot be met), |noise| <= D, no perturbed value in 1..js, ' +
  'a true 0 stays 0, monotony of the negative side (ptable package convention). After the R package sdcTools/ptable ' +
  '(Enderle, Giessing) and Giessing (2016).';
const PROVENANCE =
  'Generated by FIS (warehouse/semantic/ptable.ts, generatePtable; scripts/ptable.ts writes this file). Own implementation; ' +
  'the method follows the publications above and the documentation of the EUPL-licensed R package sdcTools/ptable, whose code was read, not copied.';

const TOL = 1e-12;

export function normalizeParams(params: PtableParams): NormalizedParams {
  const { D, V, js } = params;
  const variance = params.variance ?? 'fixed';
  const mono = params.mono ?? true;
  const digits = params.digits ?? 10;
  if (!Number.isInteger(D) || D < 1 || D > 20) throw new RangeError(`D must be an integer in 1..20, got ${D}`);
  if (!Number.isFinite(V) || V <= 0) throw new RangeError(`V must be a positive number, got ${V}`);
  if (!Number.isInteger(js) || js < 0) throw new RangeError(`js must be a non-negative integer, got ${js}`);
  // for i = 1 the only downward target is 0; upward targets above js need 1 + D > js
  if (js > D) throw new RangeError(`js = ${js} > D = ${D}: a true 1 could not be perturbed without bias`);
  if (!Number.isInteger(digits) || digits < 6 || digits > 15) throw new RangeError(`digits must be an integer in 6..15, got ${digits}`);
  if (variance !== 'fixed' && variance !== 'upper-bound') throw new RangeError(`variance must be 'fixed' or 'upper-bound'`);
  return { D, V, js, variance, mono, digits };
}

/** The last row of its own: from here on all noise values −D … D are allowed (as in the ptable package). */
export function ptableLimit(D: number, js: number): number {
  return js > 0 ? D + js + 1 : D;
}

/** Noise values allowed for original count i. */
export function allowedNoise(i: number, D: number, js: number): number[] {
  const out: number[] = [];
  for (let j = -D; j <= D; j++) {
    const t = i + j;
    if (t < 0 || (t >= 1 && t <= js)) continue;
    out.push(j);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// numerics

/** Solves A x = b (A n×n, copied) by Gaussian elimination with partial pivoting; null if singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, r) => [...row, b[r] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (Math.abs(M[piv]![c]!) < 1e-300) return null;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const rowC = M[c]!;
    for (let r = c + 1; r < n; r++) {
      const rowR = M[r]!;
      const f = rowR[c]! / rowC[c]!;
      if (f !== 0) for (let k = c; k <= n; k++) rowR[k] = rowR[k]! - f * rowC[k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = M[r]!;
    let s = row[n]!;
    for (let k = r + 1; k < n; k++) s -= row[k]! * x[k]!;
    x[r] = s / row[r]!;
  }
  return x;
}

/**
 * Maximum entropy distribution over K points with E[f] = b (f: K × m features), by Newton's method
 * on the dual ψ(θ) = log Σ_k exp(θ·(f_k − b)). Returns null when it does not converge (b outside the
 * relative interior of the features' hull: no strictly positive solution).
 */
function maxEntropy(f: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const K = f.length;
  const m = b.length;
  if (m === 0) return new Array<number>(K).fill(1 / K);
  const c = f.map((fk) => fk.map((x, a) => x - b[a]!));
  const evalAt = (theta: readonly number[]) => {
    const z = c.map((ck) => ck.reduce((s, x, a) => s + x * theta[a]!, 0));
    const zmax = Math.max(...z);
    const w = z.map((x) => Math.exp(x - zmax));
    const Z = w.reduce((s, x) => s + x, 0);
    const p = w.map((x) => x / Z);
    const g = new Array<number>(m).fill(0);
    for (let k = 0; k < K; k++) for (let a = 0; a < m; a++) g[a] = g[a]! + p[k]! * c[k]![a]!;
    return { theta, psi: zmax + Math.log(Z), p, g, gmax: Math.max(...g.map(Math.abs)) };
  };
  // constraint residual accepted as converged: a few ulps of the largest feature
  const tol = 1e-14 * (1 + Math.max(...c.flat().map(Math.abs)));
  let cur = evalAt(new Array<number>(m).fill(0));
  for (let iter = 0; iter < 200 && cur.gmax > tol; iter++) {
    const { p, g } = cur;
    const H: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    for (let k = 0; k < K; k++)
      for (let a = 0; a < m; a++) for (let d = 0; d < m; d++) H[a]![d] = H[a]![d]! + p[k]! * c[k]![a]! * c[k]![d]!;
    let trace = 0;
    for (let a = 0; a < m; a++) {
      for (let d = 0; d < m; d++) H[a]![d] = H[a]![d]! - g[a]! * g[d]!;
      trace += H[a]![a]!;
    }
    // tiny ridge: features may be affinely dependent on few points (flat directions of ψ)
    for (let a = 0; a < m; a++) H[a]![a] = H[a]![a]! + 1e-14 * (1 + trace);
    const step = solve(H, g.map((x) => -x));
    if (!step) break;
    const slope = step.reduce((s, x, a) => s + x * g[a]!, 0);
    // backtracking (Armijo) on ψ; once ψ no longer changes in floating point, a smaller residual decides
    let accepted = null;
    for (let t = 1; t > 1e-10; t /= 2) {
      const next = evalAt(cur.theta.map((x, a) => x + t * step[a]!));
      const flat = Math.abs(next.psi - cur.psi) <= 1e-14 * (1 + Math.abs(cur.psi));
      if (next.psi <= cur.psi + 1e-4 * t * slope || (flat && next.gmax < cur.gmax)) {
        accepted = next;
        break;
      }
    }
    if (!accepted) break;
    cur = accepted;
  }
  // accept at the floating-point floor if the constraints hold closely; otherwise no strictly positive solution
  return cur.gmax < 1e-11 ? cur.p : null;
}

interface Atom {
  readonly support: readonly number[];
  readonly mean: number;
  readonly second: number;
}
interface Vertex {
  readonly support: readonly number[];
  readonly variance: number;
}

/**
 * Vertices of {p ≥ 0 on `allowed`, Σp = 1, Σ jp = 0, monotone chain}. With the chain p(c_1) ≤ … ≤ p(c_z)
 * (c_z = 0) written as increments d_l = p(c_l) − p(c_{l−1}) ≥ 0, p is a non-negative combination of atoms
 * (blocks uniform on c_l … c_z, and point masses elsewhere) under two equalities, so a vertex is one atom of
 * mean 0 or a mix of two atoms with means of opposite sign.
 */
function vertices(allowed: readonly number[], chain: readonly number[]): Vertex[] {
  const atoms: Atom[] = [];
  const uniform = (s: readonly number[]): Atom => ({
    support: s,
    mean: s.reduce((a, x) => a + x, 0) / s.length,
    second: s.reduce((a, x) => a + x * x, 0) / s.length,
  });
  for (let l = 0; l < chain.length; l++) atoms.push(uniform(chain.slice(l)));
  for (const j of allowed) if (!chain.includes(j)) atoms.push(uniform([j]));
  const out: Vertex[] = [];
  for (const a of atoms) if (a.mean === 0) out.push({ support: a.support, variance: a.second });
  for (const a of atoms)
    for (const b of atoms) {
      if (!(a.mean < 0 && b.mean > 0)) continue;
      const wa = b.mean / (b.mean - a.mean);
      out.push({ support: [...new Set([...a.support, ...b.support])].sort((x, y) => x - y), variance: wa * a.second + (1 - wa) * b.second });
    }
  return out;
}

const fmt = (x: number) => String(Number(x.toPrecision(6)));
const fmtSet = (s: readonly number[]) => `{${s.map((j) => (j > 0 ? `+${j}` : String(j))).join(', ')}}`;

interface RawRow {
  p: Map<number, number>;
  targetVariance: number;
  status: RowStatus;
  note: string;
}

function solveRow(i: number, P: NormalizedParams): RawRow {
  const { D, V, js, mono, variance: mode } = P;
  const allowed = allowedNoise(i, D, js);
  // the package's monotony applies to the allowed negative values and 0, when 0 is allowed
  const chain = mono && allowed.includes(0) ? allowed.filter((j) => j <= 0) : [];
  const vs = vertices(allowed, chain);
  if (vs.length === 0) throw new Error(`ptable: no unbiased noise distribution for i = ${i} on ${fmtSet(allowed)}`);
  const vmin = Math.min(...vs.map((v) => v.variance));
  const vmax = Math.max(...vs.map((v) => v.variance));
  const near = (a: number, b: number) => Math.abs(a - b) <= TOL * (1 + Math.abs(b));

  let target: number;
  let status: RowStatus;
  let face: Vertex[];
  let note: string;
  if (mode === 'fixed') {
    target = Math.min(Math.max(V, vmin), vmax);
    if (near(target, V)) {
      target = V;
      status = 'met';
    } else status = target > V ? 'raised' : 'lowered';
  } else {
    target = Math.max(V, vmin);
    status = near(target, V) ? 'met' : 'raised';
    if (status === 'met') target = V;
  }
  // the face of the feasible polytope the optimum lies on (its support is the union of the vertex supports)
  if (near(vmin, vmax)) face = vs;
  else if (near(target, vmin)) face = vs.filter((v) => near(v.variance, vmin));
  else if (mode === 'fixed' && near(target, vmax)) face = vs.filter((v) => near(v.variance, vmax));
  else face = vs;
  const S = [...new Set(face.flatMap((v) => v.support))].sort((a, b) => a - b);

  if (status === 'raised')
    note = `every unbiased distribution on the allowed noise ${fmtSet(allowed)} has variance >= ${fmt(vmin)}; variance relaxed from V = ${fmt(V)} to ${fmt(target)}`;
  else if (status === 'lowered')
    note =
      vmax === 0
        ? `allowed noise ${fmtSet(allowed)} has no negative value: unbiasedness forces noise 0 (the count is published unchanged); variance 0 instead of V = ${fmt(V)}`
        : `no unbiased distribution on the allowed noise ${fmtSet(allowed)}${chain.length > 1 ? ' (with monotony)' : ''} reaches variance V = ${fmt(V)}; variance relaxed to the maximum ${fmt(target)}`;
  else note = allowed.length === 2 * D + 1 ? 'all constraints met (symmetric row, used for every larger count)' : 'all constraints met';

  let p: number[];
  if (S.length === 1) p = [1];
  else {
    // equality features: mean (target 0) and, in fixed mode, the variance; optional: mono ties and (upper-bound) the variance
    const idx = new Map(S.map((j, k) => [j, k]));
    const monoPairs: [number, number][] = [];
    for (let l = 0; l + 1 < chain.length; l++) {
      const a = idx.get(chain[l]!);
      const b = idx.get(chain[l + 1]!);
      if (a !== undefined && b !== undefined) monoPairs.push([a, b]);
    }
    const optional = monoPairs.length + (mode === 'upper-bound' ? 1 : 0);
    let best: { p: number[]; h: number } | null = null;
    for (let mask = 0; mask < 1 << optional; mask++) {
      const feats: ((k: number) => number)[] = [(k) => S[k]!];
      const targets: number[] = [0];
      if (mode === 'fixed' || mask & (1 << monoPairs.length)) {
        feats.push((k) => S[k]! * S[k]!);
        targets.push(target);
      }
      monoPairs.forEach(([a, b], m) => {
        if (mask & (1 << m)) {
          feats.push((k) => (k === a ? 1 : k === b ? -1 : 0));
          targets.push(0);
        }
      });
      const cand = maxEntropy(S.map((_, k) => feats.map((fn) => fn(k))), targets);
      if (!cand) continue;
      const feasible =
        monoPairs.every(([a, b]) => cand[a]! - cand[b]! <= 1e-12) &&
        (mode === 'fixed' || cand.reduce((s, x, k) => s + x * S[k]! * S[k]!, 0) <= target + 1e-12);
      if (!feasible) continue;
      const h = -cand.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0);
      if (!best || h > best.h) best = { p: cand, h };
    }
    if (!best) throw new Error(`ptable: no solution found for i = ${i}`);
    p = best.p;
    const sol = best.p;
    const ties = monoPairs.filter(([a, b]) => Math.abs(sol[a]! - sol[b]!) < 1e-9).map(([a, b]) => `p(${S[a]}) = p(${S[b]})`);
    if (ties.length) note += ` (monotony binding: ${ties.join(', ')})`;
  }
  if (mode === 'upper-bound' && status === 'met') {
    const v = p.reduce((s, x, k) => s + x * S[k]! * S[k]!, 0);
    if (v < V - 1e-9) {
      status = 'below-bound';
      note = `maximum entropy under variance <= V gives variance ${fmt(v)} < V = ${fmt(V)} on the allowed noise ${fmtSet(allowed)}${chain.length > 1 ? ' (with monotony)' : ''} (the ptable package reports this as a violation of the fixed variance)`;
    }
  }
  const dropped = allowed.filter((j) => !S.includes(j));
  if (dropped.length && status !== 'lowered') note += `; noise ${fmtSet(dropped)} gets probability 0`;
  return { p: new Map(S.map((j, k) => [j, p[k]!])), targetVariance: target, status, note };
}

const roundTo = (x: number, digits: number) => Number(x.toFixed(digits)) + 0;

function finishRow(i: number, P: NormalizedParams, raw: RawRow): PtableRow {
  const noises = [...raw.p.keys()].sort((a, b) => a - b);
  const entries: PtableEntry[] = [];
  let cum = 0;
  let lower = 0;
  noises.forEach((j, k) => {
    cum += raw.p.get(j)!;
    const upper = k === noises.length - 1 ? 1 : Math.min(1, roundTo(cum, P.digits));
    const p = roundTo(upper - lower, P.digits);
    if (p > 0) {
      entries.push({ j, p, lower, upper });
      lower = upper;
    }
  });
  const mean = entries.reduce((s, e) => s + e.p * e.j, 0);
  // as in the ptable package: Σ j²p (the mean is 0 up to rounding)
  const variance = entries.reduce((s, e) => s + e.p * e.j * e.j, 0);
  return {
    i,
    allowed: allowedNoise(i, P.D, P.js),
    entries,
    mean: roundTo(mean, P.digits),
    variance: roundTo(variance, P.digits),
    targetVariance: roundTo(raw.targetVariance, P.digits),
    status: raw.status,
    note: raw.note,
  };
}

/** Generates the ptable for the given parameters (deterministic: same parameters, same table). */
export function generatePtable(params: PtableParams): Ptable {
  const P = normalizeParams(params);
  const limit = ptableLimit(P.D, P.js);
  const rows: PtableRow[] = [
    { i: 0, allowed: [0], entries: [{ j: 0, p: 1, lower: 0, upper: 1 }], mean: 0, variance: 0, targetVariance: 0, status: 'zero', note: 'a true 0 stays 0' },
  ];
  for (let i = 1; i <= limit; i++) rows.push(finishRow(i, P, solveRow(i, P)));
  return { format: 'fis-ptable/1', params: P, limit, method: METHOD, provenance: PROVENANCE, rows };
}

/** File name of the reference table for the parameters, e.g. ptable-D2-V1-js2.json. */
export function ptableFileName(params: PtableParams): string {
  const P = normalizeParams(params);
  const extra = (P.variance === 'fixed' ? '' : '-ub') + (P.mono ? '' : '-nomono') + (P.digits === 10 ? '' : `-d${P.digits}`);
  return `ptable-D${P.D}-V${P.V}-js${P.js}${extra}.json`;
}

/** The stored text of a table: JSON, one entry per line (stable, diff-friendly). */
export function serializePtable(t: Ptable): string {
  const j = (x: unknown) => JSON.stringify(x);
  const row = (r: PtableRow) =>
    [
      `    {`,
      `      "i": ${r.i}, "status": ${j(r.status)}, "mean": ${j(r.mean)}, "variance": ${j(r.variance)}, "targetVariance": ${j(r.targetVariance)},`,
      `      "allowed": ${j(r.allowed)},`,
      `      "note": ${j(r.note)},`,
      `      "entries": [`,
      r.entries.map((e) => `        ${j(e)}`).join(',\n'),
      `      ]`,
      `    }`,
    ].join('\n');
  return [
    '{',
    `  "format": ${j(t.format)},`,
    `  "params": ${j(t.params)},`,
    `  "limit": ${t.limit},`,
    `  "method": ${j(t.method)},`,
    `  "provenance": ${j(t.provenance)},`,
    `  "rows": [`,
    t.rows.map(row).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// the stored reference table

const entrySchema = z.object({ j: z.number().int(), p: z.number().gt(0).lte(1), lower: z.number().gte(0).lt(1), upper: z.number().gt(0).lte(1) });
const rowSchema = z.object({
  i: z.number().int().nonnegative(),
  status: z.enum(['zero', 'met', 'raised', 'lowered', 'below-bound']),
  mean: z.number(),
  variance: z.number().nonnegative(),
  targetVariance: z.number().nonnegative(),
  allowed: z.array(z.number().int()),
  note: z.string(),
  entries: z.array(entrySchema).min(1),
});
export const ptableSchema = z
  .object({
    format: z.literal('fis-ptable/1'),
    params: z.object({
      D: z.number().int().min(1),
      V: z.number().positive(),
      js: z.number().int().nonnegative(),
      variance: z.enum(['fixed', 'upper-bound']),
      mono: z.boolean(),
      digits: z.number().int(),
    }),
    limit: z.number().int().nonnegative(),
    method: z.string(),
    provenance: z.string(),
    rows: z.array(rowSchema).min(1),
  })
  .superRefine((t, ctx) => {
    const { D, js } = t.params;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (t.limit !== ptableLimit(D, js)) issue(`limit ${t.limit} is not ${ptableLimit(D, js)} for D = ${D}, js = ${js}`);
    if (t.rows.length !== t.limit + 1) issue(`expected rows 0..${t.limit}, got ${t.rows.length} rows`);
    t.rows.forEach((r, k) => {
      if (r.i !== k) issue(`row ${k} has i = ${r.i}`);
      let at = 0;
      for (const e of r.entries) {
        const target = r.i + e.j;
        if (Math.abs(e.j) > D) issue(`row ${r.i}: noise ${e.j} exceeds D = ${D}`);
        if (target < 0 || (target >= 1 && target <= js)) issue(`row ${r.i}: noise ${e.j} gives the forbidden value ${target}`);
        if (e.lower !== at) issue(`row ${r.i}: interval of noise ${e.j} starts at ${e.lower}, expected ${at}`);
        if (!(e.upper > e.lower) || Math.abs(e.upper - e.lower - e.p) > 1e-12) issue(`row ${r.i}: p of noise ${e.j} is not upper − lower`);
        at = e.upper;
      }
      if (at !== 1) issue(`row ${r.i}: intervals end at ${at}, not 1`);
      for (let k2 = 1; k2 < r.entries.length; k2++) if (r.entries[k2]!.j <= r.entries[k2 - 1]!.j) issue(`row ${r.i}: noise values not ascending`);
    });
    const zero = t.rows[0]?.entries;
    if (zero && !(zero.length === 1 && zero[0]!.j === 0)) issue('row 0: a true 0 must stay 0');
  });

/** Validates a parsed ptable (default: the bundled reference table reference/ptable/ptable-D2-V1-js2.json). */
export function loadPtable(source: unknown = storedPtable): Ptable {
  return ptableSchema.parse(source) as Ptable;
}

// ---------------------------------------------------------------------------------------------
// lookup

function checkCount(count: number) {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
}

/** The row used for an original count: row min(count, limit). */
export function ptableRow(t: Ptable, count: number): PtableRow {
  checkCount(count);
  return t.rows[Math.min(count, t.limit)]!;
}

/** The noise for an original count and a cell key in [0, 1): the j with lower ≤ cellKey < upper. */
export function noise(t: Ptable, count: number, cellKey: number): number {
  if (!(cellKey >= 0 && cellKey < 1)) throw new RangeError(`cell key must be in [0, 1), got ${cellKey}`);
  const row = ptableRow(t, count);
  for (const e of row.entries) if (cellKey < e.upper) return e.j;
  return row.entries[row.entries.length - 1]!.j; // unreachable: the last upper is 1
}

/** The published value: count + noise. */
export function perturb(t: Ptable, count: number, cellKey: number): number {
  return count + noise(t, count, cellKey);
}

/** Probability that the original count is published with noise j. */
export function noiseProbability(t: Ptable, count: number, j: number): number {
  return ptableRow(t, count).entries.find((e) => e.j === j)?.p ?? 0;
}

// ---------------------------------------------------------------------------------------------
// attacker baseline: what the ptable alone says about the true count

/** Prior over true counts: uniform over 0 … max, or weights[i] for i = 0 … weights.length − 1 (normalised here). */
export type Prior = { readonly kind: 'uniform'; readonly max: number } | { readonly kind: 'weights'; readonly weights: readonly number[] };

export interface PosteriorPoint {
  readonly i: number;
  readonly prior: number;
  /** P(published = perturbed | true = i) from the ptable. */
  readonly likelihood: number;
  readonly posterior: number;
}

export interface Posterior {
  readonly perturbed: number;
  /** P(published = perturbed) under the prior; 0 when the value cannot be published (then points is empty). */
  readonly evidence: number;
  /** True counts with positive posterior, ascending. */
  readonly points: readonly PosteriorPoint[];
  /** Best single guess: the posterior mode (smallest i on ties); null when evidence is 0. */
  readonly map: number | null;
  /** Posterior probability that the best guess is right. */
  readonly mapProbability: number;
  readonly mean: number | null;
}

/**
 * Posterior distribution of the true count given one published value, by Bayes' rule with the ptable
 * as the likelihood: P(i | y) ∝ prior(i) · p(min(i, limit), y − i). Assumes the attacker knows the ptable
 * but not the cell key (the key is uniform on [0, 1) to them) and sees a single perturbed cell.
 */
export function posteriorTrueCount(t: Ptable, perturbed: number, prior: Prior): Posterior {
  if (!Number.isInteger(perturbed)) throw new RangeError(`perturbed value must be an integer, got ${perturbed}`);
  let weight: (i: number) => number;
  let top: number;
  if (prior.kind === 'uniform') {
    if (!Number.isInteger(prior.max) || prior.max < 0) throw new RangeError(`uniform prior needs an integer max >= 0, got ${prior.max}`);
    top = prior.max;
    weight = () => 1 / (prior.max + 1);
  } else {
    const total = prior.weights.reduce((s, w) => s + w, 0);
    if (!(total > 0) || prior.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('prior weights must be finite, non-negative, not all 0');
    top = prior.weights.length - 1;
    weight = (i) => prior.weights[i]! / total;
  }
  const D = t.params.D;
  const raw: { i: number; prior: number; likelihood: number }[] = [];
  for (let i = Math.max(0, perturbed - D); i <= Math.min(top, perturbed + D); i++) {
    const likelihood = noiseProbability(t, i, perturbed - i);
    const w = weight(i);
    if (likelihood > 0 && w > 0) raw.push({ i, prior: w, likelihood });
  }
  const evidence = raw.reduce((s, r) => s + r.prior * r.likelihood, 0);
  if (!(evidence > 0)) return { perturbed, evidence: 0, points: [], map: null, mapProbability: 0, mean: null };
  const points = raw.map((r) => ({ ...r, posterior: (r.prior * r.likelihood) / evidence }));
  let best = points[0]!;
  for (const pt of points) if (pt.posterior > best.posterior + 1e-15) best = pt;
  return {
    perturbed,
    evidence,
    points,
    map: best.i,
    mapProbability: best.posterior,
    mean: points.reduce((s, pt) => s + pt.i * pt.posterior, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// SQL form (DuckDB)

export interface PtableSqlRow {
  readonly i: number;
  readonly j: number;
  readonly p: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The table as flat rows (i, j, p, lower, upper) for a SQL table. Join an aggregated answer with
 *   ON pt.i = least(cnt, <limit>) AND ck >= pt.lower AND ck < pt.upper
 * and publish cnt + pt.j. (`limit` is t.limit; equivalently max(i) of these rows.)
 */
export function ptableSqlRows(t: Ptable): PtableSqlRow[] {
  return t.rows.flatMap((r) => r.entries.map((e) => ({ i: r.i, j: e.j, p: e.p, lower: e.lower, upper: e.upper })));
}

/**
 * A SELECT producing those rows, e.g. for `CREATE TABLE ptable AS …` in DuckDB. Numbers only, no parameters.
 * The probabilities and bounds are written as text and cast to DOUBLE, so the database parses exactly the
 * doubles JavaScript has (a bare decimal literal would be DECIMAL first): SQL and `noise()` agree even at the bounds.
 */
export function ptableValuesSql(t: Ptable): string {
  const num = (x: number) => {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    return String(x);
  };
  const values = ptableSqlRows(t)
    .map((r) => `(${num(r.i)}, ${num(r.j)}, '${num(r.p)}', '${num(r.lower)}', '${num(r.upper)}')`)
    .join(',\n  ');
  return (
    `SELECT CAST(i AS INTEGER) AS i, CAST(j AS INTEGER) AS j, CAST(p AS DOUBLE) AS p, CAST("lower" AS DOUBLE) AS "lower", CAST("upper" AS DOUBLE) AS "upper"\n` +
    `FROM (VALUES\n  ${values}\n) AS pt(i, j, p, "lower", "upper")`
  );
}
