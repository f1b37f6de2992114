/**
 * `fis serve --workers 2`: two web processes behind one port, the embedded app-state database
 * hosted by the primary. One session works on both, /metrics counts the requests of both, a worker
 * that dies is replaced without losing the session, and SIGTERM stops them all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fisAsync } from '../test/helpers';

const env = inject('e2e');
const root = new URL('..', import.meta.url).pathname;
let dir = '';
let url = '';
let primary: ChildProcess | undefined;
let logs = '';

/** The web processes the primary forked (not the helpers tsx starts, such as esbuild's service). */
const children = (pid: number) =>
  spawnSync('pgrep', ['-P', String(pid), '-f', 'fis.mjs'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  if (env.skip) return;
  dir = mkdtempSync(join(tmpdir(), 'fis-workers-'));
  const common = { FIS_DEMO_PASSWORD: 'demo-password-1' };
  expect((await fisAsync(['fixtures', 'generate', '--profile', 'tiny', '--seed', '6', '--until', '2026-06-30'], dir, common)).status).toBe(0);
  expect((await fisAsync(['etl', 'run'], dir, common)).status).toBe(0);
  primary = spawn(process.execPath, [join(root, 'bin/fis.mjs'), 'serve', '--port', '0', '--host', '127.0.0.1', '--workers', '2'], {
    env: { ...process.env, ...common, FIS_DATA_DIR: dir, FIS_LOG_LEVEL: 'info', FIS_ALLOW_DEMO: 'true', FIS_METRICS_ALLOW: '127.0.0.1/32' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  primary.stderr?.on('data', (d) => (logs += String(d)));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    primary!.stdout?.on('data', (d) => {
      out += String(d);
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    primary!.once('exit', (code) => reject(new Error(`fis serve --workers 2 ended with ${code}: ${logs.slice(-1500)}`)));
  });
}, 300_000);

afterAll(() => {
  if (primary && primary.exitCode === null) primary.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!env.skip)(`fis serve --workers 2${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  let cookie = '';
  const instances = async (n: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      // a new connection each time: node:cluster hands connections to the workers in turn
      const r = await fetch(`${url}/api/query?metric=applications&by=year`, { headers: { cookie, connection: 'close' } });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      seen.add(r.headers.get('x-fis-instance')!);
    }
    return seen;
  };

  it('serves one session from both workers and counts the requests of both in /metrics', async () => {
    const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'leitung', password: 'demo-password-1' }) });
    expect(r.status).toBe(200);
    cookie = /fis_session=[^;]+/.exec(r.headers.getSetCookie().join('\n'))![0];
    expect((await instances(12)).size).toBe(2);
    const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
    const count = Number(/^fis_http_request_duration_seconds_count\{route="\/api\/query",method="GET",status="200"\} (\d+)$/m.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(12);
    expect(children(primary!.pid!)).toHaveLength(2);
  });

  it('replaces a worker that dies; the session lives on', async () => {
    const [victim] = children(primary!.pid!);
    process.kill(victim!, 'SIGKILL');
    for (let i = 0; i < 100 && (children(primary!.pid!).includes(victim!) || children(primary!.pid!).length < 2); i++) await new Promise((r) => setTimeout(r, 200));
    // the new worker answers once it has started
    let seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      seen = await instances(6).catch(() => new Set<string>());
      if (seen.size < 2) await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen.size).toBe(2);
    expect(logs).toMatch(/ended with SIGKILL; starting another/);
  });

  it('stops every worker on SIGTERM', async () => {
    const workers = children(primary!.pid!);
    const exit = new Promise<number | null>((resolve) => primary!.once('exit', (code) => resolve(code)));
    primary!.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(workers.filter(alive)).toEqual([]);
  });
});
