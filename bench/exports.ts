/**
 * Exports (architecture §7: 1 M rows CSV streamed at ≥ 200k rows/s, memory flat): a query answer of more
 * than a million rows written as CSV, German-Excel CSV, Parquet and Arrow through the export
 * service (rights, disclosure control, audit — the web app's path), rows/s and the peak growth of
 * the process's memory while writing; and the PDF of the largest report.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exportAnswer, exportReport, type ExportContext } from '../dashboards/exports/service';
import { operatorPrincipal } from '../roles/access';
import { openAppDb } from '../roles/app-db';
import { SnapshotReader } from '../warehouse/snapshots';
import { ensureWarehouse } from './data';
import { median, type BenchContext } from './harness';

/**
 * Runs `fn` while sampling memory; returns its result, seconds, and the peak growth in MiB of the
 * JavaScript side (heap + buffers: what streaming must keep flat) and of the whole process
 * (including DuckDB's working memory for the aggregation, which it bounds by its memory limit).
 */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; jsMiB: number; rssMiB: number }> {
  const js = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = { js: js(), rss: process.memoryUsage().rss };
  const peak = { ...base };
  const sample = () => {
    peak.js = Math.max(peak.js, js());
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  try {
    const result = await fn();
    sample();
    return { result, seconds: (performance.now() - t0) / 1000, jsMiB: (peak.js - base.js) / 2 ** 20, rssMiB: (peak.rss - base.rss) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchExports(ctx: BenchContext): Promise<void> {
  const dir = await ensureWarehouse(ctx);
  const reader = new SnapshotReader(dir);
  const app = await openAppDb({ dataDir: dir });
  const ec: ExportContext = { reader, db: app.db, principal: operatorPrincipal('bench', 5), lang: 'de', via: 'bench', tmpDir: join(dir, 'tmp', 'exports') };
  const runs = ctx.quick ? 1 : 3;
  try {
    // one row per day, office, nationality and age group: the biggest answer analysts ask for
    const big = { metric: 'applications', by: ['day', 'office', 'nationality', 'age_group'] };
    // an eighth of it first, to show that the JavaScript side does not grow with the rows
    const small = { ...big, from: `${new Date(Date.now() - 1.5 * 365 * 864e5).toISOString().slice(0, 10)}` };
    for (const format of ['csv', 'parquet'] as const) {
      const m = await measured(() => exportAnswer(ec, small, format));
      rmSync((m.result.body as { path: string }).path, { force: true });
      ctx.record({ section: 'exports', name: `query answer → ${format}, ${(m.result.rows / 1e6).toFixed(2)} M rows, JS memory growth`, value: Math.round(m.jsMiB), unit: 'MiB', note: `process ${Math.round(m.rssMiB)} MiB` });
    }
    for (const format of ['csv', 'csv-de', 'parquet', 'arrow'] as const) {
      const times: number[] = [];
      let rows = 0;
      let jsPeak = 0;
      let rssPeak = 0;
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const m = await measured(() => exportAnswer(ec, big, format));
        const body = m.result.body as { path: string };
        bytes = statSync(body.path).size;
        rmSync(body.path, { force: true });
        times.push(m.seconds);
        rows = m.result.rows;
        jsPeak = Math.max(jsPeak, m.jsMiB);
        rssPeak = Math.max(rssPeak, m.rssMiB);
      }
      const s = median(times);
      ctx.record({ section: 'exports', name: `query answer → ${format}, ${(rows / 1e6).toFixed(2)} M rows`, value: Math.round(rows / s), unit: 'rows/s', target: format.startsWith('csv') ? '>= 200000' : undefined, note: `${s.toFixed(2)} s, ${(bytes / 2 ** 20).toFixed(0)} MiB file` });
      ctx.record({ section: 'exports', name: `query answer → ${format}, ${(rows / 1e6).toFixed(2)} M rows, JS memory growth`, value: Math.round(jsPeak), unit: 'MiB', note: `process ${Math.round(rssPeak)} MiB, mostly DuckDB's aggregation` });
    }
    // the PDF of the largest report: every provider × month of invoices since the start
    const times: number[] = [];
    let rows = 0;
    let pages = 0;
    for (let i = 0; i < runs; i++) {
      const m = await measured(() => exportReport(ec, 'vocational-billing', 'pdf', { from: '2015-01-01' }));
      times.push(m.seconds);
      rows = m.result.rows;
      pages = (m.result.body as Buffer).toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
    }
    ctx.record({ section: 'exports', name: `PDF of the largest report (vocational-billing, ${rows} rows, ${pages} pages)`, value: Number(median(times).toFixed(2)), unit: 's' });
    const xlsx = await measured(() => exportReport(ec, 'vocational-billing', 'xlsx', { from: '2015-01-01' }));
    ctx.record({ section: 'exports', name: `XLSX of the largest report (${xlsx.result.rows} rows)`, value: Number(xlsx.seconds.toFixed(2)), unit: 's' });
  } finally {
    reader.close();
    await app.close();
  }
}
