/**
 * The single CASL → SQL bridge. The rules a user has for reading a data subject become one row
 * condition (can rules ORed, cannot rules ANDed as NOT), which the metric compiler ANDs into every
 * query before aggregation. Only allow-listed operators on known row fields pass; anything else
 * throws, and no rule at all means no access — it fails closed, never "all rows".
 */
import { rulesToAST } from '@casl/ability/extra';
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
  if (node.operator === 'not') {
    const inner = node.value as AstNode | AstNode[];
    return { op: 'not', condition: Array.isArray(inner) ? { op: 'and', conditions: inner.map(convert) } : convert(inner) };
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

/**
 * The rows of `subject` the ability may `action`: a row condition, or undefined when no rule
 * allows it at all (no access).
 */
export function accessibleBy(ability: Ability, action: string, subject: string): RowCondition | undefined {
  const ast = rulesToAST(ability, action, subject) as AstNode | null;
  if (ast === null) return undefined;
  try {
    return convert(ast);
  } catch (e) {
    if (e instanceof UnsupportedRuleError) return { op: 'false' };
    throw e;
  }
}
