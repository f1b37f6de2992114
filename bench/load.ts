/**
 * Load (architecture §7): managers click through dashboards against `fis serve` on loopback —
 * opening a dashboard (the whole page, every panel rendered on the server) and changing its
 * filters (the panels whose inputs changed, asked by the browser) — with the answer cache off and
 * on, side by side in one run — one web process each, then as many as cores (`fis serve --workers`):
 *   - 1 user without pause, 50 users without pause, 200 users each clicking every ~10 s, with the
 *     cache on after every filter state of the run has been asked once (the steady state);
 *   - the miss path: 50 users asking filter states never asked before (periods ending on random days),
 *     with the cache off and on;
 *   - the first view after a publication (the new snapshot warmed before the switch) against a warm one.
 * Throughput, p50/p95/p99, errors, and the cache's hit ratio from the pipeline monitor's API.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DASHBOARD_DEFS } from '../dashboards/defs';
import { filterParams, inputKey, parseFilters } from '../dashboards/filters';
import { panelInputs } from '../dashboards/server/panels';
import { currentPointer, readCurrent, snapshotsDir } from '../warehouse/snapshots';
import { ensureWarehouse } from './data';
import { median, percentile, type BenchContext } from './harness';
import { prepareApp, startServer } from './browser';

const USERS = ['leitung', 'analyst', 'abt-asyl', 'region-sued', 'ast-muc'];
/** The states and years managers pick most (the big states, the regional demo users' own; the last complete years). */
const STATES = ['05', '08', '09', '06', '03'];
const YEARS = [2023, 2024, 2025];

interface Session {
  user: string;
  cookie: string;
  dashboards: string[];
  dataAsOf: string | null;
  /** per dashboard, the panels the user sees (from the dashboard page) */
  panels: Record<string, string[] | undefined>;
}

export async function login(url: string, username: string): Promise<Session> {
  const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo-password-1' }) });
  if (!r.ok) throw new Error(`login of ${username} failed: ${r.status}`);
  const cookie = /fis_session=[^;]+/.exec(r.headers.getSetCookie().join('\n'))![0];
  const me = (await (await fetch(`${url}/api/session`, { headers: { cookie } })).json()) as { rights: { dashboards: string[] } };
  const health = (await (await fetch(`${url}/api/health`)).json()) as { dataAsOf: string | null };
  // the panels each dashboard shows this user, as its page lists them
  const panels: Record<string, string[]> = {};
  for (const d of me.rights.dashboards) {
    const html = await (await fetch(`${url}/dashboards/${d}`, { headers: { cookie } })).text();
    panels[d] = [...new Set([...html.matchAll(/data-panel="([^"]+)"/g)].map((m) => m[1]!))];
  }
  return { user: username, cookie, dashboards: me.rights.dashboards, dataAsOf: health.dataAsOf, panels };
}

/** A filter state a manager might pick: the default period, a state, a past year, a state in a past year. */
export function filterState(i: number, slug: string): string {
  const def = DASHBOARD_DEFS.find((d) => d.slug === slug)!;
  const hasState = def.filters.includes('state');
  const state = STATES[i % STATES.length]!;
  const year = YEARS[i % YEARS.length]!;
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

/**
 * The steady state the figures are about: every filter state the load will pick, asked once before
 * the clock starts (as the managers of the hours after a publication would have asked them), a few
 * at a time. Answers computed now come from the cache in the measured run; what a question never
 * asked before costs is the miss path, measured apart.
 */
export async function askEveryState(url: string, sessions: Session[], url4: (i: number, slug: string) => string, workers = 1): Promise<number> {
  const pages = new Set<string>();
  for (const s of sessions) for (const slug of s.dashboards) for (let i = 0; i < 60; i++) pages.add(`${s.user}\t/dashboards/${slug}${url4(i, slug)}`);
  const todo = [...pages];
  const cookies = new Map(sessions.map((s) => [s.user, s.cookie]));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let p = todo.pop(); p; p = todo.pop()) {
        const [user, path] = p.split('\t') as [string, string];
        // with several web processes, each has its own cache: ask until every one has answered this page
        // (a new connection each time; node:cluster hands connections to the workers in turn)
        const served = new Set<string>();
        for (let tries = 0; served.size < workers && tries < 4 * workers; tries++) {
          const r = await fetch(`${url}${path}`, { headers: { cookie: cookies.get(user)!, ...(workers > 1 ? { connection: 'close' } : {}) } });
          await r.arrayBuffer();
          served.add(r.headers.get('x-fis-instance') ?? '');
        }
      }
    }),
  );
  return pages.size;
}

