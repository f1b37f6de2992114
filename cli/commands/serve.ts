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

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web app (production build; --dev for development)')
    .option('--port <n>', 'port (default: PORT or 3000)', intOption('--port', 0, 65535))
    .option('--host <address>', 'address to listen on (default: HOST or 127.0.0.1)', once('--host'))
    .option('--dev', "Next.js development mode (rebuilds on change)")
    .action(
      action(async (o: { port?: number; host?: string; dev?: boolean }) => {
        const config = getConfig();
        const web = await serveWeb({ port: o.port ?? config.http.port, host: o.host ?? config.http.host, dev: o.dev });
        log.info(`FIS is serving on ${web.url}/`);
        // the port actually bound (for --port 0), for whoever started us
        process.stdout.write(`${web.url}\n`);
        const stop = () => void web.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        await new Promise(() => {});
      }),
    );
}
