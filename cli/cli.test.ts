/**
 * The `fis` command at the edge: help on every command, and bad input answered with one sentence
 * and a non-zero exit, leaving nothing half-written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../platform/config';
import { generateTiny, pgliteTargets, tempDir } from '../test/helpers';

export function fis(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin/fis.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, FIS_LOG_LEVEL: 'warn', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

const oneSentence = (s: string) => {
  const lines = s.split('\n').filter(Boolean);
  expect(lines, s).toHaveLength(1);
  expect(lines[0]).toMatch(/^fis: /);
  expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
};

describe('fis command line', () => {
  const tmp = tempDir();
  beforeAll(async () => {
    await generateTiny(pgliteTargets(tmp.dir), 5);
  });
  afterAll(() => tmp.cleanup());

  it('prints help for every command', () => {
    for (const args of [
      ['--help'], ['fixtures', '--help'], ['fixtures', 'generate', '--help'], ['fixtures', 'simulate', '--help'], ['fixtures', 'stats', '--help'],
      ['etl', '--help'], ['etl', 'run', '--help'], ['etl', 'status', '--help'], ['etl', 'export-lake', '--help'], ['scheduler', '--help'], ['query', '--help'], ['report', '--help'], ['demo', '--help'], ['events', '--help'], ['events', 'add', '--help'],
    ]) {
      const r = fis(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: fis/);
    }
  });

  it.each([
    [['fixtures', 'generate', '--profile', 'huge'], /Unknown profile "huge"; choose one of tiny, demo, national, stress\./],
    [['fixtures', 'generate', '--profile', 'tiny', '--until', '2024-02-30'], /--until must be a date as YYYY-MM-DD/],
    [['fixtures', 'generate', '--profile', 'tiny', '--until', '2999-01-01'], /must not lie in the future/],
    [['fixtures', 'generate', '--profile', 'tiny', '--seed', 'abc'], /--seed must be a whole number/],
    [['fixtures', 'simulate', '--days', '0'], /--days must be a whole number between 1 and 3650/],
    [['fixtures', 'frobnicate'], /unknown command 'frobnicate'/],
    [['fixtures', 'generate', '--colour'], /unknown option '--colour'/],
  ])('refuses %j in one sentence', (args, message) => {
    const r = fis(args, { FIS_DATA_DIR: tmp.dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\.ts:\d+/);
  });

  it('reports an unreachable source URL in one sentence and keeps the embedded one intact', () => {
    const before = readdirSync(join(tmp.dir, 'sources')).sort();
    const r = fis(['fixtures', 'generate', '--profile', 'tiny', '--until', '2026-06-30'], {
      FIS_DATA_DIR: tmp.dir,
      FIS_SOURCE_INTEGRATION_URL: 'postgres://fis:secret@127.0.0.1:1/integration',
    });
    expect(r.code).toBe(1);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/Cannot connect to the integration source at postgres:\/\/fis:\*\*\*@127\.0\.0\.1:1\/integration: connection refused/);
    expect(r.stderr).not.toContain('secret');
    // the asylum database was not replaced, and no temporary directories are left
    expect(readdirSync(join(tmp.dir, 'sources')).sort()).toEqual(before);
    const s = fis(['fixtures', 'stats', '--json'], { FIS_DATA_DIR: tmp.dir });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).meta.seed).toBe('5');
  });

  it('reports an unwritable data directory in one sentence', () => {
    const r = fis(['fixtures', 'generate', '--profile', 'tiny'], { FIS_DATA_DIR: '/etc/hostname/fis' });
    expect(r.code).toBe(1);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/Cannot create the directory \/etc\/hostname\/fis\/sources \(ENOTDIR\)/);
    expect(existsSync('/etc/hostname/fis')).toBe(false);
  });

  it('reports missing sources in one sentence', () => {
    const empty = tempDir();
    const r = fis(['fixtures', 'stats'], { FIS_DATA_DIR: empty.dir });
    empty.cleanup();
    expect(r.code).toBe(1);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/There is no asylum source at .*; run "fis fixtures generate" first\./);
  });

  it('reports an invalid setting in one sentence', () => {
    const r = fis(['fixtures', 'stats'], { FIS_SNAPSHOTS_KEEP: 'many' });
    expect(r.code).toBe(2);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/Configuration error: FIS_SNAPSHOTS_KEEP/);
  });

  it('runs the chain on the command line: generate (with the demo users), etl run, query --as', () => {
    const d = tempDir();
    const env = { FIS_DATA_DIR: d.dir, FIS_DEMO_PASSWORD: 'demo-password-1' };
    expect(fis(['fixtures', 'generate', '--profile', 'tiny', '--seed', '3', '--until', '2026-06-30'], env).code).toBe(0);
    const run = fis(['etl', 'run'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Published snapshot \S+ \(full load, built from scratch: full run; data as of 2026-06-30/);
    const mine = fis(['query', '--metric', 'applications', '--by', 'office', '--as', 'ast-muc'], env);
    expect(mine.code, mine.stderr).toBe(0);
    expect(JSON.parse(mine.stdout).rows.map((r: unknown[]) => r[0])).toEqual(['MUC']);
    const csv = fis(['query', '--metric', 'decisions', '--by', 'year', '--as', 'leitung', '--format', 'csv'], env);
    expect(csv.stdout.split('\n')[0]).toBe('year,decisions');
    const denied = fis(['query', '--metric', 'courses_started', '--as', 'abt-asyl'], env);
    expect(denied.code).not.toBe(0);
    oneSentence(denied.stderr);
    expect(denied.stderr).toMatch(/You may not see integration-course data/);
    // repeated options accumulate (--by, --metric, --filter) or are refused (one-value options)
    const two = JSON.parse(fis(['query', '--metric', 'applications', '--metric', 'decisions', '--by', 'office', '--by', 'kind', '--as', 'leitung'], env).stdout) as { columns: string[] };
    expect(two.columns).toEqual(['office', 'kind', 'applications', 'decisions']);
    const twice = fis(['query', '--metric', 'applications', '--from', '2025-01-01', '--from', '2026-01-01'], env);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('fis: --from is given twice; give it once.');
    const unknown = fis(['query', '--metric', 'applications', '--as', 'mallory'], env);
    expect(unknown.stderr).toBe('fis: There is no user "mallory".');
    const status = fis(['etl', 'status', '--json'], env);
    expect(JSON.parse(status.stdout).runs[0].status).toBe('succeeded');
    // events on the time axes: add, list, remove — audited as the operator; bad input in one sentence
    const added = fis(['events', 'add', '--date', '2026-03-01', '--title', 'Rechtsänderung', '--states', '09', '--roles', 'leadership,division-asylum'], env);
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    const listed = JSON.parse(fis(['events', 'list', '--json'], env).stdout) as Array<{ id: string; title: string; scope: { states: string[] }; roles: string[] }>;
    expect(listed).toMatchObject([{ id, title: 'Rechtsänderung', scope: { states: ['09'] }, roles: ['leadership', 'division-asylum'] }]);
    for (const bad of [['events', 'add', '--date', '2026-13-01', '--title', 'x', '--roles', 'leadership'], ['events', 'add', '--date', '2026-03-01', '--title', 'x', '--roles', 'nobody'], ['events', 'remove', '999']]) {
      const r = fis(bad, env);
      expect(r.code, bad.join(' ')).not.toBe(0);
      oneSentence(r.stderr);
    }
    expect(fis(['events', 'remove', id], env).code).toBe(0);
    expect(JSON.parse(fis(['events', 'list', '--json'], env).stdout)).toEqual([]);
    d.cleanup();
  });

  it('prints yearly statistics straight from the sources', () => {
    const r = fis(['fixtures', 'stats', '--json'], { FIS_DATA_DIR: tmp.dir });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { asylum: Array<{ year: number; initial: number; decisions: number }>; integration: Array<{ year: number; newParticipants: number }> };
    const y2025 = s.asylum.find((x) => x.year === 2025)!;
    expect(y2025.initial).toBeGreaterThan(400);
    expect(y2025.decisions).toBeGreaterThan(400);
    expect(s.integration.find((x) => x.year === 2025)!.newParticipants).toBeGreaterThan(500);
  });
});
