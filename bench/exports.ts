/**
 * Exports (architecture §7: 1 M rows CSV streamed at ≥ 200k rows/s, memory flat): a query answer of more
 * than a million rows written as CSV, German-Excel CSV, Parquet and Arrow through the export
 * service (rights, disclosure control, audit — the web app's path), rows/s and the peak growth of
 * the process's memory while writing; the PDF of the largest report; and one subscription
 * delivered to 100 recipients, each file built with that recipient's own rights.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exportAnswer, exportReport, type ExportContext } from '../dashboards/exports/service';
import { sql } from 'kysely';
import { deliverNow } from '../dashboards/subscriptions/deliver';
import { subscribe } from '../dashboards/subscriptions/service';
import { getConfig } from '../platform/config';
import { operatorPrincipal, principalByName } from '../roles/access';
import { openAppDb, type AppDb } from '../roles/app-db';
import { createRole, getRole, installDemo } from '../roles/store';
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
    await benchSubscription(ctx, dir, app.db, reader);
  } finally {
    reader.close();
    await app.close();
  }
}

/**
 * One subscription of the office report (PDF) for 100 recipients: 50 heads of an office each (a
 * different office, with an export right), 25 analysts (disclosure control) and 25 with the
 * leadership's rights. Every file is built with its recipient's own rights (no answer can be
 * shared between the office heads); seconds per recipient, inbox only (no mail server).
 */
async function benchSubscription(ctx: BenchContext, dir: string, db: AppDb, reader: SnapshotReader): Promise<void> {
  if (!(await getRole(db, 'leadership'))) await installDemo(db, 'bench-only-password');
  if (!(await getRole(db, 'bench-office-export'))) {
    const head = (await getRole(db, 'branch-office-head'))!;
    await createRole(db, { name: 'bench-office-export', label_de: 'Außenstelle mit Export', label_en: 'Office head with exports', description: 'bench', rules: [...head.rules, { action: 'export', subject: 'Report' }] }, 'bench');
  }
  const offices = (await reader.use((duck) => duck.all<{ code: string }>(`SELECT office_code AS code FROM dim_office ORDER BY 1`))).map((o) => o.code);
  const recipients = Array.from({ length: 100 }, (_, i) => `bench-r${String(i + 1).padStart(3, '0')}`);
  for (const [i, name] of recipients.entries()) {
    const [roles, office] = i < 50 ? [['bench-office-export'], [offices[i % offices.length]!]] : i < 75 ? [['analyst'], []] : [['leadership'], []];
    // a bench user never logs in: no password to hash
    await sql`INSERT INTO app_user (username, display_name, password_hash, roles, offices) VALUES (${name}, ${name}, '!', ${roles}::text[], ${office}::text[]) ON CONFLICT (username) DO NOTHING`.execute(db);
  }
  const config = { ...getConfig(), dataDir: dir };
  const s = await subscribe(db, await principalByName(db, 'leitung', 5), { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients }, 'bench', config);
  const m = await measured(() => deliverNow({ db, reader, config, mailer: null }, s.id));
  const c = m.result.counts;
  const bytes = Number((await sql<{ b: number }>`SELECT coalesce(sum(bytes), 0)::int AS b FROM delivery WHERE subscription_id = ${s.id}`.execute(db)).rows[0]!.b);
  ctx.record({
    section: 'exports',
    name: 'subscription of office-performance (PDF) delivered to 100 recipients, each with their own rights',
    value: Number((m.seconds / recipients.length).toFixed(3)),
    unit: 's per recipient',
    note: `${m.seconds.toFixed(1)} s in all; ${c.delivered} files (${(bytes / 2 ** 20).toFixed(1)} MiB), ${c.link} links, ${c.refused} refused`,
  });
}
