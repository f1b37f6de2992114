/**
 * The queue in front of DuckDB in a reading process: at most as many statements at once as there
 * are cores (FIS_QUERY_CONCURRENCY), so fifty concurrent requests do not thrash two cores; the
 * waiting ones go in by priority — interactive views before exports before the warm-up after a
 * publication — and in order of arrival within one priority. The priority of a statement is the
 * one its request runs under (`withPriority`), interactive by default.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import { processWide } from '../platform/process-wide';

export type Priority = 'interactive' | 'export' | 'background';
const ORDER: readonly Priority[] = ['interactive', 'export', 'background'];

const context = processWide('statement-queue:priority', () => new AsyncLocalStorage<Priority>());

/** Runs `fn` (and every statement it asks for) at `priority`. */
export const withPriority = <T>(priority: Priority, fn: () => Promise<T>): Promise<T> => context.run(priority, fn);

export const currentPriority = (): Priority => context.getStore() ?? 'interactive';

export interface QueueStats {
  slots: number;
  running: number;
  waiting: Record<Priority, number>;
  /** statements that had to wait, since the start */
  waited: number;
}

export class StatementQueue {
  private running = 0;
  private waited = 0;
  private readonly waiting: Record<Priority, Array<() => void>> = { interactive: [], export: [], background: [] };

  constructor(private slots: number) {}

  setSlots(n: number): void {
    this.slots = Math.max(1, n);
    this.next();
  }

  /** Waits for a slot; the returned function gives it back (call it exactly once). */
  async acquire(priority: Priority = currentPriority()): Promise<() => void> {
    if (this.running >= this.slots) {
      this.waited++;
      await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.next();
    };
  }

  private next(): void {
    while (this.running < this.slots) {
      const p = ORDER.find((x) => this.waiting[x].length > 0);
      if (!p) return;
      this.running++;
      this.waiting[p].shift()!();
    }
  }

  stats(): QueueStats {
    return { slots: this.slots, running: this.running, waiting: { interactive: this.waiting.interactive.length, export: this.waiting.export.length, background: this.waiting.background.length }, waited: this.waited };
  }
}

/** The queue of this process (for read-only snapshots); one per process even if Next.js loads this module per route bundle. */
export const statementQueue: StatementQueue = processWide('statement-queue', () => new StatementQueue(availableParallelism()));
