/**
 * An embedded PGlite database shared between processes. PGlite is a single-process database, but
 * the app-state database is needed by the web server and, at the same time, by CLI commands
 * (`fis query --as`, `fis users …`). The long-running process *hosts* it: it opens PGlite and serves
 * it on a private unix socket (0600, in the temp directory); any other process finding a live host
 * connects through that socket with the ordinary PostgreSQL client. Without a host, a process
 * opens the directory itself under the lock. Production deployments use a PostgreSQL server URL.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { UserError, oneLine } from '../errors';
import { acquireLock, readLockHolder } from '../lock';
import { createLogger } from '../logger';
import type { PgClient } from './client';
import { openNodePg } from './node-pg-client';
import { openPglite, pgliteParsers, wrapPglite } from './pglite-client';

const log = createLogger('pg');

interface HostInfo {
  pid: number;
  socketDir: string;
}

const hostFile = (dir: string) => `${dir}.host.json`;
/** A short directory for the socket (unix socket paths are limited to ~100 bytes). */
const socketDirFor = (dir: string) => join(tmpdir(), `fis-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
const SOCKET_PORT = 5432;

function liveHost(dir: string): HostInfo | undefined {
  try {
    const h = JSON.parse(readFileSync(hostFile(dir), 'utf8')) as HostInfo;
    process.kill(h.pid, 0);
    return h.pid === process.pid ? undefined : h;
  } catch {
    return undefined;
  }
}

async function reachable(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function connectToHost(h: HostInfo, label: string): Promise<PgClient | undefined> {
  const socketPath = join(h.socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  if (!(await reachable(socketPath))) return undefined;
  try {
    const url = `postgres://fis@localhost/template1?host=${encodeURIComponent(h.socketDir)}&port=${SOCKET_PORT}`;
    return await openNodePg(url, `${label} (served by pid ${h.pid})`);
  } catch (e) {
    log.debug(`cannot connect to the host of the ${label}: ${oneLine(e)}`);
    return undefined;
  }
}

export interface SharedPglite {
  /** A client: the hosted database itself, or a connection to the process hosting it. */
  client: PgClient;
  /** true when this process hosts the database. */
  hosting: boolean;
  close(): Promise<void>;
}

/**
 * Opens the embedded database in `dir`. `serve`: host it for other processes (long-running
 * processes such as the web server). `maxClients` is the number of socket connections served.
 */
export async function openSharedPglite(dir: string, opts: { label: string; serve: boolean; maxClients?: number; waitMs?: number }): Promise<SharedPglite> {
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  for (;;) {
    const host = liveHost(dir);
    if (host) {
      const client = await connectToHost(host, opts.label);
      if (client) return { client, hosting: false, close: () => client.close() };
    }
    const holder = readLockHolder(`${dir}.lock`);
    if (!holder || holder.pid === process.pid || Date.now() > deadline) break;
    // another process has it open and does not serve it (a short CLI command): wait for it
    await new Promise((r) => setTimeout(r, 150));
  }
  mkdirSync(dirname(dir), { recursive: true });
  const lock = await acquireLock(`${dir}.lock`, { purpose: opts.serve ? 'app server' : 'fis command', what: `the ${opts.label}`, waitMs: 0 });
  let client: PgClient;
  try {
    if (!opts.serve) {
      client = await openPglite(dir, () => lock.release());
      return { client, hosting: false, close: () => client.close() };
    }
    // hosting: keep our own handle on the PGlite instance, share it with the socket server
    const probe = await openPglite(dir);
    await probe.close();
    const db = await PGlite.create(dir, { parsers: pgliteParsers });
    await db.exec(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';`);
    const socketDir = socketDirFor(dir);
    rmSync(socketDir, { recursive: true, force: true });
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const socketPath = join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
    const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: opts.maxClients ?? 8 });
    await server.start();
    chmodSync(socketPath, 0o600);
    writeFileSync(hostFile(dir), JSON.stringify({ pid: process.pid, socketDir } satisfies HostInfo));
    const cleanup = () => {
      rmSync(hostFile(dir), { force: true });
      rmSync(socketDir, { recursive: true, force: true });
    };
    process.once('exit', cleanup);
    client = wrapPglite(db, `PGlite at ${dir} (hosted)`, () => lock.release());
    return {
      client,
      hosting: true,
      async close() {
        await server.stop().catch(() => {});
        cleanup();
        await client.close();
      },
    };
  } catch (e) {
    lock.release();
    if (e instanceof UserError) throw e;
    throw new UserError(`Cannot open the ${opts.label} at ${dir}: ${oneLine(e)}.`, { cause: e });
  }
}

export const isHosted = (dir: string) => existsSync(hostFile(dir)) && liveHost(dir) !== undefined;