/** A filter state nobody asked before: a year ending on a day of its own (miss path). */
function neverAsked(i: number): string {
  const d = new Date(Date.UTC(2020, 0, 1) + (i * 7919 + 13) % (5 * 365) * 86_400_000);
  const to = d.toISOString().slice(0, 10);
  return `?from=${Number(to.slice(0, 4)) - 1}${to.slice(4)}&to=${to}`;
}

interface LoadResult {
  pages: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  firstError: string;
  mib: number;
}

/** The panels of a dashboard a user sees, with their inputs (as the browser knows them). */
function slotsOf(slug: string, visible: string[] | undefined) {
  const def = DASHBOARD_DEFS.find((d) => d.slug === slug)!;
  return def.panels.filter((p) => !visible || visible.includes(p.id)).map((p) => ({ id: p.id, inputs: panelInputs(p, def) }));
}

/**
 * `users` virtual users for `seconds`, each waiting `pause()` ms between clicks. A click is what a
 * manager does: every fourth opens a dashboard (the whole page as the server renders it, read to
 * its end), the others change a filter on it — the browser then asks for the panels whose inputs
 * changed and for the filter bar's choices in one streamed request; the click is done when its
 * last line has arrived.
 */
export async function load(url: string, sessions: Session[], users: number, seconds: number, pause: () => number, url4: (i: number, slug: string) => string): Promise<LoadResult & { pageP95: number; changeP95: number }> {
  const latencies: number[] = [];
  const pages: number[] = [];
  const changes: number[] = [];
  let errors = 0;
  let firstError = '';
  let bytes = 0;
  const deadline = Date.now() + seconds * 1000;
  const t0 = performance.now();
  const get = async (path: string, cookie: string) => {
    const r = await fetch(`${url}${path}`, { headers: { cookie } });
    const body = await r.arrayBuffer();
    bytes += body.byteLength;
    if (r.status !== 200) throw new Error(`${r.status} on ${path}`);
  };
  await Promise.all(
    Array.from({ length: users }, async (_, v) => {
      const s = sessions[v % sessions.length]!;
      const first = pause();
      if (first) await new Promise((r) => setTimeout(r, Math.random() * first));
      let slug = s.dashboards[v % s.dashboards.length]!;
      let state = '';
      for (let i = v, click = 0; Date.now() < deadline; i += 7, click++) {
        const start = performance.now();
        try {
          if (click % 4 === 0) {
            slug = s.dashboards[i % s.dashboards.length]!;
            state = url4(i, slug);
            await get(`/dashboards/${slug}${state}`, s.cookie);
            pages.push(performance.now() - start);
          } else {
            const def = DASHBOARD_DEFS.find((d) => d.slug === slug)!;
            const before = parseFilters(Object.fromEntries(new URLSearchParams(state)), def, s.dataAsOf);
            state = url4(i + click, slug);
            const after = parseFilters(Object.fromEntries(new URLSearchParams(state)), def, s.dataAsOf);
            const qs = filterParams(after).toString();
            const changed = slotsOf(slug, s.panels[slug]).filter((p) => inputKey(before, p.inputs) !== inputKey(after, p.inputs));
            // as the browser does: the changed panels and the filter bar's choices in one streamed request
            await get(`/api/dashboards/${slug}/view?panels=${changed.map((p) => p.id).join(',')}&bar=1&${qs}`, s.cookie);
            changes.push(performance.now() - start);
          }
          latencies.push(performance.now() - start);
        } catch (e) {
          errors++;
          firstError ||= (e as Error).message;
        }
        const wait = pause();
        if (wait && Date.now() + wait < deadline) await new Promise((r) => setTimeout(r, wait));
        else if (wait) break;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const ms = (xs: number[], p: number) => (xs.length ? Math.round(percentile(xs, p)) : NaN);
  return {
    pages: latencies.length,
    perSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    p50: ms(latencies, 50),
    p95: ms(latencies, 95),
    p99: ms(latencies, 99),
    pageP95: ms(pages, 95),
    changeP95: ms(changes, 95),
    errors,
    firstError,
    mib: Math.round(bytes / 2 ** 20),
  };
}

async function cacheStats(url: string, admin: string): Promise<{ hitRatio: number | null; bytes: number; entries: number; views: { hits: number; misses: number }; warmUp: { snapshot: string; seconds: number; answers: number } | null; serving: string | null }> {
  const r = (await (await fetch(`${url}/api/admin/pipeline`, { headers: { cookie: admin } })).json()) as { answers: { cache: { hitRatio: number | null; bytes: number; entries: number; views: { hits: number; misses: number } }; warmUp: { snapshot: string; seconds: number; answers: number } | null; serving: string | null } };
  return { ...r.answers.cache, warmUp: r.answers.warmUp, serving: r.answers.serving };
}

export async function benchLoad(ctx: BenchContext): Promise<void> {
  const dir = await ensureWarehouse(ctx);
  await prepareApp(ctx, dir);
  const seconds = ctx.quick ? 12 : 60;
  const thinking = () => 5_000 + Math.random() * 10_000;
  const cores = availableParallelism();
  const profiles = [
    { name: '1 user, no pause', users: 1, pause: () => 0 },
    { name: '50 users, no pause', users: 50, pause: () => 0, target: '<= 300' },
    { name: '200 users, a click every ~10 s', users: 200, pause: thinking, target: '<= 300' },
  ];
  // one web process with the cache off and on; then as many web processes as cores (fis serve --workers), cache on
  const runs = [
    { cache: 'off', workers: 1, profiles },
    { cache: 'on', workers: 1, profiles },
    ...(cores > 1 ? [{ cache: 'on', workers: cores, profiles: profiles.slice(1) }] : []),
  ] as const;
  const perSecond: Record<string, Record<string, number>> = {};
  const missP95: Record<string, number> = {};
  for (const run of runs) {
    const { cache, workers } = run;
    const { url, server } = await startServer(dir, { ...(cache === 'off' ? { FIS_CACHE_MB: '0' } : {}), FIS_WEB_WORKERS: String(workers) });
    const tag = `cache ${cache}${workers > 1 ? `, ${workers} web processes` : ''}`;
    try {
      const sessions = await Promise.all(USERS.map((u) => login(url, u)));
      const admin = (await login(url, 'admin')).cookie;
      if (cache === 'on') {
        const t0 = performance.now();
        const n = await askEveryState(url, sessions, filterState, workers);
        ctx.log(`load: asked each of the ${n} dashboard states once before the clock starts (${((performance.now() - t0) / 1000).toFixed(0)} s), ${tag}`);
      }
      for (const p of run.profiles) {
        ctx.log(`load: ${p.name}, ${tag}`);
        const r = await load(url, sessions, p.users, seconds, p.pause, filterState);
        if (r.errors) ctx.log(`${r.errors} failed requests (first: ${r.firstError})`);
        (perSecond[p.name] ??= {})[workers > 1 ? `on${workers}` : cache] = r.perSecond;
        const label = `${p.name}, ${tag}`;
        const hits = cache === 'on' && workers === 1 ? await cacheStats(url, admin) : undefined;
        ctx.record({ section: 'load', name: `${label}: clicks/s`, value: r.perSecond, unit: '/s', note: `${r.pages} clicks, ${r.mib} MiB${hits ? `; hit ratio ${Math.round((hits.hitRatio ?? 0) * 100)} % since the start, ${hits.entries} answers and kept filter changes, ${(hits.bytes / 2 ** 20).toFixed(0)} MiB; kept filter changes found ${hits.views.hits}, computed ${hits.views.misses} since the start` : ''}` });
        ctx.record({ section: 'load', name: `${label}: p50 / p99`, value: r.p50, unit: 'ms', note: `p99 ${r.p99} ms; p95 of dashboard pages ${r.pageP95} ms, of filter changes ${r.changeP95} ms` });
        ctx.record({ section: 'load', name: `${label}: p95`, value: r.p95, unit: 'ms', target: cache === 'on' ? p.target : undefined });
        ctx.record({ section: 'load', name: `${label}: errors`, value: r.errors, unit: '', target: '<= 0' });
      }
      if (workers === 1) {
        // the same never-asked questions with the cache off and on: what the cache costs when it cannot help
        ctx.log(`load: the miss path (filter states never asked before), ${tag}`);
        const miss = await load(url, sessions, 50, seconds, () => 0, (i) => neverAsked(i));
        missP95[cache] = miss.p95;
        ctx.record({ section: 'load', name: `miss path, 50 users, ${tag}: p95`, value: miss.p95, unit: 'ms', target: cache === 'on' && missP95.off ? `<= ${Math.round(missP95.off * 1.1)}` : undefined, note: `${miss.perSecond} clicks/s, p50 ${miss.p50} ms, ${miss.errors} errors${cache === 'on' ? '; target: the cache-off run of the same questions + 10 %' : ''}` });
        if (cache === 'on') await firstViewAfterPublication(ctx, url, dir, sessions, admin);
      }
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  for (const [name, v] of Object.entries(perSecond)) {
    for (const on of Object.keys(v).filter((k) => k.startsWith('on'))) {
      if (v.off && v[on]) ctx.record({ section: 'load', name: `${name}: throughput cache on${on === 'on' ? '' : ` (${on.slice(2)} web processes)`} ÷ off`, value: Math.round((v[on]! / v.off) * 10) / 10, unit: '×', target: name.startsWith('50 users') ? '>= 10' : undefined });
    }
  }
}

/**
 * The first view after a publication: CURRENT is pointed at the previous snapshot and back (as a
 * run publishes); the server warms the new one for its users' scopes before it switches; then the
 * first default view is timed against a warm one on the same snapshot, each after the same pause
 * (250 ms and a look at the monitor: a view right after another is faster on any route, even
 * /api/health/live, because the processes are still awake).
 */
async function firstViewAfterPublication(ctx: BenchContext, url: string, dir: string, sessions: Session[], admin: string): Promise<void> {
  const current = readCurrent(dir)!;
  const older = readdirSync(snapshotsDir(dir)).filter((f) => f.endsWith('.duckdb') && !f.startsWith(current.id)).sort().at(-1)?.replace(/\.duckdb$/, '');
  if (!older) return;
  const s = sessions.find((x) => x.user === 'analyst')!;
  const view = async () => {
    const start = performance.now();
    const r = await fetch(`${url}/dashboards/overview`, { headers: { cookie: s.cookie } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`view failed: ${r.status}`);
    return { ms: performance.now() - start, kept: r.headers.get('x-fis-kept') === '1' };
  };
  // back to back, for the note: a view right after another is faster than one after a pause on
  // any route (the processes wake up), so the target compares views after the same pause
  const backToBack: number[] = [];
  for (let i = 0; i < 7; i++) backToBack.push((await view()).ms);
  const pause = () => new Promise((r) => setTimeout(r, 250));
  const { file: _f, ...pointer } = current;
  const point = (id: string) => {
    writeFileSync(`${currentPointer(dir)}.bench`, JSON.stringify({ ...pointer, id }, null, 2) + '\n');
    renameSync(`${currentPointer(dir)}.bench`, currentPointer(dir));
  };
  const first: number[] = [];
  const warm: number[] = [];
  const warmups: number[] = [];
  let keptFirst = 0;
  try {
    for (let k = 0; k < 8; k++) {
      const id = k % 2 === 0 ? older : current.id;
      point(id);
      // any request notices the new pointer and starts the warm-up; wait until it serves the new snapshot
      await fetch(`${url}/api/session`, { headers: { cookie: s.cookie } });
      await view();
      for (let i = 0; i < 1200; i++) {
        await pause();
        const st = await cacheStats(url, admin);
        if (st.serving === id) {
          if (st.warmUp?.snapshot === id) warmups.push(st.warmUp.seconds);
          break;
        }
      }
      // the first view on the new snapshot: after a pause and a look at the monitor ...
      const v = await view();
      first.push(v.ms);
      if (v.kept) keptFirst++;
      // ... and a warm one on the same snapshot, after the same pause and look
      await pause();
      await cacheStats(url, admin);
      warm.push((await view()).ms);
    }
  } finally {
    point(current.id);
  }
  // the issue's target: no slower than a warm view
  ctx.record({ section: 'load', name: 'first dashboard view after a publication (warmed)', value: Math.round(median(first)), unit: 'ms', target: `<= ${Math.round(median(warm))}`, note: `${first.length} publications, the first view ${keptFirst} times a copy the warm-up kept; a warm view after the same pause ${median(warm).toFixed(1)} ms, first ${median(first).toFixed(1)} ms; back to back ${median(backToBack).toFixed(1)} ms; warm-up ${warmups.length ? median(warmups).toFixed(1) : '?'} s` });
}
