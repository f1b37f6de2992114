import { describe, expect, it } from 'vitest';
import { StatementQueue, withPriority } from './statement-queue';

describe('the statement queue', () => {
  it('runs at most `slots` at once and lets interactive statements in before exports and the warm-up', async () => {
    const q = new StatementQueue(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string, priority: 'interactive' | 'export' | 'background') =>
      withPriority(priority, async () => {
        const release = await q.acquire();
        running++;
        most = Math.max(most, running);
        order.push(name);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        release();
      });
    const all = [job('a', 'export'), job('b', 'export'), job('warm', 'background'), job('x', 'export'), job('view', 'interactive')];
    expect(q.stats().waiting).toEqual({ interactive: 1, export: 1, background: 1 });
    await Promise.all(all);
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'view', 'x', 'warm']);
    expect(q.stats()).toMatchObject({ running: 0, waited: 3 });
  });
});
