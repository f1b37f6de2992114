/**
 * What a dashboard shows a principal: the panels whose metrics they may use (a KPI panel: the
 * tiles they may use), laid out without gaps; a dashboard with nothing left is not theirs.
 */
import { describe, expect, it } from 'vitest';
import { buildPrincipal } from '../roles/access';
import { DEMO_ROLES, DEMO_USERS } from '../roles/demo';
import type { RoleRule } from '../roles/permissions';
import { DASHBOARD_DEFS } from './defs';
import { canViewDashboard, mayUsePanel, visiblePanels } from './rights';

const user = (username: string, extra: Partial<{ offices: string[]; states: string[] }> = {}) => ({ user_id: '1', username, display_name: username, roles: [], offices: [], states: [], must_change_password: false, ...extra });
const demo = (username: string) => {
  const u = DEMO_USERS.find((x) => x.username === username)!;
  return buildPrincipal(user(username, { offices: u.offices ?? [], states: u.states ?? [] }), DEMO_ROLES.filter((r) => u.roles.includes(r.name)), 5);
};
const withRules = (rules: RoleRule[]) => buildPrincipal(user('probe'), [{ rules }], 5);

describe('visible panels', () => {
  /** Whether the spans fill every row of the two-column grid (a span-2 panel starts a row; the last row is full). */
  const noGaps = (spans: number[]) => {
    let col = 0;
    for (const s of spans) {
      if (s === 2 && col !== 0) return false;
      col = (col + s) % 2;
    }
    return col === 0;
  };

  it('everything for the leadership; for every demo user a layout without gaps', () => {
    for (const d of DASHBOARD_DEFS) expect(visiblePanels(demo('leitung'), d.slug).map((x) => x.panel.id), d.slug).toEqual(d.panels.map((x) => x.id));
    for (const u of DEMO_USERS) for (const d of DASHBOARD_DEFS) expect(noGaps(visiblePanels(demo(u.username), d.slug).map((x) => x.span)), `${u.username} ${d.slug}`).toBe(true);
  });

  it('a branch-office head keeps the Lagebild with the asylum tiles; the course tile is theirs no more', () => {
    const p = demo('ast-muc');
    const kpis = DASHBOARD_DEFS.find((d) => d.slug === 'overview')!.panels.find((x) => x.kind === 'kpis')!;
    expect(mayUsePanel(p, kpis)).toBe(true);
    expect(canViewDashboard(p, 'overview')).toBe(true);
    expect(canViewDashboard(p, 'integration-courses')).toBe(false);
  });

  it('leaves out a panel outside the rights and closes the gap it leaves', () => {
    // vocational data without the integration domain: the invoices (an integration metric) are left out
    const p = withRules([{ action: 'read', subject: 'VocationalData' }, { action: 'use', subject: 'Metric' }, { action: 'view', subject: 'Dashboard' }]);
    const shown = visiblePanels(p, 'vocational');
    expect(shown.map((x) => [x.panel.id, x.span])).toEqual([
      ['entitlements', 1],
      ['modules', 1],
      ['certificates', 2],
    ]);
    expect(noGaps(shown.map((x) => x.span))).toBe(true);
  });

  it('a dashboard with nothing left is not the principal’s (not in the menu, not to be opened)', () => {
    // integration data, but only the asylum metric "applications" may be used
    const p = withRules([{ action: 'read', subject: 'IntegrationData' }, { action: 'use', subject: 'Metric', conditions: { name: { $in: ['applications'] } } }, { action: 'view', subject: 'Dashboard' }]);
    for (const slug of ['overview', 'integration-courses', 'integration-outcomes']) {
      expect(visiblePanels(p, slug), slug).toEqual([]);
      expect(canViewDashboard(p, slug), slug).toBe(false);
    }
  });
});

describe('the annotate right (events on the time axes)', () => {
  it('belongs to the leadership and the division heads of the demo roles, to no one else', async () => {
    const { can } = await import('../roles/ability');
    const writers = DEMO_USERS.filter((u) => can(demo(u.username).ability, 'annotate', 'Event')).map((u) => u.username);
    expect(writers).toEqual(['leitung', 'abt-asyl', 'abt-integration']);
    expect(can(withRules([{ action: 'view', subject: 'Dashboard' }]).ability, 'annotate', 'Event')).toBe(false);
  });
});
