/**
 * Where an event shows: for its roles, where the viewer's rights cover its scope, on the time
 * charts whose periods include its day and whose filters cover its state or office.
 */
import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../specs';
import { eventCovered, eventInputSchema, eventVisible, eventsOnChart, periodOf, type EventScope, type FisEvent } from './events';

const ev = (over: Partial<FisEvent> = {}): FisEvent => ({ id: '1', date: '2024-03-01', title: 'Rechtsänderung', text: '', scope: { states: [], offices: [] }, roles: ['leadership'], createdBy: 'leitung', createdAt: '2024-03-01T00:00:00Z', ...over });
const everywhere: EventScope = { offices: new Map([['MUC', '09'], ['NUE', '09'], ['STR', '08'], ['BER', '11']]), states: new Set(['08', '09', '11']) };
const muc: EventScope = { offices: new Map([['MUC', '09']]), states: new Set(['09']) };

describe('events: who sees them, where they are drawn', () => {
  it('shows an event to its roles only', () => {
    expect(eventVisible(ev(), ['leadership'], everywhere)).toBe(true);
    expect(eventVisible(ev(), ['analyst'], everywhere)).toBe(false);
    expect(eventVisible(ev({ roles: ['analyst', 'leadership'] }), ['analyst'], everywhere)).toBe(true);
  });

  it('shows a scoped event only where the viewer\'s rights cover it', () => {
    const ber = ev({ scope: { states: [], offices: ['BER'] }, roles: ['branch-office-head'] });
    expect(eventVisible(ber, ['branch-office-head'], muc)).toBe(false);
    expect(eventVisible(ber, ['branch-office-head'], everywhere)).toBe(true);
    expect(eventVisible(ev({ scope: { states: ['09'], offices: [] }, roles: ['x'] }), ['x'], muc)).toBe(true);
  });

  it('draws a scoped event on charts whose filters cover it', () => {
    const bavaria = ev({ scope: { states: ['09'], offices: [] } });
    const munich = ev({ scope: { states: [], offices: ['MUC'] } });
    expect(eventCovered(bavaria, {}, everywhere)).toBe(true);
    expect(eventCovered(bavaria, { state: ['09'] }, everywhere)).toBe(true);
    expect(eventCovered(bavaria, { state: ['08'] }, everywhere)).toBe(false);
    expect(eventCovered(bavaria, { office: ['MUC'] }, everywhere)).toBe(true);
    expect(eventCovered(bavaria, { office: ['STR'] }, everywhere)).toBe(false);
    expect(eventCovered(munich, { state: ['09'] }, everywhere)).toBe(true);
    expect(eventCovered(munich, { state: ['08'] }, everywhere)).toBe(false);
    expect(eventCovered(munich, { office: ['NUE'] }, everywhere)).toBe(false);
    expect(eventCovered(ev(), { office: ['NUE'] }, everywhere)).toBe(true);
  });

  it('puts an event at the period of its day, on time axes only', () => {
    expect(periodOf('2024-03-05', 'month')).toBe('2024-03');
    expect(periodOf('2024-05-05', 'quarter')).toBe('2024-Q2');
    expect(periodOf('2024-05-05', 'year')).toBe('2024');
    const chart: Pick<ChartSpec, 'time' | 'categories'> = { time: 'month', categories: ['2024-01', '2024-02', '2024-03'].map((code) => ({ code, label: code })) };
    expect(eventsOnChart(chart, [ev(), ev({ id: '2', date: '2023-12-31' })], {}, everywhere)).toEqual([{ id: '1', index: 2, date: '2024-03-01', title: 'Rechtsänderung', text: '' }]);
    expect(eventsOnChart({ ...chart, time: undefined }, [ev()], {}, everywhere)).toEqual([]);
    expect(eventsOnChart({ time: 'year', categories: [{ code: '2024', label: '2024' }] }, [ev()], {}, everywhere)).toHaveLength(1);
  });

  it('refuses malformed events', () => {
    const ok = { date: '2024-03-01', title: 'Rechtsänderung', roles: ['leadership'] };
    expect(eventInputSchema.safeParse(ok).success).toBe(true);
    for (const bad of [{ ...ok, date: '2024-13-01' }, { ...ok, title: '' }, { ...ok, roles: [] }, { ...ok, scope: { states: ['99'] } }, { ...ok, scope: { offices: ['muc'] } }, { ...ok, extra: 1 }]) expect(eventInputSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
