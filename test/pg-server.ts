/**
 * A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks. Debian's
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user, with its
 * data directory and log in a directory that user owns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  url: string;
  dir: string;
  port: number;
  stop(): void;
  /** stops the server but keeps its data (to test what happens while it is down) */
  pause(): void;
  /** starts it again after pause() */
  resume(): void;
}

export function findPgBin(): string | undefined {
  const fromPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) {
    // /usr/local/bin/pg_ctl may be a link; initdb and postgres sit beside the real one
    const real = spawnSync('readlink', ['-f', fromPath], { encoding: 'utf8' }).stdout.trim() || fromPath;
    return join(real, '..');
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'pg_ctl'))) return join(base, v, 'bin');
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install postgresql-15)');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fis-pg-'));
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (cmd: string, args: string[]) => {
    const full = root ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], full[1] as string[], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  };
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const opts = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c synchronous_commit=off',
    '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=512MB', '-c work_mem=64MB', '-c maintenance_work_mem=512MB',
    '-c max_wal_size=4GB', '-c wal_level=minimal', '-c max_wal_senders=0', '-c TimeZone=UTC',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    port,
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume() {
      run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start']);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Stops a cluster started by another process (scripts/pg-cluster.ts stop <dir>). */
export function stopPgClusterAt(dir: string): void {
  const bin = findPgBin();
  if (!bin || !existsSync(join(dir, 'data'))) return;
  const root = process.getuid?.() === 0;
  const args = ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop'];
  spawnSync(root ? 'runuser' : join(bin, 'pg_ctl'), root ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args] : args, { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
