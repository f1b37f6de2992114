import { describe, expect, it } from 'vitest';
import { AnswerCache } from './answer-cache';
import type { QueryResult } from './types';

const answer = (n: number, snapshot = 's1'): QueryResult => ({ columns: ['x'], rows: Array.from({ length: n }, (_, i) => [i]), suppressed: 0, dataAsOf: null, snapshot });

describe('the answer cache', () => {
  it('runs an identical question in flight once for 20 callers (single flight)', async () => {
    const cache = new AnswerCache(2 ** 20);
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return answer(3);
    };
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.get('s1', 'q', compute)));
    expect(runs).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(cache.stats()).toMatchObject({ misses: 1, joined: 19, hits: 0, entries: 1 });
    await cache.get('s1', 'q', compute);
    expect(runs).toBe(1);
    expect(cache.stats().hits).toBe(1);
  });

  it('stays under its byte bound, dropping the least recently used first', async () => {
    const bound = 200_000;
    const cache = new AnswerCache(bound);
    for (let i = 0; i < 200; i++) {
      await cache.get('s1', `q${i}`, async () => answer(100 + (i % 50)));
      expect(cache.stats().bytes).toBeLessThanOrEqual(bound);
      // q0 is asked all the time: it stays
      await cache.get('s1', 'q0', async () => answer(100));
    }
    const s = cache.stats();
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.entries).toBeLessThan(200);
    let recomputed = false;
    await cache.get('s1', 'q0', async () => ((recomputed = true), answer(100)));
    expect(recomputed).toBe(false);
    // an answer of more than an eighth of the bound is answered, not kept
    await cache.get('s1', 'huge', async () => answer(5_000));
    expect(cache.stats().bytes).toBeLessThanOrEqual(bound);
  });

  it('keeps answers apart by snapshot and forgets a snapshot that no longer serves', async () => {
    const cache = new AnswerCache(2 ** 20);
    const a = await cache.get('s1', 'q', async () => answer(1, 's1'));
    const b = await cache.get('s2', 'q', async () => answer(2, 's2'));
    expect(a.snapshot).toBe('s1');
    expect(b.snapshot).toBe('s2');
    cache.dropSnapshot('s1');
    expect(cache.snapshots()).toEqual(['s2']);
    let again = false;
    await cache.get('s1', 'q', async () => ((again = true), answer(1, 's1')));
    expect(again).toBe(true);
  });

  it('does not keep a failed computation, and hands out frozen answers', async () => {
    const cache = new AnswerCache(2 ** 20);
    await expect(cache.get('s1', 'q', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const r = await cache.get('s1', 'q', async () => answer(2));
    expect(r.rows).toHaveLength(2);
    expect(() => (r.rows as unknown[]).push([9])).toThrow();
    expect(cache.stats().entries).toBe(1);
    const off = new AnswerCache(0);
    let runs = 0;
    await off.get('s1', 'q', async () => (runs++, answer(1)));
    await off.get('s1', 'q', async () => (runs++, answer(1)));
    expect(runs).toBe(2);
  });
});
