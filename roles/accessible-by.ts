/**
 * The single CASL → SQL bridge. The rules a user has for reading a data subject become one row
 * condition (can rules ORed, each bounded by the cannot rules above it as AND NOT — CASL's own
 * `rulesToCondition`), which the metric compiler ANDs into every query before aggregation. Only
 * allow-listed operators on known row fields pass; anything else throws, and no rule at all means
 * no access — it fails closed, never "all rows". Each negated part carries the rule it comes from,
 * so that the query path can refuse a metric a `cannot` rule cannot be applied to (a condition on
 * a field the metric lacks would otherwise drop out of the NOT and admit everything).
 */
import type { MongoQuery } from '@casl/ability';
import { rulesToCondition } from '@casl/ability/extra';
import type { RowCondition } from '../warehouse/semantic/types';
import type { Ability } from './ability';
import { ROW_FIELDS } from './permissions';

const ALLOWED = new Set(['eq', 'ne', 'in', 'nin', 'lt', 'lte', 'gt', 'gte']);

export class UnsupportedRuleError extends Error {}

interface AstNode {
  operator: string;
  field?: string;
  value: unknown;
}

function convert(node: AstNode): RowCondition {
  if (node.operator === 'and' || node.operator === 'or') {
    return { op: node.operator, conditions: (node.value as AstNode[]).map(convert) };
  }
  if (!ALLOWED.has(node.operator)) throw new UnsupportedRuleError(`operator "${node.operator}" is not allowed`);
  if (!node.field || !ROW_FIELDS.has(node.field)) throw new UnsupportedRuleError(`field "${node.field}" cannot restrict rows`);
  const v = node.value;
  if (node.operator === 'in' || node.operator === 'nin') {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) throw new UnsupportedRuleError('$in needs a list of values');
    return { op: node.operator, field: node.field, value: v as Array<string | number> };
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new UnsupportedRuleError(`value of ${node.field} must be a string or number`);
  return { op: node.operator as 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte', field: node.field, value: v };
}

/** A rule in words, for the sentence that refuses a metric ("cannot read IntegrationData where {…}"). */
export function describeRule(r: { inverted?: boolean; action: string | string[]; subject?: unknown; conditions?: MongoQuery; reason?: string }, subject: string): string {
  const action = Array.isArray(r.action) ? r.action.join('/') : r.action;
  const where = r.conditions ? ` where ${JSON.stringify(r.conditions)}` : '';
  return `${r.inverted ? 'cannot' : 'can'} ${action} ${subject}${where}${r.reason ? ` (${r.reason})` : ''}`;
}

/**
 * The rows of `subject` the ability may `action`: a row condition, or undefined when no rule
 * allows it at all (no access). A rule the bridge cannot express denies everything.
 */
export function accessibleBy(ability: Ability, action: string, subject: string): RowCondition | undefined {
  try {
    const c = rulesToCondition<Ability, RowCondition, RowCondition>(
      ability.rulesFor(action, subject),
      (rule) => {
        const inner = convert(rule.ast as AstNode);
        return rule.inverted ? { op: 'not', condition: inner, rule: describeRule(rule, subject) } : inner;
      },
      { and: (conditions) => ({ op: 'and', conditions }), or: (conditions) => ({ op: 'or', conditions }), empty: () => ({ op: 'true' }) },
    );
    return c ?? undefined;
  } catch (e) {
    if (e instanceof UnsupportedRuleError) return { op: 'false' };
    throw e;
  }
}
