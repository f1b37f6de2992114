/**
 * Operations through the real route handlers: /metrics in the Prometheus text format (checked by
 * the format's own rules), its counters moving after logins and an ETL run, refused (404) to
 * everyone without the token or an allowed address; the health probes.
 */
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '@/etl/run';
import { openAppDb } from '@/roles/app-db';
import { installDemo } from '@/roles/store';
import { login, req } from '@/test/api-helpers';
import { etlOpts } from '@/test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
process.env.FIS_METRICS_TOKEN = 'metrics-token-for-the-test-0123';
process.env.FIS_METRICS_ALLOW = '10.99.0.0/16';
type H = (req: NextRequest) => Promise<Response>;
const targets = pgliteTargets(t.dir);
let metricsRoute: H;

beforeAll(async () => {
  await generateTiny(targets, 37);
  await runEtl(etlOpts(t.dir, targets, true));
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
  metricsRoute = ((await import('../metrics/route')) as unknown as { GET: H }).GET;
});
afterAll(() => t.cleanup());

/** The text exposition format's rules (Prometheus 0.0.4): names, labels, values, TYPE before samples, histograms consistent. */
function parsePrometheus(text: string): Map<string, Array<{ labels: Record<string, string>; value: number }>> {
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const types = new Map<string, string>();
  const samples = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  const seenFamilies = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      expect(line.split(' ')[2], line).toMatch(NAME);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      expect(name, line).toMatch(NAME);
      expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(type);
      expect(types.has(name!), `TYPE twice for ${name}`).toBe(false);
      types.set(name!, type!);
      continue;
    }
    expect(line.startsWith('#'), `unknown comment ${line}`).toBe(false);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const [, name, , labelText, value] = m!;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/gy;
      let consumed = 0;
      for (let l = re.exec(labelText); l; l = re.exec(labelText)) {
        labels[l[1]!] = l[2]!;
        consumed = re.lastIndex;
      }
      expect(consumed, `bad labels in ${line}`).toBe(labelText.length);
    }
    expect(value, line).toMatch(/^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|\+Inf|-Inf)$/);
    const family = [...types.keys()].find((f) => name === f || (types.get(f) === 'histogram' && [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(name!)));
    expect(family, `sample ${name} before its TYPE`).toBeDefined();
    seenFamilies.add(family!);
    const list = samples.get(name!) ?? [];
    list.push({ labels, value: Number(value === '+Inf' ? Infinity : value) });
    samples.set(name!, list);
  }
  // histograms: cumulative buckets ending in +Inf = count
  for (const [f, type] of types) {
    if (type !== 'histogram') continue;
    const byKey = new Map<string, Array<{ le: number; v: number }>>();
    for (const s of samples.get(`${f}_bucket`) ?? []) {
      const { le, ...rest } = s.labels;
      const k = JSON.stringify(rest);
      byKey.set(k, [...(byKey.get(k) ?? []), { le: le === '+Inf' ? Infinity : Number(le), v: s.value }]);
    }
    for (const [k, buckets] of byKey) {
      const sorted = [...buckets].sort((a, b) => a.le - b.le);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.v).toBeGreaterThanOrEqual(sorted[i - 1]!.v);
      expect(sorted.at(-1)!.le).toBe(Infinity);
      const count = samples.get(`${f}_count`)?.find((s) => JSON.stringify(s.labels) === k);
      expect(count?.value).toBe(sorted.at(-1)!.v);
    }
  }
  return samples;
}

const scrape = async (headers: Record<string, string> = { authorization: 'Bearer metrics-token-for-the-test-0123' }) => metricsRoute(req('/metrics', { headers }));
const value = (s: Map<string, Array<{ labels: Record<string, string>; value: number }>>, name: string, labels: Record<string, string> = {}) =>
  (s.get(name) ?? []).filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((n, x) => n + x.value, 0);

describe('/metrics', () => {
  it('is refused (404) without the token or an allowed address, whatever the client says of itself', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0000000000000000' }, { authorization: 'Basic bWV0cmljczp4' }, { 'x-forwarded-for': '10.99.1.1' }] as Array<Record<string, string>>) {
      const r = await scrape(headers);
      expect(r.status, JSON.stringify(headers)).toBe(404);
      expect(await r.text()).not.toMatch(/fis_/);
    }
    // from an allowed address (the socket's, as FIS's web server stamps it)
    expect((await scrape({ 'x-fis-peer': '10.99.7.7' })).status).toBe(200);
  });

  it('parses as Prometheus text, and its counts move after logins and an ETL run', async () => {
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const before = parsePrometheus(text);
    for (const name of ['fis_http_request_duration_seconds', 'fis_query_duration_seconds', 'fis_answers_total', 'fis_logins_total', 'fis_answer_cache_entries', 'fis_view_cache_requests', 'fis_statement_queue', 'fis_snapshot_age_seconds', 'fis_etl_runs', 'fis_etl_last_run_stage_seconds', 'fis_etl_last_run_quarantined_rows', 'fis_process_resident_memory_bytes']) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect((await login('leitung')).status).toBe(200);
    expect((await login('leitung', 'wrong-password-1')).status).toBe(401);
    await runEtl(etlOpts(t.dir, targets, false));
    await new Promise((res) => setTimeout(res, 10_100)); // the run history is read at most every 10 s
    const after = parsePrometheus(await (await scrape()).text());
    expect(value(after, 'fis_logins_total', { outcome: 'ok', method: 'password' })).toBe(value(before, 'fis_logins_total', { outcome: 'ok', method: 'password' }) + 1);
    expect(value(after, 'fis_logins_total', { outcome: 'failed' })).toBe(value(before, 'fis_logins_total', { outcome: 'failed' }) + 1);
    expect(value(after, 'fis_etl_runs', { status: 'succeeded' })).toBe(value(before, 'fis_etl_runs', { status: 'succeeded' }) + 1);
    expect(value(after, 'fis_etl_last_run_stage_seconds', { stage: 'total', mode: 'incremental' })).toBeGreaterThan(0);
  });
});

describe('health probes', () => {
  it('answers live always, ready with a snapshot and the app-state database, and no snapshot id to anonymous callers', async () => {
    const live = ((await import('./health/live/route')) as unknown as { GET: H }).GET;
    const ready = ((await import('./health/ready/route')) as unknown as { GET: H }).GET;
    const health = ((await import('./health/route')) as unknown as { GET: H }).GET;
    expect((await live(req('/api/health/live'))).status).toBe(200);
    const r = await ready(req('/api/health/ready'));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready', reasons: [] });
    const anonymous = (await (await health(req('/api/health'))).json()) as { snapshot: string | null; status: string };
    expect(anonymous).toMatchObject({ status: 'ok', snapshot: null });
    const admin = await login('admin');
    expect(((await (await health(req('/api/health', { cookie: admin.cookie }))).json()) as { snapshot: string | null }).snapshot).toMatch(/^\d{8}T/);
  });
});
