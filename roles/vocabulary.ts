/**
 * The words of role definitions — subjects with their actions and condition fields, operators,
 * placeholders for the user's own scope. Plain data without dependencies: the rule editor in the
 * browser uses it as the validation on the server does (roles/permissions.ts).
 */
export const DATA_SUBJECTS = { AsylumData: 'asylum', IntegrationData: 'integration', VocationalData: 'vocational' } as const;
export type DataSubject = keyof typeof DATA_SUBJECTS;

export interface SubjectSpec {
  actions: readonly string[];
  /** fields conditions may name; for data subjects the row fields of the CASL → SQL bridge */
  fields: readonly string[];
  /** actions that take no conditions */
  unconditional?: readonly string[];
  label: { de: string; en: string };
}

export const SUBJECTS: Record<string, SubjectSpec> = {
  AsylumData: { actions: ['read', 'read_unsuppressed'], fields: ['office_code', 'state_code', 'nationality_code'], unconditional: ['read_unsuppressed'], label: { de: 'Asyldaten', en: 'Asylum data' } },
  IntegrationData: { actions: ['read', 'read_unsuppressed'], fields: ['state_code', 'nationality_code'], unconditional: ['read_unsuppressed'], label: { de: 'Integrationskursdaten', en: 'Integration-course data' } },
  VocationalData: { actions: ['read', 'read_unsuppressed'], fields: ['state_code', 'nationality_code'], unconditional: ['read_unsuppressed'], label: { de: 'Berufssprachkursdaten', en: 'Vocational-course data' } },
  Metric: { actions: ['use'], fields: ['name'], label: { de: 'Kennzahlen', en: 'Metrics' } },
  Dashboard: { actions: ['view', 'export'], fields: ['slug', 'format'], label: { de: 'Dashboards', en: 'Dashboards' } },
  Report: { actions: ['view', 'export'], fields: ['id', 'format'], label: { de: 'Berichte', en: 'Reports' } },
  Role: { actions: ['manage'], fields: [], label: { de: 'Rollen', en: 'Roles' } },
  User: { actions: ['manage'], fields: [], label: { de: 'Benutzer', en: 'Users' } },
  Pipeline: { actions: ['read', 'run'], fields: [], label: { de: 'Datenpipeline', en: 'Data pipeline' } },
  AuditLog: { actions: ['read'], fields: [], label: { de: 'Protokoll', en: 'Audit log' } },
  /** events on the time axes ("Ereignisse"): dated notes for the charts; `annotate` writes and removes them */
  Event: { actions: ['annotate'], fields: [], label: { de: 'Ereignisse', en: 'Events' } },
};

export const OPERATORS = ['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte'] as const;
export const PLACEHOLDERS = { '${user.offices}': 'offices', '${user.states}': 'states', '${user.username}': 'username' } as const;

/** Own properties only: "constructor" or "toString" are not placeholders (nor subjects). */
export const isPlaceholder = (v: unknown): v is keyof typeof PLACEHOLDERS => typeof v === 'string' && Object.hasOwn(PLACEHOLDERS, v);
export const subjectSpec = (name: string): SubjectSpec | undefined => (Object.hasOwn(SUBJECTS, name) ? SUBJECTS[name] : undefined);
