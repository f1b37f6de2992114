/**
 * Role definitions in words, for people: a rule as a sentence ("may read asylum data where state ∈
 * own states"), and what changed between two versions of a role (fields, rules added and
 * removed) — the readable diff of the role history. Pure; used by the admin pages.
 */
import type { RoleDefinition, RoleRule } from './permissions';
import { isPlaceholder, subjectSpec, type PLACEHOLDERS } from './vocabulary';

type Lang = 'de' | 'en';

const ACTIONS: Record<string, Record<Lang, string>> = {
  read: { de: 'lesen', en: 'read' },
  read_unsuppressed: { de: 'ohne Geheimhaltung lesen', en: 'read without suppression' },
  use: { de: 'nutzen', en: 'use' },
  view: { de: 'ansehen', en: 'view' },
  export: { de: 'exportieren', en: 'export' },
  manage: { de: 'verwalten', en: 'manage' },
  run: { de: 'starten', en: 'run' },
  annotate: { de: 'eintragen', en: 'annotate' },
};

export const FIELD_LABELS: Record<string, Record<Lang, string>> = {
  office_code: { de: 'Außenstelle', en: 'office' },
  state_code: { de: 'Land', en: 'state' },
  nationality_code: { de: 'Staatsangehörigkeit', en: 'nationality' },
  name: { de: 'Name', en: 'name' },
  slug: { de: 'Dashboard', en: 'dashboard' },
  id: { de: 'Bericht', en: 'report' },
  format: { de: 'Format', en: 'format' },
};

export const OPERATOR_LABELS: Record<string, string> = { $eq: '=', $ne: '≠', $in: '∈', $nin: '∉', $lt: '<', $lte: '≤', $gt: '>', $gte: '≥' };

export const PLACEHOLDER_LABELS: Record<keyof typeof PLACEHOLDERS, Record<Lang, string>> = {
  '${user.offices}': { de: 'eigene Außenstellen', en: 'own offices' },
  '${user.states}': { de: 'eigene Länder', en: 'own states' },
  '${user.username}': { de: 'eigener Benutzername', en: 'own user name' },
};

export const actionLabel = (action: string, lang: Lang) => ACTIONS[action]?.[lang] ?? action;
export const subjectLabel = (subject: string, lang: Lang) => subjectSpec(subject)?.label[lang] ?? subject;

function valueText(v: unknown, lang: Lang): string {
  if (isPlaceholder(v)) return PLACEHOLDER_LABELS[v][lang];
  if (Array.isArray(v)) return `{${v.map((x) => valueText(x, lang)).join(', ')}}`;
  return String(v);
}

/** One condition per (field, operator): a plain list means ∈, a plain value =. */
export function conditionTerms(conditions: RoleRule['conditions']): Array<{ field: string; op: string; value: unknown }> {
  return Object.entries(conditions ?? {}).flatMap(([field, v]) => {
    if (Array.isArray(v)) return [{ field, op: '$in', value: v }];
    if (v !== null && typeof v === 'object') return Object.entries(v).map(([op, value]) => ({ field, op, value }));
    return [{ field, op: '$eq', value: v }];
  });
}

/** "darf lesen: Asyldaten, wo Land ∈ eigene Länder" */
export function describeRule(r: RoleRule, lang: Lang): string {
  const may = r.inverted ? (lang === 'de' ? 'darf nicht' : 'may not') : lang === 'de' ? 'darf' : 'may';
  const where = conditionTerms(r.conditions)
    .map((c) => `${FIELD_LABELS[c.field]?.[lang] ?? c.field} ${OPERATOR_LABELS[c.op] ?? c.op} ${valueText(c.value, lang)}`)
    .join(lang === 'de' ? ' und ' : ' and ');
  return `${may} ${actionLabel(r.action, lang)}: ${subjectLabel(r.subject, lang)}${where ? (lang === 'de' ? `, wo ${where}` : ` where ${where}`) : ''}`;
}

export interface RoleDiff {
  fields: Array<{ field: 'label_de' | 'label_en' | 'description'; from: string; to: string }>;
  added: RoleRule[];
  removed: RoleRule[];
}

/** A stable key of a rule: the same rule written with its keys in another order is the same rule. */
const ruleKey = (r: RoleRule) =>
  JSON.stringify([r.action, r.subject, r.inverted ?? false, conditionTerms(r.conditions).map((c) => [c.field, c.op, c.value]).sort((a, b) => String(a).localeCompare(String(b))), r.reason ?? '']);

/** What changed from `a` to `b` (older to newer). */
export function diffRoles(a: Pick<RoleDefinition, 'label_de' | 'label_en' | 'description' | 'rules'>, b: Pick<RoleDefinition, 'label_de' | 'label_en' | 'description' | 'rules'>): RoleDiff {
  const fields = (['label_de', 'label_en', 'description'] as const).filter((f) => a[f] !== b[f]).map((f) => ({ field: f, from: a[f], to: b[f] }));
  const keysA = new Set(a.rules.map(ruleKey));
  const keysB = new Set(b.rules.map(ruleKey));
  return { fields, added: b.rules.filter((r) => !keysA.has(ruleKey(r))), removed: a.rules.filter((r) => !keysB.has(ruleKey(r))) };
}
