import { describe, expect, it, vi } from 'vitest';
import { keptPromise, processWide } from './process-wide';

describe('processWide', () => {
  it('makes a name once, however many module copies ask', async () => {
    let made = 0;
    const a = processWide('test:once', () => ({ n: ++made }));
    // a second copy of this module (as Next.js loads one per route bundle) gets the same object
    vi.resetModules();
    const copy = await import('./process-wide');
    expect(copy.processWide).not.toBe(processWide);
    const b = copy.processWide('test:once', () => ({ n: ++made }));
    expect(b).toBe(a);
    expect(made).toBe(1);
  });
});

describe('keptPromise', () => {
  it('computes once for concurrent callers and keeps the result', async () => {
    const map = new Map<string, Promise<number>>();
    let runs = 0;
    const make = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    const all = await Promise.all(Array.from({ length: 20 }, () => keptPromise(map, 'k', make)));
    expect(all).toEqual(Array(20).fill(42));
    expect(await keptPromise(map, 'k', make)).toBe(42);
    expect(runs).toBe(1);
  });

  it('forgets a failure, so the next caller tries again', async () => {
    const map = new Map<string, Promise<number>>();
    await expect(keptPromise(map, 'k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await new Promise((r) => setTimeout(r, 0));
    expect(await keptPromise(map, 'k', async () => 7)).toBe(7);
  });

  it('keeps at most max entries, the oldest out first', async () => {
    const map = new Map<string, Promise<number>>();
    for (let i = 0; i < 5; i++) await keptPromise(map, `k${i}`, async () => i, 3);
    expect([...map.keys()]).toEqual(['k2', 'k3', 'k4']);
  });
});
