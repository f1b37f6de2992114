import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers';
import { acquireLock, readLockHolder } from './lock';

describe('file locks', () => {
  it('holds a lock with its holder written, refuses a second taker, and leaves no temporary files', async () => {
    const t = tempDir();
    const path = join(t.dir, 'x.lock');
    const lock = await acquireLock(path, { purpose: 'test', what: 'the thing' });
    expect(readLockHolder(path)).toMatchObject({ pid: process.pid, purpose: 'test' });
    await expect(acquireLock(path, { purpose: 'again', what: 'the thing' })).rejects.toThrow('the thing is already open in this process (test).');
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(t.dir)).toEqual([]);
    t.cleanup();
  });

  it('takes over the lock of a process that died, and waits for a live one', async () => {
    const t = tempDir();
    const path = join(t.dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path, JSON.stringify({ pid: Number(dead.stdout), purpose: 'killed', since: new Date().toISOString() }));
    const lock = await acquireLock(path, { purpose: 'test', what: 'the thing' });
    expect(readLockHolder(path)!.purpose).toBe('test');
    lock.release();

    // a live holder (the parent of this process, as far as this test is concerned)
    writeFileSync(path, JSON.stringify({ pid: process.ppid, purpose: 'busy', since: new Date().toISOString() }));
    await expect(acquireLock(path, { purpose: 'test', what: 'the thing', waitMs: 300 })).rejects.toThrow(
      `The thing is in use by another FIS process (pid ${process.ppid}: busy); try again when it has finished.`,
    );
    t.cleanup();
  });
});
