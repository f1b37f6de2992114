/**
 * Prometheus metrics of a FIS process (prom-client), served at GET /metrics. One registry per
 * process — Next.js may load this module once per route bundle, so it lives on globalThis. Layers
 * above add gauges that are read at scrape time (`gauge(...)`: the answer cache, the snapshot's
 * age, the ETL's last runs), so nothing has to be pushed.
 */
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
export function gauge(name: string, help: string, labelNames: string[], read: () => Array<{ labels?: Record<string, string>; value: number }> | Promise<Array<{ labels?: Record<string, string>; value: number }>>): void {
  const m = metrics();
  if (m.gauges.has(name)) return;
  const gg = new client.Gauge({
    name,
    help,
    labelNames,
    registers: [m.registry],
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
