/**
 * Load (architecture §7): 50 concurrent users browse dashboards with changing filters for 60 s
 * (15 s with --quick) against `next start` on loopback — each request a whole dashboard page as
 * the browser gets it (the server renders every panel: rights, queries, disclosure control),
 * read to its end. Throughput, p50/p95/p99, errors. Then the first query after a snapshot switch
 * against the warm median: the reader opens the newly published file on its first use.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { DASHBOARD_DEFS } from '../dashboards/defs';
import { currentPointer, readCurrent, snapshotsDir } from '../warehouse/snapshots';
import { ensureWarehouse } from './data';
import { median, percentile, type BenchContext } from './harness';
import { prepareApp, startServer } from './browser';

const USERS = ['leitung', 'analyst', 'abt-asyl', 'region-sued', 'ast-muc'];
const STATES = ['01', '02', '03', '05', '06', '08', '09', '11', '14'];

async function login(url: string, username: string): Promise<{ cookie: string; dashboards: string[] }> {
  const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo-password-1' }) });
  if (!r.ok) throw new Error(`login of ${username} failed: ${r.status}`);
  const cookie = /fis_session=[^;]+/.exec(r.headers.getSetCookie().join('\n'))![0];
  const me = (await (await fetch(`${url}/api/session`, { headers: { cookie } })).json()) as { rights: { dashboards: string[] } };
  return { cookie, dashboards: me.rights.dashboards };
}

/** A filter state a manager might pick: the default period, a state, a past year, a state in a past year. */
function filterState(i: number, slug: string): string {
  const def = DASHBOARD_DEFS.find((d) => d.slug === slug)!;
  const hasState = def.filters.includes('state');
  const state = STATES[i % STATES.length]!;
  const year = 2021 + (i % 5);
  switch (i % 4) {
    case 0:
      return '';
    case 1:
      return hasState ? `?state=${state}` : `?from=${year}-01-01&to=${year}-12-31`;
    case 2:
      return `?from=${year}-01-01&to=${year}-12-31`;
    default:
      return hasState ? `?state=${state}&from=${year}-01-01&to=${year}-12-31` : '';
  }
}

export async function benchLoad(ctx: BenchContext): Promise<void> {
  const dir = await ensureWarehouse(ctx);
  await prepareApp(ctx, dir);
  const { url, server } = await startServer(dir);
  try {
    const sessions = await Promise.all(USERS.map((u) => login(url, u)));
    const concurrency = 50;
    const seconds = ctx.quick ? 15 : 60;
    const latencies: number[] = [];
    let errors = 0;
    let firstError = '';
    let bytes = 0;
    const deadline = Date.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, v) => {
        const s = sessions[v % sessions.length]!;
        for (let i = v; Date.now() < deadline; i += 7) {
          const slug = s.dashboards[i % s.dashboards.length]!;
          const start = performance.now();
          try {
            const r = await fetch(`${url}/dashboards/${slug}${filterState(i, slug)}`, { headers: { cookie: s.cookie } });
            const body = await r.arrayBuffer();
            bytes += body.byteLength;
            if (r.status !== 200) {
              errors++;
              firstError ||= `${r.status} on ${slug}`;
              continue;
            }
            latencies.push(performance.now() - start);
          } catch (e) {
            errors++;
            firstError ||= (e as Error).message;
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    if (errors) ctx.log(`${errors} failed requests (first: ${firstError})`);
    const note = `${concurrency} users, ${seconds} s, ${latencies.length} pages, ${(bytes / 2 ** 20).toFixed(0)} MiB`;
    ctx.record({ section: 'load', name: 'whole dashboard pages per second', value: Math.round((latencies.length / elapsed) * 10) / 10, unit: '/s', note });
    ctx.record({ section: 'load', name: 'page p50', value: Math.round(median(latencies)), unit: 'ms' });
    ctx.record({ section: 'load', name: 'page p95', value: Math.round(percentile(latencies, 95)), unit: 'ms' });
    ctx.record({ section: 'load', name: 'page p99', value: Math.round(percentile(latencies, 99)), unit: 'ms' });
    ctx.record({ section: 'load', name: 'errors', value: errors, unit: '', target: '<= 0' });

    // the first query after a snapshot switch: point CURRENT at the previous snapshot and back
    const current = readCurrent(dir)!;
    const older = readdirSync(snapshotsDir(dir)).filter((f) => f.endsWith('.duckdb') && !f.startsWith(current.id)).sort().at(-1);
    if (older) {
      const q = `${url}/api/query?metric=applications&metric=decisions&by=month&by=state&from=2025-01-01&to=2025-12-31`;
      const ask = async () => {
        const start = performance.now();
        const r = await fetch(q, { headers: { cookie: sessions[0]!.cookie } });
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`query failed: ${r.status}`);
        return performance.now() - start;
      };
      const warm: number[] = [];
      for (let i = 0; i < 7; i++) warm.push(await ask());
      const { file: _f, ...pointer } = current;
      const point = (id: string) => {
        writeFileSync(`${currentPointer(dir)}.bench`, JSON.stringify({ ...pointer, id }, null, 2) + '\n');
        renameSync(`${currentPointer(dir)}.bench`, currentPointer(dir));
      };
      const first: number[] = [];
      try {
        for (const id of [older.replace(/\.duckdb$/, ''), current.id, older.replace(/\.duckdb$/, ''), current.id]) {
          point(id);
          first.push(await ask());
        }
      } finally {
        point(current.id);
      }
      ctx.record({ section: 'load', name: 'query after a snapshot switch (first answer)', value: Math.round(median(first)), unit: 'ms', note: `warm ${median(warm).toFixed(0)} ms` });
    }
  } finally {
    server.kill('SIGTERM');
  }
}
