import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../platform/config';
import { tempDir } from '../test/helpers';
import { schedulerStateFile } from './history';
import { startScheduler } from './scheduler';

const never = '0 0 1 1 *';
/** A stand-in for `fis etl run`: appends to a log, sleeps, exits with the next code of a list. */
function fakeRun(dir: string, codes: number[], sleepMs = 50) {
  writeFileSync(join(dir, 'codes.json'), JSON.stringify(codes));
  const script = `
    const fs = require('fs'); const p = ${JSON.stringify(dir)};
    const codes = JSON.parse(fs.readFileSync(p + '/codes.json', 'utf8'));
    const code = codes.length ? codes.shift() : 0;
    fs.writeFileSync(p + '/codes.json', JSON.stringify(codes));
    fs.appendFileSync(p + '/log', 'start ' + process.argv.slice(1).join(' ') + '\\n');
    setTimeout(() => { fs.appendFileSync(p + '/log', 'end ' + code + '\\n'); process.exit(code); }, ${sleepMs});`;
  return (full: boolean) => ({ cmd: process.execPath, args: ['-e', script, full ? 'full' : 'incremental'] });
}
const lines = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n') : []);

describe('scheduler', () => {
  it('starts the deliveries as a child process after a published snapshot (not after a failed run), and when one is due', async () => {
    const t = tempDir();
    let due: Date | null = null;
    const deliver = () => ({ cmd: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(join(t.dir, 'log'))}, 'deliver\\n')`] });
    const s = startScheduler({ dataDir: t.dir, incremental: never, full: never, timezone: 'Europe/Berlin', retries: 0, command: fakeRun(t.dir, [1, 0]), deliveries: { command: deliver, nextDue: () => due, pollMs: 20 } });
    await s.trigger(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(lines(t.dir)).toEqual(['start incremental', 'end 1']);
    await s.trigger(false);
    await expect.poll(() => lines(t.dir).slice(2), { timeout: 5000 }).toEqual(['start incremental', 'end 0', 'deliver']);
    // a schedule's time or a retry has come: the poll starts them
    due = new Date(Date.now() - 1000);
    await expect.poll(() => lines(t.dir).filter((l) => l === 'deliver').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    due = null;
    await s.stop();
    t.cleanup();
  });

  it('never overlaps runs: a tick during a run is skipped', async () => {
    const t = tempDir();
    const s = startScheduler({ dataDir: t.dir, incremental: never, full: never, timezone: 'Europe/Berlin', retries: 0, command: fakeRun(t.dir, [0, 0], 300) });
    const a = s.trigger(false);
    const b = s.trigger(true);
    expect(s.state().running?.mode).toBe('incremental');
    await Promise.all([a, b]);
    await s.stop();
    expect(lines(t.dir)).toEqual(['start incremental', 'end 0']);
    t.cleanup();
  });

  it('retries a failed run with backoff, and records the outcome and the next runs', async () => {
    const t = tempDir();
    const s = startScheduler({ dataDir: t.dir, incremental: '*/15 * * * *', full: '30 2 * * *', timezone: 'Europe/Berlin', retries: 3, backoffMs: 20, command: fakeRun(t.dir, [1, 1, 0]) });
    const state = JSON.parse(readFileSync(schedulerStateFile(t.dir), 'utf8'));
    expect(new Date(state.next.incremental).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(state.next.full).getTime()).toBeGreaterThan(Date.now());
    await s.trigger(false);
    expect(lines(t.dir).filter((l) => l.startsWith('end'))).toEqual(['end 1', 'end 1', 'end 0']);
    expect(s.state().last).toMatchObject({ status: 'succeeded', attempts: 3, mode: 'incremental' });
    await s.stop();
    expect(existsSync(schedulerStateFile(t.dir))).toBe(false);
    t.cleanup();
  });

  it('does not retry a run blocked by a data test, and gives up after the retries', async () => {
    const t = tempDir();
    const s = startScheduler({ dataDir: t.dir, incremental: never, full: never, timezone: 'Europe/Berlin', retries: 2, backoffMs: 10, command: fakeRun(t.dir, [3, 1, 1, 1]) });
    await s.trigger(false);
    expect(s.state().last).toMatchObject({ status: 'blocked', attempts: 1 });
    await s.trigger(true);
    expect(s.state().last).toMatchObject({ status: 'failed', attempts: 3, mode: 'full' });
    await s.stop();
    t.cleanup();
  });

  it('lets a running run finish when stopped', async () => {
    const t = tempDir();
    const s = startScheduler({ dataDir: t.dir, incremental: never, full: never, timezone: 'Europe/Berlin', retries: 0, command: fakeRun(t.dir, [0], 400) });
    void s.trigger(false);
    await new Promise((r) => setTimeout(r, 100));
    await s.stop();
    expect(lines(t.dir)).toEqual(['start incremental', 'end 0']);
    t.cleanup();
  });

  it('refuses an invalid cron expression in one sentence', () => {
    expect(() => startScheduler({ dataDir: '/tmp', incremental: 'every minute', full: never, timezone: 'Europe/Berlin', retries: 0 })).toThrow(
      'The incremental schedule "every minute" is not a valid cron expression.',
    );
  });

  it('the fis scheduler process shuts down gracefully on SIGTERM', async () => {
    const t = tempDir();
    const child = spawn(process.execPath, [join(projectRoot, 'bin/fis.mjs'), 'scheduler'], {
      env: { ...process.env, FIS_DATA_DIR: t.dir, FIS_SCHEDULE_INCREMENTAL: never, FIS_SCHEDULE_FULL: never, FIS_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    const file = schedulerStateFile(t.dir);
    // start-up compiles the TypeScript: on a loaded machine that takes a while
    for (let i = 0; i < 1200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(file)).toBe(true);
    child.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(false);
    t.cleanup();
  });
});
