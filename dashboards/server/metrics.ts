/**
 * GET /metrics: who may scrape (FIS_METRICS_ALLOW or the bearer token FIS_METRICS_TOKEN; everyone
 * else gets 404), and the gauges read at scrape time — the answer cache and the statement queue of
 * this process, the age of the snapshot it serves, and the ETL's recent runs (duration per stage,
 * outcome, rows quarantined) from the run history the pipeline monitor shows.
 */
import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { gauge, scrape } from '../../platform/metrics';
import { inCidr } from '../../platform/net';
import { answerCache } from '../../warehouse/semantic/answer-cache';
import { statementQueue } from '../../warehouse/statement-queue';
import { pipelineStatus } from './admin';
import { clientAddress, errorResponse } from './http';
import { services } from './services';

type Status = Awaited<ReturnType<typeof pipelineStatus>>;
let cached: { at: number; status: Promise<Status> } | undefined;
/** The run history, read at most every 10 s however often Prometheus scrapes. */
const status = (): Promise<Status> => {
  if (!cached || Date.now() - cached.at > 10_000) cached = { at: Date.now(), status: pipelineStatus() };
  return cached.status;
};

const age = (iso: string | null | undefined) => (iso ? (Date.now() - Date.parse(iso)) / 1000 : NaN);

/** The gauges read at scrape time (once per process; services() registers them in every web process, so that each worker of `fis serve --workers` reports its own). */
export function registerCollectors(): void {
  gauge('fis_answer_cache_bytes', 'Bytes of answers in the answer cache (of all web processes of fis serve --workers).', [], () => [{ value: answerCache.stats().bytes }]);
  gauge('fis_answer_cache_entries', 'Answers in the answer cache (of all web processes).', [], () => [{ value: answerCache.stats().entries }]);
  gauge('fis_answer_cache_requests', 'Questions the answer cache saw since the start: hits, joined (an identical question in flight), misses, evictions.', ['kind'], () => {
    const s = answerCache.stats();
    return (['hits', 'joined', 'misses', 'evictions'] as const).map((k) => ({ labels: { kind: k }, value: s[k] }));
  });
  gauge('fis_view_cache_requests', 'Filter changes (the panels a browser asks after a change) and dashboard pages found kept or computed since the start.', ['kind'], () => {
    const v = answerCache.stats().views;
    return [{ labels: { kind: 'hits' }, value: v.hits }, { labels: { kind: 'misses' }, value: v.misses }];
  });
  gauge('fis_statement_queue', 'DuckDB statements running and waiting, by priority.', ['state'], () => {
    const q = statementQueue.stats();
    return [{ labels: { state: 'running' }, value: q.running }, ...(['interactive', 'export', 'background'] as const).map((p) => ({ labels: { state: `waiting_${p}` }, value: q.waiting[p] }))];
  });
  gauge('fis_snapshot_age_seconds', 'Seconds since the snapshot this process serves was published, and since the latest source change it contains.', ['of'], () => {
    const s = services().reader.serving() ?? services().reader.info();
    return s ? [{ labels: { of: 'publication' }, value: age(s.publishedAt) }, { labels: { of: 'data' }, value: age(s.dataAsOf) }] : [];
  }, 'max');
  gauge('fis_etl_last_run_stage_seconds', 'Seconds per stage of the last finished ETL run.', ['stage', 'mode'], async () => {
    const last = (await status()).runs.find((r) => r.status !== 'running');
    return last ? Object.entries(last.stages).map(([stage, v]) => ({ labels: { stage, mode: last.mode }, value: v })) : [];
  }, 'max');
  gauge('fis_etl_runs', 'ETL runs in the recent history (the last 20), by outcome.', ['status'], async () => {
    const counts = new Map<string, number>();
    for (const r of (await status()).runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    return [...counts].map(([s, n]) => ({ labels: { status: s }, value: n }));
  }, 'max');
  gauge('fis_etl_last_run_quarantined_rows', 'Source rows the last finished ETL run put in quarantine.', [], async () => {
    const last = (await status()).runs.find((r) => r.status !== 'running');
    return last ? [{ value: Object.values(last.tables).reduce((n, t) => n + t.quarantined, 0) }] : [];
  }, 'max');
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function metricsResponse(req: NextRequest): Promise<Response> {
  const { allow, token } = services().config.metrics;
  const bearer = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
  const allowed = (token !== undefined && bearer !== undefined && same(bearer, token)) || inCidr(clientAddress(req), allow);
  // not 403: nobody else learns that there is something here
  if (!allowed) return errorResponse(404, 'Not found.');
  registerCollectors();
  const { text, contentType } = await scrape();
  return new Response(text, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
