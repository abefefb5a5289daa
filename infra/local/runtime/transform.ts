/**
 * `util.transform.*` (https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html)
 * and the filter/condition objects of the `@aws-appsync/utils/dynamodb` module.
 *
 * AWS documents the shape (`{expression, expressionNames, expressionValues}` as a JSON string),
 * not every character of the expression. We follow what EvaluateCode captures show (see
 * APPSYNC-REFERENCE.md §2): each comparison parenthesised, functions written without a space after
 * the comma (`(contains(#title,:title_contains))`), value placeholders named
 * `:<prefix>_<field>_<operator>` where nested `and`/`or` entries add `and_<i>`, `or_<i>` and `not`
 * prefixes, `in` rendered as `#f IN (:f_in_0, :f_in_1)`, and `null` for an object that renders
 * nothing.
 */
import { toDynamoDB, type AttributeValue } from './dynamodb-utils';

export interface DynamoDBExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, AttributeValue>;
}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

/** `attributeType` names (transform-utils.d.ts) → DynamoDB type descriptors. */
const ATTRIBUTE_TYPES: Record<string, string> = {
  _null: 'NULL',
  string: 'S',
  stringSet: 'SS',
  number: 'N',
  numberSet: 'NS',
  binary: 'B',
  binarySet: 'BS',
  boolean: 'BOOL',
  list: 'L',
  map: 'M',
};

