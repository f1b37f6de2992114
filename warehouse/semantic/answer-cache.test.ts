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

  it('holds finished views under the same byte bound and order, apart from answers, dropped with their snapshot', async () => {
    const bound = 100_000;
    const cache = new AnswerCache(bound);
    await cache.get('s1', 'q', async () => answer(10));
    expect(cache.view('s1', 'q')).toBeUndefined();
    cache.keepView('s1', 'v', 'x'.repeat(1000));
    expect(cache.view('s1', 'v')).toBe('x'.repeat(1000));
    expect(cache.view('s2', 'v')).toBeUndefined();
    expect(cache.stats().views).toMatchObject({ entries: 1, hits: 1, misses: 2 });
    for (let i = 0; i < 100; i++) {
      cache.keepView('s1', `v${i}`, 'y'.repeat(2000));
      expect(cache.stats().bytes).toBeLessThanOrEqual(bound);
    }
    expect(cache.stats().evictions).toBeGreaterThan(0);
    expect(cache.stats().views.entries).toBeLessThan(100);
    // a text of more than an eighth of the bound is not kept
    cache.keepView('s1', 'big', 'z'.repeat(bound / 8));
    expect(cache.view('s1', 'big')).toBeUndefined();
    cache.dropSnapshot('s1');
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, views: { entries: 0 } });
    const off = new AnswerCache(0);
    off.keepView('s1', 'v', 'x');
    expect(off.view('s1', 'v')).toBeUndefined();
  });
});
