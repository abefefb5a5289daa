/**
 * Enhanced subscription filters, evaluated as AppSync evaluates them
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html,
 * extensions-js.html): a `filterGroup` is an OR of its filters; each filter is an AND of its rules;
 * `fieldName` may be a `.`-separated path into the payload (up to 5 levels).
 */

export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'le'
  | 'lt'
  | 'ge'
  | 'gt'
  | 'contains'
  | 'notContains'
  | 'beginsWith'
  | 'in'
  | 'notIn'
  | 'between'
  | 'containsAny';

export interface FilterRule {
  fieldName: string;
  operator: FilterOperator;
  value: unknown;
}

export interface SubscriptionFilter {
  filterGroup: { filters: FilterRule[] }[];
}

const OPERATORS = new Set<string>(['eq', 'ne', 'le', 'lt', 'ge', 'gt', 'contains', 'notContains', 'beginsWith', 'in', 'notIn', 'between', 'containsAny']);

export class InvalidSubscriptionFilterError extends Error {
  override name = 'InvalidSubscriptionFilterError';
}

/**
 * Checks a filter object against AppSync's documented limits and returns it typed: at most 10
 * filters per group, 5 rules (field names) per filter, `in`/`notIn` ≤ 5 values, `containsAny` ≤ 20,
 * `between` exactly 2, paths ≤ 5 levels.
 */
export function parseSubscriptionFilter(input: unknown): SubscriptionFilter {
  const groups = (input as { filterGroup?: unknown } | null)?.filterGroup;
  if (!Array.isArray(groups)) throw new InvalidSubscriptionFilterError('A subscription filter needs a filterGroup array.');
  if (groups.length > 10) throw new InvalidSubscriptionFilterError('A filterGroup holds at most 10 filters.');
  return {
    filterGroup: groups.map((group: unknown) => {
      const filters = (group as { filters?: unknown } | null)?.filters;
      if (!Array.isArray(filters)) throw new InvalidSubscriptionFilterError('Each filter group entry needs a filters array.');
      if (filters.length > 5) throw new InvalidSubscriptionFilterError('A filter holds at most 5 field names.');
      return {
        filters: filters.map((rule: unknown) => {
          const r = rule as Partial<FilterRule> | null;
          if (!r || typeof r.fieldName !== 'string' || typeof r.operator !== 'string' || !OPERATORS.has(r.operator)) {
            throw new InvalidSubscriptionFilterError(`Invalid filter rule ${JSON.stringify(rule)}.`);
          }
          if (r.fieldName.split('.').length > 5) throw new InvalidSubscriptionFilterError(`${r.fieldName}: paths are limited to 5 levels.`);
          const values = Array.isArray(r.value) ? r.value : null;
          if ((r.operator === 'in' || r.operator === 'notIn') && (!values || values.length > 5)) {
            throw new InvalidSubscriptionFilterError(`${r.operator} takes a list of at most 5 values.`);
          }
          if (r.operator === 'containsAny' && (!values || values.length > 20)) {
            throw new InvalidSubscriptionFilterError('containsAny takes a list of at most 20 values.');
          }
          if (r.operator === 'between' && (!values || values.length !== 2)) {
            throw new InvalidSubscriptionFilterError('between takes a list of exactly 2 values.');
          }
          return { fieldName: r.fieldName, operator: r.operator as FilterOperator, value: r.value };
        }),
      };
    }),
  };
}

function valueAt(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function ruleMatches(rule: FilterRule, payload: unknown): boolean {
  const actual = valueAt(payload, rule.fieldName);
  const v = rule.value;
  switch (rule.operator) {
    case 'eq':
      return equal(actual, v);
    case 'ne':
      return !equal(actual, v);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const c = compare(actual, v);
      if (c === null) return false;
      return rule.operator === 'lt' ? c < 0 : rule.operator === 'le' ? c <= 0 : rule.operator === 'gt' ? c > 0 : c >= 0;
    }
    case 'contains':
      if (typeof actual === 'string' && typeof v === 'string') return actual.includes(v);
      if (Array.isArray(actual)) return actual.some((item) => equal(item, v));
      return false;
    case 'notContains':
      if (typeof actual === 'string' && typeof v === 'string') return !actual.includes(v);
      if (Array.isArray(actual)) return !actual.some((item) => equal(item, v));
      return actual === undefined || actual === null;
    case 'beginsWith':
      return typeof actual === 'string' && typeof v === 'string' && actual.startsWith(v);
    case 'in':
      return Array.isArray(v) && v.some((item) => equal(actual, item));
    case 'notIn':
      return Array.isArray(v) && !v.some((item) => equal(actual, item));
    case 'between': {
      if (!Array.isArray(v)) return false;
      const low = compare(actual, v[0]);
      const high = compare(actual, v[1]);
      return low !== null && high !== null && low >= 0 && high <= 0;
    }
    case 'containsAny':
      if (!Array.isArray(v)) return false;
      if (Array.isArray(actual)) return actual.some((item) => v.some((want) => equal(item, want)));
      if (typeof actual === 'string') return v.some((want) => typeof want === 'string' && actual.includes(want));
      return false;
  }
}

/** True when at least one filter of the group has all its rules satisfied by `payload`. */
export function matchesFilter(filter: SubscriptionFilter, payload: unknown): boolean {
  return filter.filterGroup.some((group) => group.filters.every((rule) => ruleMatches(rule, payload)));
}
