/**
 * The permission model, as data: which actions exist on which subjects, and which fields a rule's
 * conditions may name. A role definition is a list of CASL rules over these, with placeholders for
 * the user's own scope (${user.offices}, ${user.states}, ${user.username}). Definitions are
 * validated here — unknown subject, action or field, a disallowed operator, a malformed
 * placeholder: refused with one sentence, never stored.
 */
import { z } from 'zod';
import { UserError } from '../platform/errors';
import { CONDITION_FIELDS } from '../warehouse/semantic/types';
import { OPERATORS, PLACEHOLDERS, SUBJECTS, isPlaceholder, subjectSpec } from './vocabulary';

export { DATA_SUBJECTS, OPERATORS, PLACEHOLDERS, SUBJECTS, isPlaceholder, subjectSpec, type DataSubject, type SubjectSpec } from './vocabulary';

const scalar = z.union([z.string().max(200), z.number()]);
const conditionValue = z.union([scalar, z.array(scalar).max(500), z.record(z.string(), z.union([scalar, z.array(scalar).max(500)]))]);

export const ruleSchema = z
  .object({
    action: z.string(),
    subject: z.string(),
    conditions: z.record(z.string(), conditionValue).optional(),
    inverted: z.boolean().optional(),
    reason: z.string().max(300).optional(),
  })
  .strict();
export type RoleRule = z.infer<typeof ruleSchema>;

export const roleDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,47}$/, 'the name must be 2–48 lower-case letters, digits or hyphens'),
    label_de: z.string().min(1).max(120),
    label_en: z.string().min(1).max(120),
    description: z.string().max(1000).default(''),
    rules: z.array(ruleSchema).max(200),
  })
  .strict();
export type RoleDefinition = z.infer<typeof roleDefinitionSchema>;

function checkValue(v: unknown, where: string): void {
  const check = (s: unknown) => {
    if (typeof s === 'string' && s.includes('${') && !isPlaceholder(s)) {
      throw new UserError(`${where}: "${s.slice(0, 60)}" is not a known placeholder; use ${Object.keys(PLACEHOLDERS).join(', ')}.`);
    }
  };
  if (Array.isArray(v)) v.forEach(check);
  else check(v);
}

/** Validates a role definition; returns it normalised or throws one sentence. */
export function validateRoleDefinition(input: unknown): RoleDefinition {
  const parsed = roleDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const path = i.path.length ? i.path.join('.') : 'the definition';
    throw new UserError(`Invalid role definition: ${path}: ${i.message}.`);
  }
  const def = parsed.data;
  def.rules.forEach((r, n) => {
    const where = `Invalid role definition: rule ${n + 1}`;
    const spec = subjectSpec(r.subject);
    if (!spec) throw new UserError(`${where}: unknown subject "${r.subject}"; use one of ${Object.keys(SUBJECTS).join(', ')}.`);
    if (!spec.actions.includes(r.action)) throw new UserError(`${where}: the action "${r.action}" does not exist on ${r.subject}; use ${spec.actions.join(' or ')}.`);
    if (!r.conditions) return;
    if (spec.unconditional?.includes(r.action)) throw new UserError(`${where}: the action "${r.action}" takes no conditions.`);
    for (const [field, value] of Object.entries(r.conditions)) {
      if (field.startsWith('$')) throw new UserError(`${where}: the operator "${field}" is not allowed at the top level; name a field.`);
      if (!spec.fields.includes(field)) {
        throw new UserError(`${where}: unknown field "${field}" for ${r.subject}${spec.fields.length ? `; use ${spec.fields.join(', ')}` : ' (it takes no conditions)'}.`);
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [op, v] of Object.entries(value)) {
          if (!(OPERATORS as readonly string[]).includes(op)) throw new UserError(`${where}: the operator "${op}" is not allowed; use ${OPERATORS.join(', ')}.`);
          if ((op === '$in' || op === '$nin') && !Array.isArray(v) && !isPlaceholder(v)) {
            throw new UserError(`${where}: ${op} needs a list or a placeholder.`);
          }
          checkValue(v, where);
        }
      } else {
        checkValue(value, where);
      }
    }
  });
  return def;
}

/** The row fields of the data subjects are exactly those the CASL → SQL bridge can apply. */
export const ROW_FIELDS = new Set(Object.keys(CONDITION_FIELDS));
