/**
 * The CASL → SQL bridge against an independent oracle. For every kind of rule a role may hold —
 * $eq, $ne, $in, $nin, $lt, $lte, $gt, $gte, `cannot` with and without conditions, rules in either
 * order, several roles on one user, empty scope lists — the answer of the one query path must
 * equal what CASL's own in-memory evaluation (`ability.can` per fact row, read with plain SQL)
 * admits, cell for cell. Where the bridge cannot express a rule it must refuse or give nothing —
 * never more than the oracle.
 */
import { subject } from '@casl/ability';
import { createMongoAbility } from '@casl/ability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../etl/run';
import { etlOpts } from '../test/etl-helpers';
import { generateTiny, pgliteTargets, refusal, tempDir } from '../test/helpers';
import { openDuck, type Duck } from '../warehouse/duckdb';
import { runQuery } from '../warehouse/semantic/query';
import { SnapshotReader, readCurrent } from '../warehouse/snapshots';
import { accessFrom } from './access';
import { defineAbilityFor, type Ability } from './ability';
import type { RoleRule } from './permissions';
import { validateRoleDefinition } from './permissions';

const t = tempDir();
let reader: SnapshotReader;
let duck: Duck;
type Row = { office_code: string; state_code: string; nationality_code: string };
let decisions: Row[];
let participants: Array<Omit<Row, 'office_code'>>;
let courses: Array<{ state_code: string }>;
let nat: string[];
let offices: string[];

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 29);
  await runEtl(etlOpts(t.dir, targets, true));
  reader = new SnapshotReader(t.dir);
  duck = await openDuck(readCurrent(t.dir)!.file, { readOnly: true });
  // the oracle's rows: read with plain SQL, independent of the compiler
  decisions = await duck.all<Row>(`SELECT office_code, state_code, nationality_code FROM fact_decision WHERE decided_on IS NOT NULL`);
  participants = await duck.all(`SELECT state_code, nationality_code FROM fact_participant WHERE first_enrolled_on IS NOT NULL`);
  courses = await duck.all(`SELECT state_code FROM fact_course WHERE start_on IS NOT NULL AND status <> 'cancelled'`);
  nat = (await duck.all<{ c: string }>(`SELECT nationality_code AS c FROM fact_decision GROUP BY 1 ORDER BY count(*) DESC LIMIT 3`)).map((r) => r.c);
  offices = (await duck.all<{ c: string }>(`SELECT DISTINCT office_code AS c FROM fact_decision ORDER BY 1`)).map((r) => r.c);
});
afterAll(() => {
  duck?.close();
  reader?.close();
  t.cleanup();
});

/** One role's rules (typed, so that rules of different shapes mix). */
const role = (...rules: RoleRule[]): RoleRule[] => rules;

const common: RoleRule[] = [{ action: 'use', subject: 'Metric' }, { action: 'read_unsuppressed', subject: 'AsylumData' }, { action: 'read_unsuppressed', subject: 'IntegrationData' }];

function abilityOf(roles: RoleRule[][], scope: { offices?: string[]; states?: string[] } = {}): Ability {
  // every role passes the same validation as one stored by an admin
  const defs = roles.map((rules, i) => validateRoleDefinition({ name: `oracle-${i}`, label_de: 'x', label_en: 'x', rules: [...rules, ...common] }));
  return defineAbilityFor({ username: 'oracle', offices: scope.offices ?? [], states: scope.states ?? [] }, defs);
}

/** Counts per key of the rows CASL admits. */
function oracle<R extends Record<string, string>>(ability: Ability, type: string, rows: R[], key: (r: R) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) if (ability.can('read', subject(type, { ...r }))) out.set(key(r), (out.get(key(r)) ?? 0) + 1);
  return out;
}

