/** The shapes the semantic layer accepts and answers with. */
import type { Domain } from './metrics';

export interface MetricQuery {
  metrics: string[];
  by: string[];
  /** dimension → accepted values (codes) */
  filters: Record<string, string[]>;
  /** inclusive, YYYY-MM-DD, applied to each metric's own date */
  from?: string;
  to?: string;
}

/**
 * A row restriction, in terms of fields a rule may name (office_code, state_code,
 * nationality_code). Produced by the rights layer from CASL rules; `true` means all rows.
 */
export type RowCondition =
  | { op: 'true' }
  | { op: 'false' }
  | { op: 'and' | 'or'; conditions: RowCondition[] }
  /** `rule`: the role rule the negation comes from (a `cannot` rule), for a sentence that names it */
  | { op: 'not'; condition: RowCondition; rule?: string }
  | { op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; field: string; value: string | number }
  | { op: 'in' | 'nin'; field: string; value: Array<string | number> };

/** Fields a row condition may use, and the dimension each stands for. */
export const CONDITION_FIELDS: Record<string, string> = {
  office_code: 'office',
  state_code: 'state',
  nationality_code: 'nationality',
};

export interface Access {
  /** The domains the user may read, each with the rows allowed (missing domain: no access). */
  domains: Partial<Record<Domain, RowCondition>>;
  /** Domains the user sees without disclosure control. */
  unsuppressed: Partial<Record<Domain, boolean>>;
  /**
   * For users without the right: the minimum count under threshold suppression (counts below are
   * withheld), under the cell-key method the minimum perturbed count for rates, means and medians.
   */
  suppressBelow: number;
  /** Disclosure control for users without the right (default cell-key). */
  disclosure?: 'cell-key' | 'threshold';
  /** Whether the user may use a metric at all (default: every metric of a readable domain). */
  metricAllowed?: (name: string) => boolean;
}

/** Unrestricted access, for the warehouse's own tests (the CLI's operator is roles' operatorPrincipal). */
export const FULL_ACCESS: Access = {
  domains: { asylum: { op: 'true' }, integration: { op: 'true' }, vocational: { op: 'true' } },
  unsuppressed: { asylum: true, integration: true, vocational: true },
  suppressBelow: 5,
};

export interface QueryResult {
  columns: string[];
  rows: Array<Array<string | number | null>>;
  suppressed: number;
  /** the disclosure control applied: none (unrestricted), cell-key or threshold, with its parameters */
  disclosure?: { method: 'none' | 'cell-key' | 'threshold'; parameters?: Record<string, number | string> };
  dataAsOf: string | null;
  snapshot: string;
}
