/**
 * Opens a PostgreSQL database named by a target: an embedded PGlite data directory (locked against
 * other processes while open) or a server URL. Failures a user can fix become one sentence.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError, oneLine, redactUrl } from '../errors';
import { acquireLock } from '../lock';
import { createLogger } from '../logger';
import type { PgClient } from './client';
import { openNodePg, openNodePgPool } from './node-pg-client';
import { openPglite } from './pglite-client';

export type PgTarget = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };

export interface OpenOptions {
  /** Names the database in messages, without an article: "asylum source". */
  label: string;
  /** What this process does with it, shown to others waiting for the lock. */
  purpose: string;
  /** Refuse to create an empty embedded database (readers). */
  mustExist?: boolean;
  /** How long to wait for another process holding an embedded database (default 10 min). */
  lockWaitMs?: number;
  /** A server: a reconnecting pool instead of one connection (long-running processes). */
  pool?: boolean;
}

const log = createLogger('pg');

export function describeTarget(t: PgTarget): string {
  return t.kind === 'pglite' ? `PGlite at ${t.dir}` : redactUrl(t.url);
}

export function pgliteExists(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

export async function openPg(target: PgTarget, opts: OpenOptions): Promise<PgClient> {
  if (target.kind === 'postgres') {
    try {
      return await (opts.pool ? openNodePgPool : openNodePg)(target.url, redactUrl(target.url));
    } catch (e) {
      throw new UserError(`Cannot connect to the ${opts.label} at ${redactUrl(target.url)}: ${connectReason(e)}.`, {
        httpStatus: 503,
        cause: e,
      });
    }
  }
  const { dir } = target;
  if (opts.mustExist && !pgliteExists(dir)) {
    throw new UserError(`There is no ${opts.label} at ${dir}; run "fis fixtures generate" first.`, { httpStatus: 503 });
  }
  try {
    mkdirSync(dirname(dir), { recursive: true });
  } catch (e) {
    throw new UserError(`Cannot create ${dirname(dir)}: ${connectReason(e)}.`, { cause: e });
  }
  const lock = await acquireLock(`${dir}.lock`, {
    purpose: opts.purpose,
    what: `the ${opts.label}`,
    waitMs: opts.lockWaitMs ?? 10 * 60_000,
    onWait: (h) => log.info(`waiting for the ${opts.label}, in use by pid ${h.pid} (${h.purpose})`),
  });
  try {
    return await openPglite(dir, () => lock.release());
  } catch (e) {
    lock.release();
    throw new UserError(`Cannot open the ${opts.label} at ${dir}: ${connectReason(e)}.`, { cause: e });
  }
}

function connectReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { code?: string };
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running?)';
    case 'ENOTFOUND':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case '28P01':
    case '28000':
      return 'authentication failed';
    case '3D000':
      return 'database does not exist';
    default:
      return oneLine(e).replace(/\.$/, '') || 'unknown error';
  }
}
