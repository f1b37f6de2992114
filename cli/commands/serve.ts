// `fis serve` — the web app in production (or, with --dev, Next's development mode), through the
// server of platform/web-server.ts, which gives the app the socket's peer address.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { disableNextTelemetry, getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import { createLogger } from '../../platform/logger';
import { action, intOption, once } from '../run';

const log = createLogger('web');

/** Starts the web server and resolves once it listens; `fis demo` uses it too. */
export async function serveWeb(opts: { port: number; host: string; dev?: boolean }) {
  const config = getConfig();
  if (!opts.dev && !existsSync(join(config.projectRoot, '.next', 'BUILD_ID'))) {
    throw new UserError('The web app is not built yet; run "npm run build" first (or "fis serve --dev").', { exitCode: 2 });
  }
  disableNextTelemetry();
  const { startWebServer } = await import('../../platform/web-server');
  try {
    return await startWebServer({ dir: config.projectRoot, port: opts.port, host: opts.host, dev: opts.dev });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError(`Port ${opts.port} on ${opts.host} is in use; set PORT or use --port.`, { exitCode: 2 });
    throw e;
  }
}

/**
 * `npm start` serves production: it refuses to start without a warehouse to answer from, and with
 * the demo users present (known passwords) unless FIS_ALLOW_DEMO=true says that is meant.
 */
async function refuseUnfitProduction(): Promise<void> {
  const config = getConfig();
  const { readCurrent } = await import('../../warehouse/snapshots');
  if (!readCurrent(config.dataDir)) throw new UserError(`There is no warehouse in ${config.dataDir} yet; run "fis etl run" first (or "npm run demo" for the demo).`, { exitCode: 2 });
  if (config.allowDemo) return;
  const { openAppDb } = await import('../../roles/app-db');
  const { listUsers } = await import('../../roles/store');
  const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
  const demo = await listUsers(app.db)
    .then((us) => us.filter((u) => u.is_demo && u.active).map((u) => u.username))
    .finally(() => app.close());
  if (demo.length) {
    throw new UserError(`The demo users (${demo.join(', ')}) exist, with a known password; deactivate them ("fis users deactivate …") or set FIS_ALLOW_DEMO=true for a demonstration.`, { exitCode: 2 });
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web app (production build; --dev for development)')
    .option('--port <n>', 'port (default: PORT or 3000)', intOption('--port', 0, 65535))
    .option('--host <address>', 'address to listen on (default: HOST or 127.0.0.1)', once('--host'))
    .option('--workers <n>', 'web processes behind the port, one per core is sensible (default: FIS_WEB_WORKERS or 1)', intOption('--workers', 1, 64))
    .option('--dev', "Next.js development mode (rebuilds on change)")
    .action(
      action(async (o: { port?: number; host?: string; workers?: number; dev?: boolean }) => {
        const config = getConfig();
        const workers = o.dev ? 1 : (o.workers ?? config.http.workers);
        const cluster = (await import('node:cluster')).default;
        if (workers > 1 && cluster.isPrimary) {
          await refuseUnfitProduction();
          const { runPrimary, slotsPerWorker } = await import('../../platform/web-cluster');
          await runPrimary({
            workers,
            env: { FIS_QUERY_CONCURRENCY: String(config.answers.concurrency || slotsPerWorker(workers)) },
            // the embedded app-state database is hosted here, migrated once, and shared with the workers
            prepare: async () => {
              if (config.appDbUrl) return async () => {};
              const { openAppDb } = await import('../../roles/app-db');
              const app = await openAppDb({ dataDir: config.dataDir, serve: true, maxClients: 4 * workers + 4 });
              return () => app.close();
            },
          });
          return;
        }
        if (!o.dev && !cluster.isWorker) await refuseUnfitProduction();
        const web = await serveWeb({ port: o.port ?? config.http.port, host: o.host ?? config.http.host, dev: o.dev });
        const stop = () => void web.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        if (cluster.isWorker) {
          const { serveWorkerMetrics } = await import('../../platform/metrics');
          const { announceWorker } = await import('../../platform/web-cluster');
          serveWorkerMetrics();
          announceWorker(web.url);
        } else {
          log.info(`FIS is serving on ${web.url}/`);
          // the port actually bound (for --port 0), for whoever started us
          process.stdout.write(`${web.url}\n`);
        }
        await new Promise(() => {});
      }),
    );
}
