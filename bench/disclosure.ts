/**
 * Disclosure control (issue 13): what the cell-key method costs and what it changes, on the
 * profile's warehouse. The same questions asked with the analyst's rights under the cell-key
 * method and under threshold suppression, alternating (the answer cache off), and their answers
 * against the true figures: mean absolute deviation of the counts, share of counts changed, the
 * largest deviation (≤ D by construction), and how many rates over at least 100 cases stay within
 * one percentage point of the truth.
 */
import { DEMO_ROLES } from '../roles/demo';
import { buildPrincipal } from '../roles/access';
import { answerCache } from '../warehouse/semantic/answer-cache';
import { METRICS } from '../warehouse/semantic/metrics';
import { runQuery } from '../warehouse/semantic/query';
import { FULL_ACCESS, type Access, type MetricQuery } from '../warehouse/semantic/types';
import { SnapshotReader } from '../warehouse/snapshots';
import { ensureWarehouse } from './data';
import { median, type BenchContext } from './harness';

export async function benchDisclosure(ctx: BenchContext): Promise<void> {
  const dir = await ensureWarehouse(ctx);
  const reader = new SnapshotReader(dir);
  answerCache.setMaxBytes(0);
  const analyst = buildPrincipal({ user_id: '0', username: 'analyst', display_name: 'analyst', roles: ['analyst'], offices: [], states: [], must_change_password: false }, DEMO_ROLES.filter((r) => r.name === 'analyst'), 5).access;
  const cellKey: Access = { ...analyst, disclosure: 'cell-key' };
  const threshold: Access = { ...analyst, disclosure: 'threshold' };
  const to = reader.info()!.dataAsOf!.slice(0, 10);
  const from = `${Number(to.slice(0, 4)) - 1}${to.slice(4, 8)}01`;
  const counts = METRICS.filter((m) => m.suppress && m.format === 'count' && m.measure.kind !== 'pending').map((m) => m.name);
  const rates = METRICS.filter((m) => m.measure.kind === 'ratio').map((m) => m.name);
  const shapes = [['office'], ['state', 'month'], ['nationality', 'year'], ['office', 'month'], ['state']];
  const questions: MetricQuery[] = [];
  for (const m of [...counts, ...rates]) {
    const dims = Object.keys(METRICS.find((x) => x.name === m)!.dimensions);
    for (const by of shapes) if (by.every((d) => d === 'month' || d === 'year' || dims.includes(d))) questions.push({ metrics: [m], by, filters: {}, from, to });
  }
  questions.push({ metrics: ['pending'], by: ['office'], filters: {}, to }, { metrics: ['pending'], by: ['state', 'month'], filters: {}, from, to });

  // cost: the same questions, alternating between the methods, medians per question
  const reps = ctx.quick ? 2 : 3;
  const tk: number[] = [];
  const tt: number[] = [];
  for (const q of questions) {
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r <= reps; r++) {
      let t0 = performance.now();
      await runQuery(reader, q, cellKey, { cache: false, maxRows: 1_000_000 });
      if (r) a.push(performance.now() - t0);
      t0 = performance.now();
      await runQuery(reader, q, threshold, { cache: false, maxRows: 1_000_000 });
      if (r) b.push(performance.now() - t0);
    }
    tk.push(median(a));
    tt.push(median(b));
  }
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  ctx.record({ section: 'disclosure', name: `${questions.length} questions: cell-key p50 / threshold p50`, value: Math.round(median(tk) * 10) / 10, unit: 'ms', note: `threshold ${median(tt).toFixed(1)} ms` });
  ctx.record({ section: 'disclosure', name: 'cell-key ÷ threshold suppression, total time', value: Math.round((sum(tk) / sum(tt)) * 100) / 100, unit: '×' });

  // utility: perturbed against true figures
  let cells = 0;
  let changed = 0;
  let absDev = 0;
  let maxDev = 0;
  let rateCells = 0;
  let rateClose = 0;
  for (const q of questions) {
    const [pub, truth] = await Promise.all([runQuery(reader, q, cellKey, { maxRows: 1_000_000 }), runQuery(reader, q, FULL_ACCESS, { maxRows: 1_000_000 })]);
    const exact = new Map(truth.rows.map((r) => [JSON.stringify(r.slice(0, q.by.length)), r[q.by.length]]));
    const isRate = rates.includes(q.metrics[0]!);
    let denominators: Map<string, number> | undefined;
    if (isRate) {
      const m = METRICS.find((x) => x.name === q.metrics[0])!;
      const den = m.measure.kind === 'ratio' ? m.measure.denominator : '';
      const d = await runQuery(reader, { ...q, metrics: [den] }, FULL_ACCESS, { maxRows: 1_000_000 });
      denominators = new Map(d.rows.map((r) => [JSON.stringify(r.slice(0, q.by.length)), Number(r[q.by.length])]));
    }
    for (const r of pub.rows) {
      const k = JSON.stringify(r.slice(0, q.by.length));
      const v = r[q.by.length];
      const tv = exact.get(k);
      if (isRate) {
        if ((denominators!.get(k) ?? 0) >= 100 && typeof v === 'number' && typeof tv === 'number') {
          rateCells++;
          if (Math.abs(v - tv) <= 1) rateClose++;
        }
        continue;
      }
      const dev = Math.abs(Number(v) - Number(tv ?? 0));
      cells++;
      absDev += dev;
      maxDev = Math.max(maxDev, dev);
      if (dev) changed++;
    }
  }
  reader.close();
  ctx.record({ section: 'disclosure', name: `counts: mean absolute deviation (${cells} cells)`, value: Math.round((absDev / cells) * 1000) / 1000, unit: '' });
  ctx.record({ section: 'disclosure', name: 'counts: share changed', value: Math.round((1000 * changed) / cells) / 10, unit: '%' });
  ctx.record({ section: 'disclosure', name: 'counts: largest deviation', value: maxDev, unit: '', target: '<= 2' });
  ctx.record({ section: 'disclosure', name: `rates over ≥ 100 cases within 1 percentage point (${rateCells} cells)`, value: rateCells ? Math.round((1000 * rateClose) / rateCells) / 10 : NaN, unit: '%' });
}
