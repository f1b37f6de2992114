/**
 * Prometheus metrics of a FIS process (prom-client), served at GET /metrics. One registry per
 * process — Next.js may load this module once per route bundle, so it lives on globalThis. Layers
 * above add gauges that are read at scrape time (`gauge(...)`: the answer cache, the snapshot's
 * age, the ETL's last runs), so nothing has to be pushed.
 */
import cluster from 'node:cluster';
import client from 'prom-client';

interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'route' | 'method' | 'status'>;
  queryDuration: client.Histogram<'source'>;
  answers: client.Counter<'disclosure' | 'cache'>;
  logins: client.Counter<'outcome' | 'method'>;
  gauges: Map<string, client.Gauge>;
}

const g = globalThis as unknown as { __fisMetrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'fis_' });
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'fis_http_request_duration_seconds',
      help: 'Duration of HTTP requests until the response ended, by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queryDuration: new client.Histogram({
      name: 'fis_query_duration_seconds',
      help: 'Duration of query answers computed by DuckDB (cache misses), by what answered them: facts or rollups.',
      labelNames: ['source'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    answers: new client.Counter({
      name: 'fis_answers_total',
      help: 'Query answers given, by disclosure mode (unrestricted or the method applied) and whether they came from the answer cache.',
      labelNames: ['disclosure', 'cache'],
      registers: [registry],
    }),
    logins: new client.Counter({ name: 'fis_logins_total', help: 'Login attempts by outcome and method.', labelNames: ['outcome', 'method'], registers: [registry] }),
    gauges: new Map(),
  };
}

export const metrics = (): Metrics => (g.__fisMetrics ??= create());

/** A gauge whose values are read when Prometheus scrapes (registered once per name). */
export function gauge(
  name: string,
  help: string,
  labelNames: string[],
  read: () => Array<{ labels?: Record<string, string>; value: number }> | Promise<Array<{ labels?: Record<string, string>; value: number }>>,
  /** how the workers of `fis serve --workers` combine: summed (what each holds), or the largest (the same fact seen by each) */
  aggregator: 'sum' | 'max' = 'sum',
): void {
  const m = metrics();
  if (m.gauges.has(name)) return;
  const gg = new client.Gauge({
    name,
    help,
    labelNames,
    registers: [m.registry],
    aggregator,
    async collect() {
      this.reset();
      for (const v of await read()) {
        if (v.labels) this.set(v.labels, v.value);
        else this.set(v.value);
      }
    },
  });
  m.gauges.set(name, gg);
}

/** A request path as a bounded label: dynamic segments become their pattern; paths that matched no route (404) one label. */
export function routePattern(path: string, status: number): string {
  if (status === 404) return 'not-found';
  const p = path.split('?')[0]!;
  if (p.startsWith('/_next/')) return '/_next/*';
  const rules: Array<[RegExp, string]> = [
    [/^\/dashboards\/[^/]+$/, '/dashboards/[slug]'],
    [/^\/reports\/[^/]+$/, '/reports/[id]'],
    [/^\/api\/reports\/[^/]+\/export$/, '/api/reports/[id]/export'],
    [/^\/api\/dashboards\/[^/]+\/panels\/[^/]+(\/export)?$/, '/api/dashboards/[slug]/panels/[panel]$1'],
    [/^\/api\/dashboards\/[^/]+\/(view|filters|export)$/, '/api/dashboards/[slug]/$1'],
    [/^\/api\/admin\/(roles|users|groups)\/[^/]+(\/[a-z]+)?$/, '/api/admin/$1/[name]$2'],
    [/^\/admin\/(roles|users|groups)\/[^/]+$/, '/admin/$1/[name]'],
    [/^\/api\/me\/views\/[^/]+$/, '/api/me/views/[id]'],
    [/^\/api\/events\/[^/]+$/, '/api/events/[id]'],
    [/^\/api\/inbox\/[^/]+$/, '/api/inbox/[id]'],
  ];
  for (const [re, to] of rules) if (re.test(p)) return p.replace(re, to);
  // what is left are the app's static routes (anything else answered 404 above)
  return /^\/[a-z0-9/_.-]{0,60}$/.test(p) ? p : 'other';
}

/**
 * Several web processes behind one port (`fis serve --workers N`, platform/web-cluster.ts): a
 * scrape reaches one worker, which asks the primary process for the metrics of all workers,
 * combined (counters and histograms summed; gauges as each declares).
 */
const METRICS_REQ = 'fis:metrics-req';
const METRICS_RES = 'fis:metrics-res';
export const isClusterWorker = () => cluster.isWorker && typeof process.send === 'function';

/** In a worker: answer the primary's collection requests with this process's registry. */
export function serveWorkerMetrics(): void {
  new client.AggregatorRegistry();
  client.AggregatorRegistry.setRegistries([metrics().registry]);
}

/** In the primary: combine the workers' metrics for the worker that was scraped. */
export function answerMetricsRequests(on: (listener: (worker: { send(m: unknown): void }, message: { type?: string; id?: number }) => void) => void): void {
  const aggregator = new client.AggregatorRegistry();
  on((worker, message) => {
    if (message?.type !== METRICS_REQ) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RES, id: message.id, text, contentType: aggregator.contentType }),
      (e: unknown) => worker.send({ type: METRICS_RES, id: message.id, error: String((e as Error).message ?? e) }),
    );
  });
}

let requestId = 0;

/** The text Prometheus gets: this process's registry, or in a worker, all workers' combined. */
export async function scrape(): Promise<{ text: string; contentType: string }> {
  const { registry } = metrics();
  if (!isClusterWorker()) return { text: await registry.metrics(), contentType: registry.contentType };
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary process did not answer with the workers\' metrics within 10 s'));
    }, 10_000);
    const onMessage = (m: { type?: string; id?: number; text?: string; contentType?: string; error?: string }) => {
      if (m?.type !== METRICS_RES || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (m.error) reject(new Error(m.error));
      else resolve({ text: m.text!, contentType: m.contentType! });
    };
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQ, id });
  });
}