async function answer(ability: Ability, metric: string, by: string): Promise<Map<string, number>> {
  const r = await runQuery(reader, { metrics: [metric], by: [by], filters: {} }, accessFrom(ability, 5));
  return new Map(r.rows.filter((row) => Number(row[1]) !== 0).map((row) => [String(row[0]), Number(row[1])]));
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

describe('rights against an independent oracle', () => {
  const cases: Array<[string, () => RoleRule[][], { offices?: string[]; states?: string[] }?]> = [
    ['$eq', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: '09' } })]],
    ['$ne', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $ne: '09' } } })]],
    ['$in on offices', () => [role({ action: 'read', subject: 'AsylumData', conditions: { office_code: { $in: offices.slice(0, 3) } } })]],
    ['$nin on nationalities', () => [role({ action: 'read', subject: 'AsylumData', conditions: { nationality_code: { $nin: nat.slice(0, 2) } } })]],
    ['$lt', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $lt: '05' } } })]],
    ['$lte', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $lte: '05' } } })]],
    ['$gt', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $gt: '12' } } })]],
    ['$gte', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $gte: '12' } } })]],
    ['two conditions in one rule', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: ['08', '09'] }, nationality_code: { $ne: nat[0]! } } })]],
    ['cannot with a condition after can', () => [role({ action: 'read', subject: 'AsylumData' }, { action: 'read', subject: 'AsylumData', inverted: true, conditions: { nationality_code: { $in: [nat[0]!] } } })]],
    ['cannot on another field than the can', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: ['08', '09'] } } }, { action: 'read', subject: 'AsylumData', inverted: true, conditions: { office_code: offices[0]! } })]],
    ['can after cannot (the later rule wins)', () => [role({ action: 'read', subject: 'AsylumData', inverted: true, conditions: { state_code: '09' } }, { action: 'read', subject: 'AsylumData' })]],
    ['several roles on one user', () => [role({ action: 'read', subject: 'AsylumData', conditions: { office_code: offices[1]! } }), role({ action: 'read', subject: 'AsylumData', conditions: { state_code: '05' } })]],
    ['placeholders with a scope', () => [role({ action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: '${user.states}' } } })], { states: ['01', '16'] }],
  ];
  for (const [name, rules, scope] of cases) {
    it(`${name}: decisions by office and by nationality equal the oracle`, async () => {
      const ability = abilityOf(rules(), scope);
      expect(sorted(await answer(ability, 'decisions', 'office'))).toEqual(sorted(oracle(ability, 'AsylumData', decisions, (r) => r.office_code)));
      const byNat = await answer(ability, 'decisions', 'nationality');
      expect(sorted(byNat)).toEqual(sorted(oracle(ability, 'AsylumData', decisions, (r) => r.nationality_code)));
      // the case must restrict something and admit something, or it tests nothing
      const total = [...byNat.values()].reduce((a, b) => a + b, 0);
      if (name !== 'can after cannot (the later rule wins)') expect(total).toBeLessThan(decisions.length);
      expect(total).toBeGreaterThan(0);
    });
  }

  it('an empty scope list admits nothing (not everything)', async () => {
    const ability = abilityOf([[{ action: 'read', subject: 'AsylumData', conditions: { office_code: { $in: '${user.offices}' } } }]], { offices: [] });
    expect(oracle(ability, 'AsylumData', decisions, (r) => r.office_code).size).toBe(0);
    expect((await answer(ability, 'decisions', 'office')).size).toBe(0);
  });

  it('a cannot rule without conditions denies the domain (403)', async () => {
    const ability = abilityOf([[{ action: 'read', subject: 'AsylumData' }, { action: 'read', subject: 'AsylumData', inverted: true }]]);
    expect(ability.can('read', 'AsylumData')).toBe(false);
    expect((await refusal(answer(ability, 'decisions', 'office'))).status).toBe(403);
  });

  it('fails closed on a rule the bridge cannot express: nothing, where CASL alone would admit rows', async () => {
    // $regex never passes validation; an ability built around it must still not open the data
    const ability = createMongoAbility([{ action: 'read', subject: 'AsylumData', conditions: { office_code: { $regex: '^M' } } }, ...common.map((r) => ({ ...r }))]) as Ability;
    expect(oracle(ability, 'AsylumData', decisions, (r) => r.office_code).size).toBeGreaterThan(0);
    expect((await answer(ability, 'decisions', 'office')).size).toBe(0);
  });

  it('refuses a metric a cannot rule cannot be applied to, naming the rule — and applies it where it can', async () => {
    const ability = abilityOf([[{ action: 'read', subject: 'IntegrationData' }, { action: 'read', subject: 'IntegrationData', inverted: true, conditions: { nationality_code: { $in: [nat[0]!] } } }]]);
    // courses have no nationality: CASL alone would admit every course (the condition is unknown on them)
    const r = await refusal(answer(ability, 'courses_started', 'state'));
    expect(r.status).toBe(403);
    expect(r.message).toMatch(/cannot read IntegrationData where \{"nationality_code":\{"\$in":\["\d{3}"\]\}\}/);
    expect(r.message).toMatch(/courses_started/);
    // participants have one: the rule applies, exactly
    expect(sorted(await answer(ability, 'participants_new', 'state'))).toEqual(sorted(oracle(ability, 'IntegrationData', participants, (x) => x.state_code)));
    // a can rule on a missing field admits nothing there (fail closed), never all
    const onlySyria = abilityOf([[{ action: 'read', subject: 'IntegrationData', conditions: { nationality_code: '475' } }]]);
    expect((await answer(onlySyria, 'courses_started', 'state')).size).toBe(0);
    expect(courses.length).toBeGreaterThan(0);
  });

  it('refuses placeholder names that are properties of every object', async () => {
    for (const bad of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => validateRoleDefinition({ name: 'x-role', label_de: 'x', label_en: 'x', rules: [{ action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: bad } } }] }), bad).toThrow(/needs a list or a placeholder/);
    }
    expect(() => validateRoleDefinition({ name: 'x-role', label_de: 'x', label_en: 'x', rules: [{ action: 'read', subject: 'constructor' }] })).toThrow(/unknown subject/);
    expect(() => validateRoleDefinition({ name: 'x-role', label_de: 'x', label_en: 'x', rules: [{ action: 'read', subject: 'toString' }] })).toThrow(/unknown subject/);
  });
});
