/**
 * Rights, through the one query path every surface uses: the matrix of demo users × metrics ×
 * dimensions, hundreds of random questions per restricted user checked exactly against the
 * unrestricted answer cut to their scope, disclosure control, and thousands of malformed requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../etl/run';
import { isUserError } from '../platform/errors';
import { etlOpts } from '../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { openDuck } from '../warehouse/duckdb';
import { SnapshotReader, readCurrent } from '../warehouse/snapshots';
import { METRICS, type MetricDef } from '../warehouse/semantic/metrics';
import { parseQuery } from '../warehouse/semantic/parse';
import { runQuery } from '../warehouse/semantic/query';
import type { MetricQuery, QueryResult } from '../warehouse/semantic/types';
import { principalByName, type Principal } from './access';
import { openAppDb, type AppDbHandle } from './app-db';
import { DEMO_USERS } from './demo';
import { installDemo } from './store';
import { Rng } from '../fixtures/random';

const t = tempDir();
let app: AppDbHandle;
let reader: SnapshotReader;
const P: Record<string, Principal> = {};
let officesByState: Record<string, string>;
let values: Record<string, string[]>;

const ask = (user: string, q: Partial<MetricQuery> & { metrics: string[] }) => runQuery(reader, { by: [], filters: {}, ...q }, P[user]!.access);
const col = (r: QueryResult, name: string) => r.rows.map((row) => row[r.columns.indexOf(name)]);

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 41);
  await runEtl(etlOpts(t.dir, targets, true));
  app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  for (const u of DEMO_USERS) P[u.username] = await principalByName(app.db, u.username, 5);
  reader = new SnapshotReader(t.dir);
  const duck = await openDuck(readCurrent(t.dir)!.file, { readOnly: true });
  officesByState = Object.fromEntries((await duck.all<{ o: string; s: string }>(`SELECT office_code AS o, state_code AS s FROM dim_office`)).map((r) => [r.o, r.s]));
  values = {
    office: Object.keys(officesByState),
    state: (await duck.all<{ c: string }>(`SELECT state_code AS c FROM dim_state`)).map((r) => r.c),
    nationality: (await duck.all<{ c: string }>(`SELECT DISTINCT nationality_code AS c FROM fact_application LIMIT 30`)).map((r) => r.c),
    kind: ['initial', 'follow_up'],
    sex: ['f', 'm', 'd', 'u'],
    age_group: ['0-17', '18-25', '26-39', '40+', 'unknown'],
    outcome: ['refugee_s3', 'rejected', 'formal_dublin', 'subsidiary_s4'],
    outcome_group: ['positive', 'rejected', 'formal'],
    procedure_span: ['single_year', 'multi_year'],
  };
  duck.close();
});
afterAll(async () => {
  reader?.close();
  await app?.close();
  t.cleanup();
});

const inScope = (user: string, office: string | undefined, state: string | undefined) => {
  if (user === 'ast-muc') return (office === undefined || office === 'MUC') && (state === undefined || state === '09');
  if (user === 'region-sued') return (office === undefined || ['08', '09'].includes(officesByState[office]!)) && (state === undefined || ['08', '09'].includes(state));
  return true;
};

describe('rights matrix: every demo user × metric × dimension', () => {
  it('answers in scope, refuses out of domain, gives admin no case data', async () => {
    let answered = 0;
    let refused = 0;
    for (const u of DEMO_USERS) {
      for (const m of METRICS) {
        for (const d of [...Object.keys(m.dimensions), 'year']) {
          if (m.measure.kind === 'pending' && d === 'pending_age') continue;
          const allowed = P[u.username]!.access.domains[m.domain] !== undefined && u.username !== 'admin';
          try {
            const r = await ask(u.username, { metrics: [m.name], by: [d] });
            expect(allowed, `${u.username} got ${m.name}`).toBe(true);
            answered++;
            if (d === 'office') for (const o of col(r, 'office')) expect(inScope(u.username, o as string, undefined), `${u.username} saw office ${o} (${m.name})`).toBe(true);
            if (d === 'state' && m.domain === 'asylum') for (const s of col(r, 'state')) expect(inScope(u.username, undefined, s as string), `${u.username} saw state ${s}`).toBe(true);
            // a user without the unsuppressed right never gets an unperturbed small count (the cell-key method publishes no 1 or 2)
            if (!P[u.username]!.access.unsuppressed[m.domain] && m.suppress && m.format === 'count') {
              expect(r.disclosure?.method, `${u.username} ${m.name}`).toBe('cell-key');
              for (const v of col(r, m.name)) expect(v === 1 || v === 2, `${u.username} got ${v} for ${m.name} by ${d}`).toBe(false);
            }
          } catch (e) {
            expect(isUserError(e), String(e)).toBe(true);
            expect((e as { httpStatus: number }).httpStatus).toBe(403);
            expect(allowed, `${u.username} refused ${m.name} by ${d}: ${(e as Error).message}`).toBe(false);
            refused++;
          }
        }
      }
    }
    expect(answered).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(300);
  });

  it('scopes ast-muc to MUC and region-sued to the offices of states 08 and 09, exactly', async () => {
    const all = await ask('leitung', { metrics: ['applications', 'decisions', 'pending'], by: ['office'] });
    const total = (user: string) =>
      all.rows
        .filter((r) => inScope(user, r[0] as string, undefined))
        .reduce<number[]>((s, r) => [s[0]! + Number(r[1]), s[1]! + Number(r[2]), s[2]! + Number(r[3])], [0, 0, 0]);
    for (const user of ['ast-muc', 'region-sued']) {
      const r = await ask(user, { metrics: ['applications', 'decisions', 'pending'] });
      expect(r.rows[0]!.slice(0)).toEqual(total(user));
      expect(total(user)[0]).toBeGreaterThan(0);
    }
    const states = await ask('region-sued', { metrics: ['decisions'], by: ['state'] });
    expect(col(states, 'state').sort()).toEqual(['08', '09']);
  });
});

describe('property: random questions of restricted users stay in scope and add up exactly', () => {
  const additive = METRICS.filter((m) => m.domain === 'asylum' && (m.measure.kind === 'count' || m.measure.kind === 'pending'));
  it.each(['ast-muc', 'region-sued'])('%s: 300 random questions', async (user) => {
    const rng = new Rng(`rights-${user}`);
    for (let i = 0; i < 300; i++) {
      const m: MetricDef = rng.pick(additive);
      const dims = Object.keys(m.dimensions).filter((d) => d in values && d !== 'office');
      const by = [...new Set(Array.from({ length: rng.int(3) }, () => rng.pick(dims)))];
      if (m.measure.kind !== 'pending' && rng.chance(0.4)) by.unshift(rng.pick(['year', 'quarter', 'month']));
      const filters: Record<string, string[]> = {};
      for (let k = rng.int(3); k > 0; k--) {
        const d = rng.pick([...dims, 'office']);
        filters[d] = [...new Set(Array.from({ length: 1 + rng.int(4) }, () => rng.pick(values[d]!)))];
      }
      const year = 2024 + rng.int(3);
      const q = { metrics: [m.name], by, filters, ...(rng.chance(0.5) ? { from: `${year}-0${1 + rng.int(9)}-01`, to: `${year}-12-31` } : {}) };
      const mine = await ask(user, q);
      const ref = await ask('leitung', { ...q, by: [...by, 'office'] });
      // the restricted answer = the unrestricted one cut to the scope, cell for cell
      const expected = new Map<string, number>();
      for (const row of ref.rows) {
        const office = row[by.length] as string;
        if (!inScope(user, office, undefined)) continue;
        const key = JSON.stringify(row.slice(0, by.length));
        expected.set(key, (expected.get(key) ?? 0) + (row[by.length + 1] as number));
      }
      const actual = new Map(mine.rows.map((row) => [JSON.stringify(row.slice(0, by.length)), row[by.length] as number]));
      for (const [k, v] of expected) if (v !== 0) expect(actual.get(k), `${user} ${JSON.stringify(q)} ${k}`).toBe(v);
      for (const [k, v] of actual) expect(expected.get(k) ?? 0, `${user} ${JSON.stringify(q)} ${k}`).toBe(v);
      if (by.includes('state')) for (const s of col(mine, 'state')) expect(inScope(user, undefined, s as string)).toBe(true);
    }
  });
});

describe('disclosure control', () => {
  const fine: Array<Partial<MetricQuery> & { metrics: string[] }> = [
    { metrics: ['applications', 'hearings'], by: ['month', 'office'] },
    { metrics: ['decisions', 'decisions_positive', 'pending'], by: ['nationality', 'office'] },
    { metrics: ['courses_started', 'course_participants'], by: ['year', 'provider'] },
    { metrics: ['participants_new', 'entitlements_issued'], by: ['month', 'state', 'sex'] },
    { metrics: ['vocational_entitlements'], by: ['month', 'module', 'state'] },
  ];

  it('never gives analyst a 1 or a 2, perturbs every count by at most 2, and names the method', async () => {
    let changed = 0;
    let cells = 0;
    for (const q of fine) {
      const r = await ask('analyst', q);
      const truth = await ask('leitung', q);
      expect(r.disclosure).toMatchObject({ method: 'cell-key', parameters: { maxDeviation: 2, noSmallValuesUpTo: 2 } });
      expect(truth.disclosure).toEqual({ method: 'none' });
      const exact = new Map(truth.rows.map((row) => [JSON.stringify(row.slice(0, q.by!.length)), row.slice(q.by!.length)]));
      for (const row of r.rows) {
        const t = exact.get(JSON.stringify(row.slice(0, q.by!.length)));
        row.slice(q.by!.length).forEach((v, i) => {
          expect(typeof v, `${JSON.stringify(q)}: counts are never withheld`).toBe('number');
          expect(v === 1 || v === 2, `${JSON.stringify(q)}: ${v}`).toBe(false);
          const tv = Number(t?.[i] ?? 0);
          expect(Math.abs(Number(v) - tv), `${JSON.stringify(q)} ${JSON.stringify(row)}`).toBeLessThanOrEqual(2);
          if (tv === 0) expect(v).toBe(0);
          cells++;
          if (v !== tv) changed++;
        });
      }
      expect(r.suppressed).toBe(0);
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(cells);
  });

  it('withholds rates, means and medians whose perturbed count is small, and shows leitung the raw values', async () => {
    const q = { metrics: ['decisions', 'protection_rate', 'processing_months_median'], by: ['month', 'office'] };
    const raw = await ask('leitung', q);
    const masked = await ask('analyst', q);
    expect(raw.suppressed).toBe(0);
    expect(raw.rows.some((r) => (r[2] as number) >= 1 && (r[2] as number) <= 4)).toBe(true);
    let withheld = 0;
    for (const r of masked.rows) {
      const n = r[2] as number;
      if (n < 5) {
        expect(r.slice(3), JSON.stringify(r)).toEqual([null, null]);
        withheld += n > 0 ? 2 : 0;
      } else {
        expect(r[3]).not.toBeNull();
        expect(r[4]).not.toBeNull();
      }
    }
    expect(masked.suppressed).toBeGreaterThanOrEqual(withheld);
    expect(masked.rows.flat().filter((v) => v === null).length).toBe(masked.suppressed);
  });

  it('still suppresses small counts where an installation chose threshold suppression', async () => {
    const access = { ...P.analyst!.access, disclosure: 'threshold' as const };
    let hidden = 0;
    for (const q of fine) {
      const r = await runQuery(reader, { by: [], filters: {}, ...q }, access);
      expect(r.disclosure).toEqual({ method: 'threshold', parameters: { min: 5 } });
      hidden += r.suppressed;
      for (const row of r.rows) for (const v of row.slice(q.by!.length)) if (typeof v === 'number') expect(v === 0 || v >= 5, `${JSON.stringify(q)}: ${v}`).toBe(true);
      expect(r.rows.flat().filter((v) => v === null).length).toBe(r.suppressed);
    }
    expect(hidden).toBeGreaterThan(0);
  });
});

describe('bad input never leaks and never crashes', () => {
  it('answers thousands of malformed or hostile requests with a one-sentence 400/403', async () => {
    const rng = new Rng('fuzz');
    const hostile = [
      "'; DROP TABLE fact_decision; --", 'applications) UNION SELECT * FROM dim_office --', '../../etc/passwd', '%00', 'x'.repeat(5000),
      'Ω≈ç√', '1=1', 'office_code IN (SELECT office_code FROM dim_office)', '$1', 'NULL', '', ' ', '|', ':', '::', 'year:2024|', 'state:08;09',
      'month:2024-13', 'day:2024-02-30', 'from', 'applications,', ',,,', 'pending_age', 'office:MUC|NUE|' + 'X'.repeat(300),
    ];
    const names = [...METRICS.map((m) => m.name).slice(0, 8), 'office', 'state', 'year', 'month', 'nationality', 'pending_age'];
    const pickValue = () => (rng.chance(0.5) ? rng.pick(hostile) : rng.pick(names) + (rng.chance(0.5) ? rng.pick(hostile) : ''));
    let cases = 0;
    for (let i = 0; i < 3000; i++) {
      const raw = {
        metric: rng.chance(0.8) ? [pickValue()] : undefined,
        by: rng.chance(0.5) ? [pickValue()] : undefined,
        filter: rng.chance(0.6) ? [`${rng.pick(names)}:${pickValue()}`, ...(rng.chance(0.3) ? [pickValue()] : [])] : undefined,
        from: rng.chance(0.3) ? pickValue() : undefined,
        to: rng.chance(0.3) ? rng.pick(['2025-01-01', pickValue()]) : undefined,
      };
      const user = rng.pick(['ast-muc', 'analyst', 'admin', 'region-sued']);
      try {
        const r = await runQuery(reader, parseQuery(raw), P[user]!.access);
        if (col(r, 'office').length) for (const o of col(r, 'office')) expect(inScope(user, o as string, undefined)).toBe(true);
      } catch (e) {
        expect(isUserError(e), `${JSON.stringify(raw).slice(0, 300)} → ${String(e)}`).toBe(true);
        const err = e as { httpStatus: number; message: string };
        expect([400, 403]).toContain(err.httpStatus);
        expect(err.message.split('\n')).toHaveLength(1);
        expect(err.message.length).toBeLessThan(300);
      }
      cases++;
    }
    expect(cases).toBe(3000);
  });
});

describe('the annotate right on events', () => {
  it('is a right of role definitions like any other: on Event, without conditions', async () => {
    const { validateRoleDefinition } = await import('./permissions');
    const base = { name: 'chronist', label_de: 'Chronik', label_en: 'Chronicle', rules: [{ action: 'annotate', subject: 'Event' }] };
    expect(validateRoleDefinition(base).rules).toEqual([{ action: 'annotate', subject: 'Event' }]);
    expect(() => validateRoleDefinition({ ...base, rules: [{ action: 'annotate', subject: 'Dashboard' }] })).toThrow(/does not exist on Dashboard/);
    expect(() => validateRoleDefinition({ ...base, rules: [{ action: 'annotate', subject: 'Event', conditions: { state_code: '09' } }] })).toThrow(/takes no conditions/);
  });
});