class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  constructor(private readonly allowConditionFunctions: boolean) {}

  name(field: string): string {
    const placeholder = `#${field}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  value(placeholder: string, value: unknown): string {
    this.values[placeholder] = toDynamoDB(value) ?? { NULL: null };
    return placeholder;
  }

  /** Renders one filter object (implicit AND between its keys), or null when it renders nothing. */
  object(filter: unknown, prefix: string): string | null {
    if (filter === null || filter === undefined || typeof filter !== 'object' || Array.isArray(filter)) return null;
    const parts: string[] = [];
    for (const [key, operand] of Object.entries(filter as Record<string, unknown>)) {
      if (operand === null || operand === undefined) continue;
      let rendered: string | null;
      if (key === 'and' || key === 'or') rendered = this.logical(key, operand, prefix);
      else if (key === 'not') {
        const inner = this.object(operand, `${prefix}not_`);
        rendered = inner === null ? null : `(NOT ${inner})`;
      } else rendered = this.field(key, operand, prefix);
      if (rendered !== null) parts.push(rendered);
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  private logical(op: 'and' | 'or', operand: unknown, prefix: string): string | null {
    const members = Array.isArray(operand) ? operand : [operand];
    const parts: string[] = [];
    members.forEach((member, index) => {
      const rendered = this.object(member, `${prefix}${op}_${index}_`);
      if (rendered !== null) parts.push(rendered);
    });
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : `(${parts.join(op === 'and' ? ' AND ' : ' OR ')})`;
  }

  private field(field: string, operators: unknown, prefix: string): string | null {
    if (typeof operators !== 'object' || operators === null || Array.isArray(operators)) return null;
    const parts: string[] = [];
    for (const [op, value] of Object.entries(operators as Record<string, unknown>)) {
      if (value === undefined) continue;
      const rendered = this.comparison(field, op, value, prefix);
      if (rendered !== null) parts.push(rendered);
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  private comparison(field: string, op: string, value: unknown, prefix: string, path?: string): string | null {
    const placeholder = `:${prefix}${field}_${op}`;
    const name = path ?? this.name(field);
    if (op in COMPARATORS) return `(${name} ${COMPARATORS[op]} ${this.value(placeholder, value)})`;
    switch (op) {
      case 'contains':
        return `(contains(${name},${this.value(placeholder, value)}))`;
      case 'notContains':
        return `(NOT contains(${name},${this.value(placeholder, value)}))`;
      case 'beginsWith':
        return `(begins_with(${name},${this.value(placeholder, value)}))`;
      case 'between': {
        if (!Array.isArray(value) || value.length !== 2) return null;
        const low = this.value(`${placeholder}_0`, value[0]);
        const high = this.value(`${placeholder}_1`, value[1]);
        return `(${name} BETWEEN ${low} AND ${high})`;
      }
      case 'in': {
        if (!Array.isArray(value) || value.length === 0) return null;
        const list = value.map((v, i) => this.value(`${placeholder}_${i}`, v)).join(', ');
        return `(${name} IN (${list}))`;
      }
      case 'attributeExists':
        return value ? `(attribute_exists(${name}))` : `(attribute_not_exists(${name}))`;
      case 'attributeType': {
        const type = ATTRIBUTE_TYPES[String(value)] ?? String(value);
        return `(attribute_type(${name},${this.value(placeholder, type)}))`;
      }
      case 'size': {
        if (!this.allowConditionFunctions || typeof value !== 'object' || value === null) return null;
        const parts: string[] = [];
        for (const [sizeOp, sizeValue] of Object.entries(value as Record<string, unknown>)) {
          const rendered = this.comparison(`${field}_size`, sizeOp, sizeValue, prefix, `size(${name})`);
          if (rendered !== null) parts.push(rendered);
        }
        if (parts.length === 0) return null;
        return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
      }
      default:
        return null;
    }
  }
}

function build(filter: unknown, allowConditionFunctions: boolean): DynamoDBExpression | null {
  const builder = new ExpressionBuilder(allowConditionFunctions);
  const expression = builder.object(filter, '');
  if (expression === null) return null;
  return { expression, expressionNames: builder.names, expressionValues: builder.values };
}

/** The object behind `toDynamoDBFilterExpression` (used directly by the dynamodb module). */
export function filterExpression(filter: unknown): DynamoDBExpression | null {
  return build(filter, false);
}

/** The object behind `toDynamoDBConditionExpression`: a filter plus `size`. */
export function conditionExpression(condition: unknown): DynamoDBExpression | null {
  return build(condition, true);
}

export interface SubscriptionFilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}
export interface SubscriptionFilter {
  filterGroup: { filters: SubscriptionFilterEntry[] }[];
}

/** All filter groups one filter object stands for (its keys AND-ed; `or` members multiply groups). */
function subscriptionGroups(obj: unknown, ignored: Set<string>): SubscriptionFilterEntry[][] {
  let groups: SubscriptionFilterEntry[][] = [[]];
  if (obj === null || typeof obj !== 'object') return groups;
  for (const [key, operand] of Object.entries(obj as Record<string, unknown>)) {
    if (operand === null || operand === undefined || ignored.has(key)) continue;
    if (key === 'and') {
      for (const member of Array.isArray(operand) ? operand : [operand]) {
        const inner = subscriptionGroups(member, ignored);
        groups = groups.flatMap((g) => inner.map((i) => [...g, ...i]));
      }
    } else if (key === 'or') {
      const alternatives = (Array.isArray(operand) ? operand : [operand]).flatMap((m) => subscriptionGroups(m, ignored));
      groups = groups.flatMap((g) => alternatives.map((a) => [...g, ...a]));
    } else if (typeof operand === 'object' && !Array.isArray(operand)) {
      const entries = Object.entries(operand as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([operator, value]) => ({ fieldName: key, operator, value }));
      groups = groups.map((g) => [...g, ...entries]);
    }
  }
  return groups;
}

/**
 * `util.transform.toSubscriptionFilter(obj, ignoredFields?, rules?)`: an object (not a string),
 * `{ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }`. Each rule adds its own
 * group(s), so at least one rule must hold ("included … in such a way that at least one of the
 * rules will be satisfied").
 */
export function toSubscriptionFilter(obj: unknown, ignoredFields?: string[] | null, rules?: unknown): SubscriptionFilter {
  const ignored = new Set(ignoredFields ?? []);
  const base = subscriptionGroups(obj, ignored).filter((g) => g.length > 0);
  if (rules === null || rules === undefined || typeof rules !== 'object') {
    return { filterGroup: base.map((filters) => ({ filters })) };
  }
  const ruleEntries: SubscriptionFilterEntry[] = [];
  for (const [fieldName, ops] of Object.entries(rules as Record<string, unknown>)) {
    if (ops === null || typeof ops !== 'object') continue;
    for (const [operator, value] of Object.entries(ops as Record<string, unknown>)) ruleEntries.push({ fieldName, operator, value });
  }
  const groups = base.length === 0 ? [[]] : base;
  const combined = ruleEntries.length === 0 ? groups : groups.flatMap((g) => ruleEntries.map((r) => [...g, r]));
  return { filterGroup: combined.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

/**
 * `util.transform.toElasticsearchQueryDSL` as the documented example shows it: each field's
 * operators AND-ed in a `bool.must`, fields AND-ed in an outer `bool.must`.
 */
export function toElasticsearchQueryDSL(obj: unknown): string {
  return JSON.stringify(openSearchObject(obj));
}

function openSearchObject(obj: unknown): unknown {
  const must: unknown[] = [];
  for (const [key, operand] of Object.entries((obj ?? {}) as Record<string, unknown>)) {
    if (operand === null || operand === undefined) continue;
    if (key === 'and' || key === 'or') {
      const members = (Array.isArray(operand) ? operand : [operand]).map(openSearchObject);
      must.push({ bool: { [key === 'and' ? 'must' : 'should']: members } });
    } else if (key === 'not') {
      must.push({ bool: { must_not: openSearchObject(operand) } });
    } else {
      const clauses = Object.entries(operand as Record<string, unknown>).map(([op, value]) => openSearchClause(key, op, value));
      must.push(clauses.length === 1 ? clauses[0] : { bool: { must: clauses } });
    }
  }
  return must.length === 1 ? must[0] : { bool: { must } };
}

function openSearchClause(field: string, op: string, value: unknown): unknown {
  switch (op) {
    case 'eq':
      return { term: { [field]: value } };
    case 'ne':
      return { bool: { must_not: { term: { [field]: value } } } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [op]: value } } };
    case 'range': {
      const [low, high] = value as [unknown, unknown];
      return { range: { [field]: { gte: low, lte: high } } };
    }
    case 'exists':
      return value ? { exists: { field } } : { bool: { must_not: { exists: { field } } } };
    case 'match':
    case 'wildcard':
    case 'regexp':
      return { [op]: { [field]: value } };
    case 'matchPhrase':
      return { match_phrase: { [field]: value } };
    case 'matchPhrasePrefix':
      return { match_phrase_prefix: { [field]: value } };
    case 'multiMatch':
      return { multi_match: { query: value, fields: [field] } };
    default:
      return { [op]: { [field]: value } };
  }
}
