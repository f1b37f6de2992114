/** Shared helpers for tests: temporary data directories, databases on the test server, fixtures. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { generateFixtures } from '../fixtures/generate';
import { PROFILES } from '../fixtures/profiles';
import { projectRoot } from '../platform/config';
import { dayOf } from '../platform/dates';
import { isUserError } from '../platform/errors';
import type { PgTarget } from '../platform/pg/open';
import type { SourceSystem } from '../platform/sources';

export const UNTIL = '2026-06-30';
export const codelistDir = join(projectRoot, 'reference/codelists');

export function tempDir(prefix = 'fis-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The test server's admin URL, or why there is none (tests then skip locally, fail in CI). */
export function testPg(): { url?: string; skipReason?: string } {
  const url = inject('pgUrl');
  if (url) return { url };
  return { skipReason: `no PostgreSQL server (${inject('pgMissingReason')}); install postgresql-15 or set FIS_TEST_PG_URL` };
}

let counter = 0;
/** A fresh, empty database on the test server; returns its URL and a drop function. */
export async function createTestDatabase(adminUrl: string, prefix = 'fis'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function pgliteTargets(dataDir: string): Record<SourceSystem, PgTarget> {
  return {
    asylum: { kind: 'pglite', dir: join(dataDir, 'sources', 'asylum') },
    integration: { kind: 'pglite', dir: join(dataDir, 'sources', 'integration') },
  };
}

/** Generates the tiny profile into `targets` with a fixed --until (deterministic). */
export async function generateTiny(targets: Record<SourceSystem, PgTarget>, seed = 42, until = UNTIL) {
  return generateFixtures({ profile: PROFILES.tiny, seed, untilDay: dayOf(until), targets, codelistDir });
}

/**
 * Runs `fis` without blocking this process — a test that hosts the embedded app-state database
 * (openAppDb with serve) must keep answering the command's connection meanwhile.
 */
export function fisAsync(args: string[], dataDir: string, env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(projectRoot, 'bin/fis.mjs'), ...args], { env: { ...process.env, FIS_DATA_DIR: dataDir, FIS_LOG_LEVEL: 'warn', ...env }, encoding: 'utf8' }, (e, stdout, stderr) =>
      done({ status: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Expects `p` to be refused with a user error of one sentence; returns its status and message. */
export async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(isUserError(e), String(e)).toBe(true);
    const u = e as Error & { httpStatus: number };
    expect(u.message.split('\n')).toHaveLength(1);
    return { status: u.httpStatus, message: u.message };
  }
  throw new Error('expected a refusal');
}
