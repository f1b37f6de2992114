/**
 * Two web processes on one data directory, the app state in PostgreSQL, behind nginx (Debian's)
 * with FIS_TRUSTED_PROXIES set: one session works on both replicas, the lockout counts the
 * attempts made on both, the client address is the one nginx saw (not what the client wrote), and
 * readiness turns 503 while the app-state database is stopped and 200 again when it is back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fisAsync } from '../test/helpers';
import { freePort, startPgCluster, type PgCluster } from '../test/pg-server';

const env = inject('e2e');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const skip = env.skip || (NGINX ? '' : 'nginx not found; install it with apt-get install nginx');
if (!NGINX && !env.skip && process.env.CI === 'true') throw new Error('CI=true but nginx is missing (apt-get install nginx)');
const root = new URL('..', import.meta.url).pathname;

let pg: PgCluster | undefined;
let dir = '';
let front = '';
const replicas: Array<{ url: string; proc: ChildProcess }> = [];
let nginx: ChildProcess | undefined;
let logs = '';

/** An HTTP request from a client address of our choice (127.0.0.5: not the proxy's). */
function send(url: string, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', localAddress: '127.0.0.5', headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}

async function waitFor(url: string, ok = (s: number) => s === 200, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      if (ok((await send(url)).status)) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer as expected`);
}

beforeAll(async () => {
  if (skip) return;
  pg = await startPgCluster();
  dir = mkdtempSync(join(tmpdir(), 'fis-replicas-'));
  const common = { FIS_APP_DB_URL: pg.url, FIS_DEMO_PASSWORD: 'demo-password-1' };
  expect((await fisAsync(['fixtures', 'generate', '--profile', 'tiny', '--seed', '5', '--until', '2026-06-30'], dir, common)).status).toBe(0);
  expect((await fisAsync(['etl', 'run'], dir, common)).status).toBe(0);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const proc = spawn(process.execPath, [join(root, 'bin/fis.mjs'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, ...common, FIS_DATA_DIR: dir, FIS_LOG_LEVEL: 'warn', FIS_ALLOW_DEMO: 'true', FIS_TRUSTED_PROXIES: '127.0.0.1/32' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (d) => (logs += String(d)));
    replicas.push({ url: `http://127.0.0.1:${port}`, proc });
  }
  for (const r of replicas) await waitFor(`${r.url}/api/health/live`).catch((e: Error) => Promise.reject(new Error(`${e.message}: ${logs.slice(-1500)}`)));
  // nginx as the reverse proxy: round robin over both, X-Forwarded-For appended
  const conf = join(dir, 'nginx');
  mkdirSync(join(conf, 'logs'), { recursive: true });
  chmodSync(conf, 0o777);
  const port = await freePort();
  front = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(conf, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
error_log ${conf}/logs/error.log warn;
pid ${conf}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${conf}/body; proxy_temp_path ${conf}/proxy; fastcgi_temp_path ${conf}/fastcgi; uwsgi_temp_path ${conf}/uwsgi; scgi_temp_path ${conf}/scgi;
  upstream fis { server ${new URL(replicas[0]!.url).host}; server ${new URL(replicas[1]!.url).host}; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://fis;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 600s;
    }
  }
}
`,
  );
  const check = spawnSync(NGINX!, ['-t', '-p', conf, '-c', join(conf, 'nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused the configuration: ${check.stderr}`);
  nginx = spawn(NGINX!, ['-p', conf, '-c', join(conf, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitFor(`${front}/api/health/live`);
}, 300_000);

afterAll(async () => {
  nginx?.kill('SIGTERM');
  for (const r of replicas) r.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  try {
    pg?.stop();
  } catch {
    // stopped already
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const login = (username: string, password = 'demo-password-1', headers: Record<string, string> = {}) => send(`${front}/api/session`, { method: 'POST', body: { username, password }, headers });

describe.skipIf(!!skip)(`two replicas behind nginx${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('serves one session from both replicas, with its CSRF token', async () => {
    const r = await login('leitung');
    expect(r.status).toBe(200);
    const cookie = String(r.headers['set-cookie']).match(/fis_session=[^;]+/)![0];
    const csrf = (JSON.parse(r.body) as { csrfToken: string }).csrfToken;
    const served = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const q = await send(`${front}/api/query?metric=applications&by=year`, { headers: { cookie } });
      expect(q.status).toBe(200);
      served.add(String(q.headers['x-fis-instance']));
    }
    expect(served.size).toBe(2);
    // the logout (a change, with the CSRF token) on one ends the session on both
    expect((await send(`${front}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await send(`${front}/api/query?metric=applications`, { headers: { cookie } })).status).toBe(401);
  });

  it('counts failed logins on both replicas towards one lockout, and records the address nginx saw', async () => {
    const instances = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await login('abt-asyl', `wrong-password-${i}`, { 'x-forwarded-for': `203.0.113.${i}` });
      expect(r.status).toBe(401);
      instances.add(String(r.headers['x-fis-instance']));
    }
    expect(instances.size).toBe(2);
    expect((await login('abt-asyl')).status).toBe(401);
    const admin = await login('admin');
    const cookie = String(admin.headers['set-cookie']).match(/fis_session=[^;]+/)![0];
    const audit = JSON.parse((await send(`${front}/api/admin/audit?action=login&actor=abt-asyl`, { headers: { cookie } })).body) as Array<{ details: { client?: string } }>;
    const clients = new Set(audit.map((a) => a.details.client));
    expect(clients).toEqual(new Set(['127.0.0.5']));
  });

  it('is not ready while the app-state database is stopped, and ready again when it is back', async () => {
    const ready = `${replicas[0]!.url}/api/health/ready`;
    expect((await send(ready)).status).toBe(200);
    pg!.pause();
    try {
      const down = await send(ready);
      expect(down.status).toBe(503);
      expect((JSON.parse(down.body) as { reasons: string[] }).reasons.join(' ')).toMatch(/app-state database/);
      expect((await send(`${replicas[0]!.url}/api/health/live`)).status).toBe(200);
    } finally {
      pg!.resume();
    }
    await waitFor(ready, (s) => s === 200, 100);
    expect((await login('leitung')).status).toBe(200);
  });
});
