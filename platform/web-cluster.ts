/**
 * Several web processes behind one port (`fis serve --workers N`, FIS_WEB_WORKERS): one Node.js
 * process renders pages on one core, and a manager's click costs a few milliseconds of it, so one
 * process is the limit long before the machine is. The primary process forks the workers
 * (node:cluster hands them the connections in turn), hosts the embedded app-state database for
 * them (its queries run in the primary, off the workers' threads; with FIS_APP_DB_URL they all
 * connect to the server), answers /metrics for all workers together, restarts a worker that dies
 * and stops them all on SIGTERM. Each worker has its own answer cache (FIS_CACHE_MB each) and an
 * equal share of the DuckDB statement slots.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { UserError } from './errors';
import { createLogger } from './logger';
import { answerMetricsRequests } from './metrics';

const log = createLogger('web');

/** Statement slots per worker: the cores shared out, at least one each (FIS_QUERY_CONCURRENCY, if set, is per worker). */
export const slotsPerWorker = (workers: number, cores = availableParallelism()) => Math.max(1, Math.floor(cores / workers));

export interface PrimaryOptions {
  workers: number;
  /** before the first fork: open what the workers share (the hosted app-state database); returns how to close it */
  prepare: () => Promise<() => Promise<void>>;
  /** env for each worker */
  env: Record<string, string>;
}

/** Runs the primary until SIGTERM/SIGINT; prints the URL once the first worker listens. */
export async function runPrimary(opts: PrimaryOptions): Promise<never> {
  const close = await opts.prepare();
  let stopping = false;
  let announced = false;
  const deaths: number[] = [];
  const fork = () => cluster.fork(opts.env);
  answerMetricsRequests((listener) => cluster.on('message', (w: Worker, m: { type?: string; id?: number }) => listener(w, m)));
  cluster.on('message', (_w: Worker, m: { type?: string; url?: string }) => {
    if (m?.type === 'fis:listening' && !announced) {
      announced = true;
      log.info(`FIS is serving on ${m.url}/ with ${opts.workers} web processes`);
      process.stdout.write(`${m.url}\n`);
    }
  });
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    if (deaths.length > 5) {
      log.error(`web processes keep ending (${deaths.length} in a minute, the last with ${signal ?? `exit code ${code}`}); stopping`);
      void stop(1);
      return;
    }
    log.warn(`web process ${w.process.pid} ended with ${signal ?? `exit code ${code}`}; starting another`);
    setTimeout(fork, 500);
  });
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await close().catch(() => {});
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));
  for (let i = 0; i < opts.workers; i++) fork();
  return new Promise<never>(() => {});
}

/** In a worker: tell the primary where we listen. */
export function announceWorker(url: string): void {
  if (!cluster.isWorker) throw new UserError('announceWorker outside a worker');
  process.send?.({ type: 'fis:listening', url });
}
