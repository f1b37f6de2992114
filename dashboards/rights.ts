/**
 * What a principal may see in the web app: dashboards and reports need their view right and read
 * access to at least one of their data domains; a dashboard shows the panels whose metrics the
 * principal may use (a KPI panel the tiles they may use) and is not theirs when none is left;
 * exports need the export right for the report and format. One function each, used by navigation,
 * pages, routes and exports alike.
 */
import { can } from '../roles/ability';
import type { Principal } from '../roles/access';
import { mayUseMetric } from '../warehouse/semantic/query';
import { DASHBOARDS, EXPORT_FORMATS, REPORTS, type CatalogEntry } from './catalog';
import { dashboardDef, type PanelDef } from './defs';

const readsAny = (p: Principal, e: CatalogEntry) => e.domains.some((d) => p.access.domains[d] !== undefined);

/** Whether a panel has anything for the principal: every metric of a chart, at least one tile of a KPI panel (the others are left out). */
export const mayUsePanel = (p: Principal, panel: PanelDef) =>
  panel.kind === 'kpis' ? panel.metrics.some((m) => mayUseMetric(p.access, m)) : [...panel.metrics, ...(panel.minCases ? [panel.minCases.metric] : [])].every((m) => mayUseMetric(p.access, m));

/**
 * The panels of a dashboard the principal sees, each with the columns it spans: a panel left
 * alone in its row by the ones left out takes the whole row, so the layout has no gap.
 */
export function visiblePanels(p: Principal, slug: string): Array<{ panel: PanelDef; span: 1 | 2 }> {
  const panels = (dashboardDef(slug)?.panels ?? []).filter((x) => mayUsePanel(p, x));
  let col = 0;
  return panels.map((panel, i) => {
    const next = panels[i + 1];
    const span: 1 | 2 = (panel.span ?? 1) === 2 || (col === 0 && (!next || (next.span ?? 1) === 2)) ? 2 : 1;
    col = (col + span) % 2;
    return { panel, span };
  });
}

export const canViewDashboard = (p: Principal, slug: string) => {
  const d = DASHBOARDS.find((x) => x.id === slug);
  return !!d && can(p.ability, 'view', 'Dashboard', { slug }) && readsAny(p, d) && visiblePanels(p, slug).length > 0;
};

export const canViewReport = (p: Principal, id: string) => {
  const r = REPORTS.find((x) => x.id === id);
  return !!r && can(p.ability, 'view', 'Report', { id }) && readsAny(p, r);
};

/** Export formats as rights know them: the German-Excel CSV is a CSV, Arrow IPC goes with Parquet. */
export const rightsFormat = (format: string) => (format === 'csv-de' ? 'csv' : format === 'arrow' ? 'parquet' : format);

export const canExport = (p: Principal, id: string, format: string) => canViewReport(p, id) && can(p.ability, 'export', 'Report', { id, format: rightsFormat(format) });

/** Exporting a dashboard panel's data: the dashboard's view right and its export right. */
export const canExportPanel = (p: Principal, slug: string, format: string) => canViewDashboard(p, slug) && can(p.ability, 'export', 'Dashboard', { slug, format: rightsFormat(format) });

/**
 * Query answers as files (GET /api/query?format=csv|parquet|…) need the right to export that
 * format somewhere — a report or a dashboard; the rows are the caller's, as in every answer.
 */
export const canExportAnswers = (p: Principal, format: string) =>
  REPORTS.some((r) => canExport(p, r.id, format)) || DASHBOARDS.some((d) => canExportPanel(p, d.id, format));

export const isAdmin = (p: Principal) => ['Role', 'User'].some((s) => can(p.ability, 'manage', s)) || can(p.ability, 'read', 'Pipeline') || can(p.ability, 'read', 'AuditLog');

export function describeRights(p: Principal) {
  return {
    dashboards: DASHBOARDS.filter((d) => canViewDashboard(p, d.id)).map((d) => d.id),
    reports: REPORTS.filter((r) => canViewReport(p, r.id)).map((r) => r.id),
    exports: EXPORT_FORMATS.filter((f) => REPORTS.some((r) => canExport(p, r.id, f))),
    domains: Object.keys(p.access.domains),
    unsuppressed: Object.entries(p.access.unsuppressed).filter(([, v]) => v).map(([k]) => k),
    admin: {
      roles: can(p.ability, 'manage', 'Role'),
      users: can(p.ability, 'manage', 'User'),
      pipeline: can(p.ability, 'read', 'Pipeline'),
      audit: can(p.ability, 'read', 'AuditLog'),
    },
  };
}
