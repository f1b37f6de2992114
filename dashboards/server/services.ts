/**
 * The server-side data-access layer of the web app: one SnapshotReader (current warehouse
 * snapshot) and one app-state database handle per process, created on first use. The web server
 * hosts the embedded app-state database, so CLI commands can use it at the same time.
 */
import 'server-only';
import { getConfig, type Config } from '../../platform/config';
import { openAppDb, type AppDbHandle } from '../../roles/app-db';
import { answerCache } from '../../warehouse/semantic/answer-cache';
import { SnapshotReader } from '../../warehouse/snapshots';
import { statementQueue } from '../../warehouse/statement-queue';

interface Services {
  config: Config;
  reader: SnapshotReader;
  app: Promise<AppDbHandle>;
}

// Route bundles may each load this module; the singletons live on globalThis so there is one set.
const g = globalThis as unknown as { __fisServices?: Services };

export function services(): Services {
  if (!g.__fisServices) {
    const config = getConfig();
    const app = openAppDb({ dataDir: config.dataDir, url: config.appDbUrl, serve: true });
    app.catch(() => {
      // retried on the next request
      if (g.__fisServices?.app === app) g.__fisServices = undefined;
    });
    answerCache.setMaxBytes(config.answers.cacheMb * 2 ** 20);
    if (config.answers.concurrency) statementQueue.setSlots(config.answers.concurrency);
    const reader = new SnapshotReader(config.dataDir, {
      // the web process warms a new snapshot for its users before it switches to it
      warmUp: async (snapshot) => (await import('./warmup')).warmSnapshot(snapshot),
      warmUpMs: config.answers.warmupSeconds * 1000,
    });
    g.__fisServices = { config, reader, app };
    // this process's gauges for /metrics (each worker of `fis serve --workers` reports its own)
    void import('./metrics').then((m) => m.registerCollectors());
    // FIS's web server may answer dashboard pages from finished copies (kept-pages.ts says which)
    void import('./kept-pages').then((m) => m.registerKeptPages());
  }
  return g.__fisServices;
}

export async function appDb() {
  return (await services().app).db;
}
