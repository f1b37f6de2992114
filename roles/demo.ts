/**
 * The demo roles and users of architecture §6 (created by `fis fixtures generate`, password from
 * FIS_DEMO_PASSWORD). Role definitions are ordinary data: admins may change them like any other.
 */
import type { RoleDefinition, RoleRule } from './permissions';

const ALL_DASHBOARDS = { action: 'view', subject: 'Dashboard' } satisfies RoleRule;
const ALL_REPORTS = { action: 'view', subject: 'Report' } satisfies RoleRule;
const METRICS = { action: 'use', subject: 'Metric' } satisfies RoleRule;
/** exports of reports and of dashboard panels, in every format */
const ALL_EXPORTS = [{ action: 'export', subject: 'Report' }, { action: 'export', subject: 'Dashboard' }] satisfies RoleRule[];
const ASYLUM_DASHBOARDS = ['overview', 'applications', 'decisions', 'pending', 'processing-times', 'offices', 'origins'];
const ASYLUM_REPORTS = ['asylum-monthly', 'decisions-by-nationality', 'office-performance', 'pending-ageing'];
const INTEGRATION_DASHBOARDS = ['overview', 'integration-courses', 'integration-outcomes', 'vocational'];
const INTEGRATION_REPORTS = ['course-providers', 'participants-by-state', 'vocational-billing'];

/** writing events on the time axes (leadership and division heads) */
const ANNOTATE = { action: 'annotate', subject: 'Event' } satisfies RoleRule;
const data = (subject: string, conditions?: RoleRule['conditions']): RoleRule[] => [{ action: 'read', subject, ...(conditions ? { conditions } : {}) }];
const unsuppressed = (...subjects: string[]): RoleRule[] => subjects.map((subject) => ({ action: 'read_unsuppressed', subject }));

export const DEMO_ROLES: RoleDefinition[] = [
  {
    name: 'leadership', label_de: 'Behördenleitung', label_en: 'Leadership', description: 'Alle Daten ohne Geheimhaltung, alle Dashboards, Berichte und Exporte.',
    rules: [...data('AsylumData'), ...data('IntegrationData'), ...data('VocationalData'), ...unsuppressed('AsylumData', 'IntegrationData', 'VocationalData'), METRICS, ALL_DASHBOARDS, ALL_REPORTS, ...ALL_EXPORTS, ANNOTATE],
  },
  {
    name: 'division-asylum', label_de: 'Abteilungsleitung Asyl', label_en: 'Division head asylum', description: 'Asyldaten aller Außenstellen ohne Geheimhaltung.',
    rules: [...data('AsylumData'), ...unsuppressed('AsylumData'), METRICS, { action: 'view', subject: 'Dashboard', conditions: { slug: { $in: ASYLUM_DASHBOARDS } } }, { action: 'view', subject: 'Report', conditions: { id: { $in: ASYLUM_REPORTS } } }, ANNOTATE],
  },
  {
    name: 'division-integration', label_de: 'Abteilungsleitung Integration', label_en: 'Division head integration', description: 'Integrations- und Berufssprachkursdaten aller Länder ohne Geheimhaltung.',
    rules: [
      ...data('IntegrationData'), ...data('VocationalData'), ...unsuppressed('IntegrationData', 'VocationalData'), METRICS,
      { action: 'view', subject: 'Dashboard', conditions: { slug: { $in: INTEGRATION_DASHBOARDS } } }, { action: 'view', subject: 'Report', conditions: { id: { $in: INTEGRATION_REPORTS } } }, ANNOTATE,
    ],
  },
  {
    name: 'regional-head', label_de: 'Regionalleitung', label_en: 'Regional head', description: 'Asyldaten der Außenstellen in den eigenen Ländern.',
    rules: [...data('AsylumData', { state_code: { $in: '${user.states}' } }), ...unsuppressed('AsylumData'), METRICS, { action: 'view', subject: 'Dashboard', conditions: { slug: { $in: ASYLUM_DASHBOARDS } } }, { action: 'view', subject: 'Report', conditions: { id: { $in: ASYLUM_REPORTS } } }],
  },
  {
    name: 'branch-office-head', label_de: 'Leitung Außenstelle', label_en: 'Branch-office head', description: 'Asyldaten der eigenen Außenstelle(n).',
    rules: [...data('AsylumData', { office_code: { $in: '${user.offices}' } }), ...unsuppressed('AsylumData'), METRICS, { action: 'view', subject: 'Dashboard', conditions: { slug: { $in: ASYLUM_DASHBOARDS } } }, { action: 'view', subject: 'Report', conditions: { id: { $in: ASYLUM_REPORTS } } }],
  },
  {
    name: 'analyst', label_de: 'Analyse', label_en: 'Analyst', description: 'Alle Asyl- und Integrationsdaten mit Geheimhaltung kleiner Fallzahlen; alle Exporte.',
    rules: [...data('AsylumData'), ...data('IntegrationData'), ...data('VocationalData'), METRICS, ALL_DASHBOARDS, ALL_REPORTS, ...ALL_EXPORTS],
  },
  {
    name: 'administrator', label_de: 'Administration', label_en: 'Administrator', description: 'Rollen, Benutzer, Datenpipeline und Protokoll — keine Falldaten.',
    rules: [{ action: 'manage', subject: 'Role' }, { action: 'manage', subject: 'User' }, { action: 'read', subject: 'Pipeline' }, { action: 'run', subject: 'Pipeline' }, { action: 'read', subject: 'AuditLog' }],
  },
];

export interface DemoUser {
  username: string;
  display_name: string;
  roles: string[];
  offices?: string[];
  states?: string[];
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'leitung', display_name: 'Dr. Lena Leitner (Leitung)', roles: ['leadership'] },
  { username: 'abt-asyl', display_name: 'Anton Asmus (Abteilung Asyl)', roles: ['division-asylum'] },
  { username: 'abt-integration', display_name: 'Ines Integra (Abteilung Integration)', roles: ['division-integration'] },
  { username: 'region-sued', display_name: 'Ruth Süd (Region Süd)', roles: ['regional-head'], states: ['08', '09'] },
  { username: 'ast-muc', display_name: 'Max Münchner (Außenstelle München)', roles: ['branch-office-head'], offices: ['MUC'] },
  { username: 'analyst', display_name: 'Ada Analytica (Analyse)', roles: ['analyst'] },
  { username: 'admin', display_name: 'Adam Admin (Administration)', roles: ['administrator'] },
];
