/**
 * When deliveries are next due, for the scheduler: a small file in the data directory holding the
 * next time a schedule fires or a pending delivery is retried. The scheduler reads it (it must not
 * load the dashboards to ask); whoever changes subscriptions or delivers writes it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import type { AppDb } from '../../roles/app-db';
import { nextDueAt } from './store';

/** The schedule of a subscription delivered after every publication (at most once a day). */
export const AFTER_PUBLISH = 'after-publish';

export const dueFile = (dataDir: string) => join(dataDir, 'subscriptions', 'next-due.json');

/** The next time `fis subscriptions deliver --due` has work, or null. */
export function readNextDue(dataDir: string): Date | null {
  try {
    const at = (JSON.parse(readFileSync(dueFile(dataDir), 'utf8')) as { next: string | null }).next;
    return at ? new Date(at) : null;
  } catch {
    return null;
  }
}

export async function writeNextDue(db: AppDb, dataDir: string): Promise<void> {
  const file = dueFile(dataDir);
  mkdirSync(join(dataDir, 'subscriptions'), { recursive: true });
  writeFileSync(`${file}.part`, JSON.stringify({ next: await nextDueAt(db) }) + '\n');
  renameSync(`${file}.part`, file);
}

/** The next time of a cron schedule after now, in the time zone (null for after-publish). */
export async function nextRun(schedule: string, timezone: string): Promise<string | null> {
  if (schedule === AFTER_PUBLISH) return null;
  const task = cron.createTask(schedule, () => undefined, { timezone });
  try {
    return task.getNextRuns(1)[0]?.toISOString() ?? null;
  } finally {
    await task.destroy();
  }
}

/** The day of an instant in the time zone, as YYYY-MM-DD ("at most once a day" counts in FIS_TIMEZONE). */
export const localDay = (at: Date, timezone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
