/**
 * Cross-process locks as files created with O_EXCL. A lock whose holder process is gone is stale
 * and is taken over, so a killed process never blocks the next one.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { UserError } from './errors';
import { processWide } from './process-wide';

export interface LockHolder {
  pid: number;
  purpose: string;
  since: string;
}

export interface Lock {
  release(): void;
}

const held = processWide('lock:held', () => new Set<string>());
process.once('exit', () => {
  for (const path of held) tryUnlinkOwn(path);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLockHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return alive(h.pid) ? h : undefined;
  } catch {
    return undefined;
  }
}

function tryUnlinkOwn(path: string) {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    if (h.pid === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

function tryCreate(path: string, purpose: string): boolean {
  // written beside the lock, then linked into place: the lock never exists without its holder,
  // so a taker reading it at the same moment cannot mistake it for a stale one
  const tmp = `${path}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), { mode: 0o600 });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new UserError(`Cannot create the lock file ${path} (${code ?? 'error'}).`, { cause: e });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
  }
}

/**
 * Takes the lock at `path`, waiting up to `waitMs` for a live holder to finish.
 * `what` names the protected thing in the error message ("the asylum source").
 */
export async function acquireLock(
  path: string,
  opts: { purpose: string; what: string; waitMs?: number; onWait?: (holder: LockHolder) => void },
): Promise<Lock> {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`Cannot create the directory ${dirname(path)} (${code}); is the data directory writable?`, { cause: e });
  }
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (;;) {
    if (tryCreate(path, opts.purpose)) break;
    const holder = readLockHolder(path);
    if (!holder) {
      // stale: the holder died without releasing
      try {
        unlinkSync(path);
      } catch {
        /* raced with another taker */
      }
      continue;
    }
    if (holder.pid === process.pid) {
      throw new UserError(`${opts.what} is already open in this process (${holder.purpose}).`);
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        `${capitalise(opts.what)} is in use by another FIS process (pid ${holder.pid}: ${holder.purpose}); try again when it has finished.`,
        { httpStatus: 409, exitCode: 75 },
      );
    }
    if (!told) {
      opts.onWait?.(holder);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  held.add(path);
  return {
    release() {
      if (held.delete(path)) tryUnlinkOwn(path);
    },
  };
}

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
