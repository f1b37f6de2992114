/** The quick picks of the period and the periods a question covers only in part. */
import { describe, expect, it } from 'vitest';
import { last12Months, partialPeriods, thisYear } from './periods';

describe('quick picks', () => {
  it('"Letzte 12 Monate" are the twelve complete months before the Datenstand, never the span of "Dieses Jahr"', () => {
    expect(last12Months('2026-12-01T16:56:34Z')).toEqual({ from: '2025-12-01', to: '2026-11-30' });
    expect(thisYear('2026-12-01T16:56:34Z')).toEqual({ from: '2026-01-01', to: '2026-12-01' });
    expect(last12Months('2026-03-15T08:00:00Z')).toEqual({ from: '2025-03-01', to: '2026-02-28' });
    // every day of four years: the two picks always differ
    for (let d = Date.parse('2024-01-01'); d < Date.parse('2028-01-01'); d += 86_400_000) {
      const asOf = new Date(d).toISOString();
      expect(last12Months(asOf), asOf).not.toEqual(thisYear(asOf));
    }
  });
});

describe('periods covered in part', () => {
  const months = ['2026-10', '2026-11', '2026-12'];
  it('the month of the Datenstand, to its day', () => {
    expect(partialPeriods(months, 'month', { from: '2026-10-01', to: '2026-12-01' }, '2026-12-01T16:56:34Z', 'de')).toEqual([{ index: 2, note: 'unvollständig bis 01.12.' }]);
    expect(partialPeriods(months, 'month', { from: '2026-10-01', to: '2026-12-01' }, '2026-12-01T16:56:34Z', 'en')).toEqual([{ index: 2, note: 'incomplete, up to 1 Dec' }]);
  });
  it('a month is complete only when its last day is over', () => {
    expect(partialPeriods(['2026-06'], 'month', { from: '2026-01-01', to: '2026-06-30' }, '2026-06-30T17:59:00Z', 'de')).toEqual([{ index: 0, note: 'unvollständig bis 30.06.' }]);
    expect(partialPeriods(['2026-06'], 'month', { from: '2026-01-01', to: '2026-06-30' }, '2026-07-01T06:00:00Z', 'de')).toEqual([]);
  });
  it('periods cut by the filter, at either end, and none for complete months', () => {
    expect(partialPeriods(months, 'month', { from: '2026-10-15', to: '2026-11-20' }, '2026-12-01T10:00:00Z', 'de')).toEqual([
      { index: 0, note: 'unvollständig ab 15.10.' },
      { index: 1, note: 'unvollständig bis 20.11.' },
    ]);
    expect(partialPeriods(months.slice(0, 2), 'month', { from: '2026-10-01', to: '2026-11-30' }, '2026-12-01T10:00:00Z', 'de')).toEqual([]);
  });
  it('years and quarters too', () => {
    expect(partialPeriods(['2025', '2026'], 'year', { from: '2025-12-01', to: '2026-11-30' }, '2026-12-01T10:00:00Z', 'de')).toEqual([
      { index: 0, note: 'unvollständig ab 01.12.' },
      { index: 1, note: 'unvollständig bis 30.11.' },
    ]);
    expect(partialPeriods(['2026-Q3', '2026-Q4'], 'quarter', { from: '2026-07-01', to: '2026-12-01' }, '2026-12-01T10:00:00Z', 'de')).toEqual([{ index: 1, note: 'unvollständig bis 01.12.' }]);
  });
});

describe('relative periods (saved views, pinned panels)', () => {
  it('move with the Datenstand of a new snapshot; dates stay where they are', async () => {
    const { parseFilters } = await import('./filters');
    const { relativePeriodOf } = await import('./periods');
    const def = { filters: [] };
    const a = parseFilters({ period: 'last-12-months' }, def, '2026-06-30T18:00:00Z');
    const b = parseFilters({ period: 'last-12-months' }, def, '2026-09-02T06:00:00Z');
    expect(a).toMatchObject({ from: '2025-06-01', to: '2026-05-31' });
    expect(b).toMatchObject({ from: '2025-09-01', to: '2026-08-31' });
    expect(parseFilters({ period: 'this-year' }, def, '2026-09-02T06:00:00Z')).toMatchObject({ from: '2026-01-01', to: '2026-09-02' });
    // the quick pick a user clicked is recognised, so a saved view keeps its name
    expect(relativePeriodOf({ from: a.from, to: a.to }, '2026-06-30T18:00:00Z')).toBe('last-12-months');
    expect(relativePeriodOf({ from: '2025-01-01', to: '2025-12-31' }, '2026-06-30T18:00:00Z')).toBeUndefined();
    expect(parseFilters({ from: '2025-01-01', to: '2025-12-31' }, def, '2026-09-02T06:00:00Z')).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
  });
});
