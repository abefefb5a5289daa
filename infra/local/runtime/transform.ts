/**
 * `util.transform.*` (https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html)
 * and the filter/condition objects of the `@aws-appsync/utils/dynamodb` module.
 *
 * AWS documents the shape (`{expression, expressionNames, expressionValues}` as a JSON string), not
 * every character. The rendering below follows EvaluateCode captures (localstack/appsync-utils
 * __tests__/transform.test.js, recorded against AWS): each comparison parenthesised; functions
 * without a space after the comma (`(contains(#v,:v_contains))`); the keys of one object joined
 * with ` AND ` and not wrapped, except several operators on one field, which are wrapped; an
 * `and`/`or` of two or more members wrapped, of one member not; value placeholders
 * `:<and_i_|or_i_|not_ …><field>_<op>`; `between` bounds `_start`/`_end`; `in` as
 * `(#v IN (:v_in_0, :v_in_1))`; `size` as `size(#v)` with `_size` in the placeholder; both entry
 * points identical; and `null` (not an error) for input that cannot be rendered.
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

/** Thrown inside the builder when the input cannot be rendered; the public functions answer null. */
class Unrenderable extends Error {
  override name = 'Unrenderable';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};

  private value(placeholder: string, value: unknown): string {
    this.values[placeholder] = toDynamoDB(value) ?? { NULL: null };
    return placeholder;
  }

  /** One filter object: its keys' renderings joined with AND, not wrapped. */
  object(filter: unknown, prefix: string): string {
    if (!isPlainObject(filter)) throw new Unrenderable();
    const parts: string[] = [];
    for (const [key, operand] of Object.entries(filter)) {
      if (operand === undefined) continue;
      if (key === 'and' || key === 'or') parts.push(this.group(key, operand, prefix));
      else if (key === 'not') {
        if (!isPlainObject(operand)) throw new Unrenderable();
        parts.push(`(NOT ${this.object(operand, `${prefix}not_`)})`);
      } else parts.push(this.field(key, operand, prefix));
    }
    return parts.join(' AND ');
  }

  private group(op: 'and' | 'or', operand: unknown, prefix: string): string {
    if (!Array.isArray(operand)) throw new Unrenderable();
    const parts = operand.map((member, index) => this.object(member, `${prefix}${op}_${index}_`));
    const joined = parts.join(op === 'and' ? ' AND ' : ' OR ');
    return parts.length > 1 ? `(${joined})` : joined;
  }

  private field(field: string, operators: unknown, prefix: string): string {
    if (!isPlainObject(operators)) throw new Unrenderable();
    const name = `#${field}`;
    this.names[name] = field;
    return this.operators(name, `${prefix}${field}`, operators);
  }

  /** Several operators on one operand are AND-ed and wrapped. */
  private operators(name: string, base: string, operators: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const [op, value] of Object.entries(operators)) {
      if (value === undefined) continue;
      parts.push(this.comparison(name, base, op, value));
    }
    return parts.length > 1 ? `(${parts.join(' AND ')})` : (parts[0] ?? '');
  }

  private comparison(name: string, base: string, op: string, value: unknown): string {
    const placeholder = `:${base}_${op}`;
    const comparator = COMPARATORS[op];
    if (comparator) return `(${name} ${comparator} ${this.value(placeholder, value)})`;
    switch (op) {
      case 'contains':
        return `(contains(${name},${this.value(placeholder, value)}))`;
      case 'notContains':
        return `(NOT contains(${name},${this.value(placeholder, value)}))`;
      case 'beginsWith':
        return `(begins_with(${name},${this.value(placeholder, value)}))`;
      case 'between': {
        if (!Array.isArray(value) || value.length < 2) throw new Unrenderable();
        const start = this.value(`${placeholder}_start`, value[0]);
        const end = this.value(`${placeholder}_end`, value[1]);
        return `(${name} BETWEEN ${start} AND ${end})`;
      }
      case 'in': {
        if (!Array.isArray(value)) throw new Unrenderable();
        if (value.length === 0) return '(null)';
        return `(${name} IN (${value.map((v, i) => this.value(`${placeholder}_${i}`, v)).join(', ')}))`;
      }
      case 'attributeExists':
        if (typeof value !== 'boolean') throw new Unrenderable();
        return value ? `(attribute_exists(${name}))` : `(attribute_not_exists(${name}))`;
      case 'attributeType': {
        const type = typeof value === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, value) ? ATTRIBUTE_TYPES[value] : undefined;
        if (!type) throw new Unrenderable();
        return `(attribute_type(${name},${this.value(placeholder, type)}))`;
      }
      case 'size': {
        if (!isPlainObject(value)) throw new Unrenderable();
        // A size inside a size names its value again but does not nest the call.
        const sizeName = name.startsWith('size(') ? name : `size(${name})`;
        return this.operators(sizeName, `${base}_size`, value);
      }
      default:
        throw new Unrenderable();
    }
  }
}

function build(filter: unknown): DynamoDBExpression | null {
  const builder = new ExpressionBuilder();
  try {
    const expression = builder.object(filter, '');
    return { expression, expressionNames: builder.names, expressionValues: builder.values };
  } catch (error) {
    if (error instanceof Unrenderable) return null;
    throw error;
  }
}

/** The object behind `toDynamoDBFilterExpression` (used directly by the dynamodb module). */
export function filterExpression(filter: unknown): DynamoDBExpression | null {
  return build(filter);
}

/** The object behind `toDynamoDBConditionExpression`; AWS renders both the same way. */
export function conditionExpression(condition: unknown): DynamoDBExpression | null {
  return build(condition);
}

export interface SubscriptionFilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}
export interface SubscriptionFilter {
  filterGroup: { filters: SubscriptionFilterEntry[] }[];
}

/**
 * All filter groups one filter object stands for: its keys are AND-ed, while several operators on
 * one field and the members of an `or` are alternatives, multiplied out into separate groups
 * (earlier keys varying slowest), as the documented example shows.
 */
function subscriptionGroups(obj: unknown, ignored: Set<string>): SubscriptionFilterEntry[][] {
  let groups: SubscriptionFilterEntry[][] = [[]];
  if (obj === null || typeof obj !== 'object') return groups;
  const combine = (alternatives: SubscriptionFilterEntry[][]): void => {
    const nonEmpty = alternatives.filter((a) => a.length > 0);
    if (nonEmpty.length === 0) return;
    groups = groups.flatMap((g) => nonEmpty.map((a) => [...g, ...a]));
  };
  for (const [key, operand] of Object.entries(obj as Record<string, unknown>)) {
    if (operand === null || operand === undefined || ignored.has(key)) continue;
    if (key === 'and') {
      for (const member of Array.isArray(operand) ? operand : [operand]) combine(subscriptionGroups(member, ignored));
    } else if (key === 'or') {
      combine((Array.isArray(operand) ? operand : [operand]).flatMap((m) => subscriptionGroups(m, ignored)));
    } else if (typeof operand === 'object' && !Array.isArray(operand)) {
      combine(
        Object.entries(operand as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([operator, value]) => [{ fieldName: key, operator, value }]),
      );
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
export function toSubscriptionFilter(obj: unknown, ignoredFields?: string[] | null, rules?: unknown): SubscriptionFilter | null {
  // Not a filter object (null, nothing, a list, a JSON string): AWS answers null, as EvaluateCode
  // recordings show (localstack/appsync-utils __tests__/__snapshots__/transform-subscription.test.js.snap).
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
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
