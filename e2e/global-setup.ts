/**
 * Prepares the world of the browser tests: tiny fixtures with the demo users, a warehouse
 * snapshot, a production build of the app, and `next start` on a free loopback port.
 * Locally without Chromium the tests skip with a note; under CI=true that is an error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../test/pg-server';

export const CHROMIUM = process.env.FIS_CHROMIUM ?? '/usr/bin/chromium';
let server: ChildProcess | undefined;
let dir: string | undefined;

const root = new URL('..', import.meta.url).pathname;
const fis = (args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/fis.mjs'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fis ${args.join(' ')} failed: ${r.stderr}`);
};

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
    project.provide('e2e', { skip: `Chromium not found at ${CHROMIUM}; install it with apt-get install chromium`, baseURL: '', dataDir: '' });
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'fis-e2e-'));
  const env = { ...process.env, FIS_DATA_DIR: dir, FIS_DEMO_PASSWORD: 'demo-password-1', FIS_LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1', FIS_ALLOW_DEMO: 'true' };
  fis(['fixtures', 'generate', '--profile', 'tiny', '--seed', '7', '--until', '2026-06-30'], env);
  fis(['etl', 'run'], env);
  const next = join(root, 'node_modules/next/dist/bin/next');
  if (process.env.FIS_E2E_SKIP_BUILD !== '1' || !existsSync(join(root, '.next/BUILD_ID'))) {
    const b = spawnSync(process.execPath, [next, 'build'], { cwd: root, env, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`next build failed:\n${b.stdout.slice(-3000)}\n${b.stderr.slice(-3000)}`);
  }
  const port = await freePort();
  // the app's own server (platform/web-server.ts), as npm start and npm run demo run it
  server = spawn(process.execPath, [join(root, 'bin/fis.mjs'), 'serve', '--port', String(port), '--host', '127.0.0.1'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (d) => (stderr += String(d)));
  const baseURL = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseURL}/api/health`)).ok) break;
    } catch {
      // not yet listening
    }
    if (i > 200) throw new Error(`the app did not start: ${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  project.provide('e2e', { skip: '', baseURL, dataDir: dir });
}

export async function teardown(): Promise<void> {
  server?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: { skip: string; baseURL: string; dataDir: string };
  }
}
