/**
 * defineAbilityFor(user): the CASL ability of a user, from the rules of their roles with the
 * placeholders filled in from the user's own scope. Rules are data (roles in the app-state
 * database); this module only interprets them.
 */
import { createMongoAbility, subject as withType, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { PLACEHOLDERS, isPlaceholder, type RoleDefinition, type RoleRule } from './permissions';

export type Ability = MongoAbility<[string, string | Record<string, unknown>]>;

export interface AbilityUser {
  username: string;
  offices: string[];
  states: string[];
}

function fill(value: unknown, user: AbilityUser): unknown {
  if (isPlaceholder(value)) {
    const key = PLACEHOLDERS[value];
    return key === 'username' ? user.username : [...user[key]];
  }
  if (Array.isArray(value)) return value.flatMap((v) => {
    const f = fill(v, user);
    return Array.isArray(f) ? f : [f];
  });
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, user)]));
  return value;
}

/** An equality on a placeholder that expands to a list becomes $in. */
function normalise(conditions: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(conditions).map(([k, v]) => [k, Array.isArray(v) ? { $in: v } : v]));
}

export function defineAbilityFor(user: AbilityUser, roles: readonly Pick<RoleDefinition, 'rules'>[]): Ability {
  const rules: RawRuleOf<Ability>[] = roles.flatMap((role) =>
    role.rules.map((r: RoleRule) => ({
      action: r.action,
      subject: r.subject,
      inverted: r.inverted ?? false,
      ...(r.conditions ? { conditions: normalise(fill(r.conditions, user) as Record<string, unknown>) } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  );
  return createMongoAbility(rules);
}

/** ability.can for a subject instance, e.g. can(ability, 'view', 'Dashboard', { slug: 'pending' }). */
export function can(ability: Ability, action: string, type: string, fields: Record<string, unknown> = {}): boolean {
  return ability.can(action, withType(type, { ...fields }));
}
