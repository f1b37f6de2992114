import { join } from 'node:path';
import type { Config } from './config';
import type { PgTarget } from './pg/open';

export const SOURCE_SYSTEMS = ['asylum', 'integration'] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

/** Where each operational system lives: a server URL when configured, else PGlite under the data dir. */
export function sourceTargets(config: Pick<Config, 'dataDir' | 'sources'>): Record<SourceSystem, PgTarget> {
  const target = (system: SourceSystem): PgTarget => {
    const url = config.sources[system];
    return url ? { kind: 'postgres', url } : { kind: 'pglite', dir: join(config.dataDir, 'sources', system) };
  };
  return { asylum: target('asylum'), integration: target('integration') };
}

export const sourceLabel = (system: SourceSystem) => `${system} source`;
