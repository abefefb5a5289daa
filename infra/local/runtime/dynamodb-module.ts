/**
 * The `@aws-appsync/utils/dynamodb` built-in module
 * (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-modules-js.html): helpers that
 * return the request objects the DynamoDB data source takes
 * (https://docs.aws.amazon.com/appsync/latest/devguide/js-resolver-reference-dynamodb.html).
 *
 * Keys and items are converted with `util.dynamodb.toMapValues`; filters and conditions become
 * `{expression, expressionNames, expressionValues}` like `util.transform`. `update` numbers its
 * placeholders `#expName_1 … :expValue_1 …` in the order the fields appear and writes
 * `SET a = :v, …` clauses; a field set to `null` is written as `NULL` (both as captured from
 * EvaluateCode).
 */
import { toDynamoDB, toMapValues, type AttributeValue } from './dynamodb-utils';
import { conditionExpression, filterExpression, type DynamoDBExpression } from './transform';

type Obj = Record<string, unknown>;

/**
 * Operation markers as EvaluateCode shows them: `{type: 'OPERATION_INCREMENT', by}`,
 * `{type: 'OPERATION_APPEND', items}`, `{type: 'OPERATION_ADD', value}` (localstack/appsync-utils
 * captures). `updateListItem` answers an opaque value with no enumerable keys, so its contents
 * live in a side table.
 */
type OperationType = 'OPERATION_ADD' | 'OPERATION_REMOVE' | 'OPERATION_REPLACE' | 'OPERATION_INCREMENT' | 'OPERATION_DECREMENT' | 'OPERATION_APPEND' | 'OPERATION_PREPEND';
interface Operation {
  type: OperationType;
  value?: unknown;
  by?: number;
  items?: unknown[];
}
const OPERATION_TYPES = new Set<string>(['OPERATION_ADD', 'OPERATION_REMOVE', 'OPERATION_REPLACE', 'OPERATION_INCREMENT', 'OPERATION_DECREMENT', 'OPERATION_APPEND', 'OPERATION_PREPEND']);
const listItemUpdates = new WeakMap<object, { value: unknown; index: number }>();

function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && OPERATION_TYPES.has(String((value as Obj).type));
}

export const operations = {
  add: (value: unknown): Operation => ({ type: 'OPERATION_ADD', value }),
  remove: (): Operation => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown): Operation => ({ type: 'OPERATION_REPLACE', value }),
  increment: (by = 1): Operation => ({ type: 'OPERATION_INCREMENT', by }),
  decrement: (by = 1): Operation => ({ type: 'OPERATION_DECREMENT', by }),
  append: (items: unknown[]): Operation => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown[]): Operation => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number): object => {
    const marker = Object.freeze({});
    listItemUpdates.set(marker, { value, index });
    return marker;
  },
};

/** `['id', 'author.name', 'tags[0]']` → `{expression: '#id, #author.#name, #tags[0]', expressionNames}`. */
function projection(fields: unknown): { expression: string; expressionNames: Record<string, string> } | undefined {
  if (!Array.isArray(fields) || fields.length === 0) return undefined;
  const expressionNames: Record<string, string> = {};
  const paths = fields.map((field) =>
    String(field)
      .split('.')
      .map((segment) => {
        const m = /^([^[]+)((?:\[\d+\])*)$/.exec(segment);
        const name = m ? m[1]! : segment;
        expressionNames[`#${name}`] = name;
        return `#${name}${m ? m[2] : ''}`;
      })
      .join('.'),
  );
  return { expression: paths.join(', '), expressionNames };
}

function withOptional<T extends Obj>(target: T, extras: Obj): T & Obj {
  for (const [k, v] of Object.entries(extras)) if (v !== undefined && v !== null) (target as Obj)[k] = v;
  return target;
}

/**
 * A condition that binds no value carries no `expressionValues` at all (EvaluateCode capture);
 * DynamoDB would refuse an empty ExpressionAttributeValues map anyway.
 */
function condition(value: unknown): Partial<DynamoDBExpression> | undefined {
  return withoutEmptyValues(conditionExpression(value));
}

function withoutEmptyValues(built: DynamoDBExpression | null): Partial<DynamoDBExpression> | undefined {
  if (!built) return undefined;
  const { expressionValues, ...rest } = built;
  return Object.keys(expressionValues).length > 0 ? built : rest;
}

function versioning(payload: Obj): Obj {
  return { customPartitionKey: payload.customPartitionKey, populateIndexFields: payload.populateIndexFields, _version: payload._version };
}

export function get(payload: Obj) {
  return withOptional({ operation: 'GetItem', key: toMapValues(payload.key as Obj) }, {
    consistentRead: payload.consistentRead,
    projection: projection(payload.projection),
  });
}

/** The item's key attributes are sent in `key` only, not repeated in `attributeValues`. */
function itemWithoutKey(item: unknown, key: unknown): Obj {
  const rest: Obj = { ...((item ?? {}) as Obj) };
  for (const k of Object.keys((key ?? {}) as Obj)) delete rest[k];
  return rest;
}

export function put(payload: Obj) {
  return withOptional(
    { operation: 'PutItem', key: toMapValues(payload.key as Obj), attributeValues: toMapValues(itemWithoutKey(payload.item, payload.key)) },
    { condition: condition(payload.condition), ...versioning(payload) },
  );
}

export function remove(payload: Obj) {
  return withOptional({ operation: 'DeleteItem', key: toMapValues(payload.key as Obj) }, { condition: condition(payload.condition), ...versioning(payload) });
}

/**
 * Builds the `update` object of an UpdateItem request. Clauses are grouped by keyword (all SET,
 * then REMOVE), and the `#expName_n`/`:expValue_n` aliases are numbered from 1 in the order they
 * come out — not the order the fields were written; one attribute keeps one alias (two items of
 * one list share it). A plain value (also `null`) is SET as is.
 */
export function updateExpression(update: unknown): DynamoDBExpression {
  type Path = string[];
  const sets: { path: Path; render: (target: string, value: (v: unknown) => string) => string }[] = [];
  const removes: Path[] = [];
  const visit = (obj: Obj, prefix: Path): void => {
    for (const [field, raw] of Object.entries(obj)) {
      if (raw === undefined) continue;
      const path = [...prefix, field];
      if (isOperation(raw)) {
        switch (raw.type) {
          case 'OPERATION_ADD':
          case 'OPERATION_REPLACE':
            sets.push({ path, render: (t, v) => `${t} = ${v(raw.value)}` });
            break;
          case 'OPERATION_REMOVE':
            removes.push(path);
            break;
          case 'OPERATION_INCREMENT':
            sets.push({ path, render: (t, v) => `${t} = ${t} + ${v(raw.by)}` });
            break;
          case 'OPERATION_DECREMENT':
            sets.push({ path, render: (t, v) => `${t} = ${t} - ${v(raw.by)}` });
            break;
          case 'OPERATION_APPEND':
            sets.push({ path, render: (t, v) => `${t} = list_append(${t}, ${v(raw.items)})` });
            break;
          case 'OPERATION_PREPEND':
            sets.push({ path, render: (t, v) => `${t} = list_append(${v(raw.items)}, ${t})` });
            break;
        }
      } else if (Array.isArray(raw) && raw.length > 0 && raw.every((r) => typeof r === 'object' && r !== null && listItemUpdates.has(r))) {
        for (const marker of raw) {
          const { value, index } = listItemUpdates.get(marker as object)!;
          sets.push({ path, render: (t, v) => `${t}[${index}] = ${v(value)}` });
        }
      } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        // A plain nested object updates the listed sub-attributes only.
        visit(raw as Obj, path);
      } else {
        sets.push({ path, render: (t, v) => `${t} = ${v(raw)}` });
      }
    }
  };
  visit((update ?? {}) as Obj, []);

  const names: Record<string, string> = {};
  const aliasOf = new Map<string, string>();
  const alias = (segment: string): string => {
    let a = aliasOf.get(segment);
    if (!a) {
      a = `#expName_${aliasOf.size + 1}`;
      aliasOf.set(segment, a);
      names[a] = segment;
    }
    return a;
  };
  const values: Record<string, AttributeValue> = {};
  const value = (v: unknown): string => {
    const placeholder = `:expValue_${Object.keys(values).length + 1}`;
    values[placeholder] = toDynamoDB(v) ?? { NULL: null };
    return placeholder;
  };
  const clauses: string[] = [];
  if (sets.length > 0) clauses.push(`SET ${sets.map((s) => s.render(s.path.map(alias).join('.'), value)).join(', ')}`);
  if (removes.length > 0) clauses.push(`REMOVE ${removes.map((p) => p.map(alias).join('.')).join(', ')}`);
  return { expression: clauses.join(' '), expressionNames: names, expressionValues: values };
}

export function update(payload: Obj) {
  return withOptional(
    { operation: 'UpdateItem', key: toMapValues(payload.key as Obj), update: updateExpression(payload.update) },
    { condition: condition(payload.condition), ...versioning(payload) },
  );
}

/** The key condition: partition key `eq`, sort key comparison / `between` / `beginsWith`. */
function keyCondition(query: unknown): DynamoDBExpression {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const parts: string[] = [];
  const ops: Record<string, string> = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' };
  for (const [field, conditionObj] of Object.entries((query ?? {}) as Obj)) {
    const name = `#${field}`;
    names[name] = field;
    for (const [op, val] of Object.entries((conditionObj ?? {}) as Obj)) {
      const placeholder = `:${field}_${op}`;
      if (op in ops) {
        values[placeholder] = toDynamoDB(val) ?? { NULL: null };
        parts.push(`${name} ${ops[op]} ${placeholder}`);
      } else if (op === 'between' && Array.isArray(val)) {
        values[`${placeholder}_0`] = toDynamoDB(val[0]) ?? { NULL: null };
        values[`${placeholder}_1`] = toDynamoDB(val[1]) ?? { NULL: null };
        parts.push(`${name} BETWEEN ${placeholder}_0 AND ${placeholder}_1`);
      } else if (op === 'beginsWith') {
        values[placeholder] = toDynamoDB(val) ?? { NULL: null };
        parts.push(`begins_with(${name}, ${placeholder})`);
      }
    }
  }
  return { expression: parts.join(' AND '), expressionNames: names, expressionValues: values };
}

function scanLike(operation: 'Scan' | 'Query', payload: Obj, extra: Obj) {
  return withOptional({ operation, ...extra }, {
    index: payload.index,
    limit: payload.limit,
    nextToken: payload.nextToken,
    consistentRead: payload.consistentRead,
    scanIndexForward: payload.scanIndexForward,
    select: payload.select,
    segment: payload.segment,
    totalSegments: payload.totalSegments,
    filter: withoutEmptyValues(filterExpression(payload.filter)),
    projection: projection(payload.projection),
  });
}

export function query(payload: Obj) {
  return scanLike('Query', payload, { query: keyCondition(payload.query) });
}

export function scan(payload: Obj) {
  return scanLike('Scan', payload, {});
}

export function sync(payload: Obj) {
  return withOptional({ operation: 'Sync' }, {
    basePartitionKey: payload.basePartitionKey,
    deltaIndexName: payload.deltaIndexName,
    limit: payload.limit,
    nextToken: payload.nextToken,
    lastSync: payload.lastSync,
    filter: withoutEmptyValues(filterExpression(payload.filter)),
  });
}

export function batchGet(payload: Obj) {
  const tables: Obj = {};
  for (const [table, spec] of Object.entries((payload.tables ?? {}) as Obj)) {
    const s = spec as Obj;
    tables[table] = withOptional({ keys: ((s.keys ?? []) as Obj[]).map(toMapValues) }, {
      consistentRead: s.consistentRead,
      projection: projection(s.projection),
    });
  }
  return { operation: 'BatchGetItem', tables };
}

export function batchPut(payload: Obj) {
  const tables: Obj = {};
  for (const [table, items] of Object.entries((payload.tables ?? {}) as Obj)) tables[table] = (items as Obj[]).map(toMapValues);
  return { operation: 'BatchPutItem', tables };
}

export function batchDelete(payload: Obj) {
  const tables: Obj = {};
  for (const [table, keys] of Object.entries((payload.tables ?? {}) as Obj)) tables[table] = (keys as Obj[]).map(toMapValues);
  return { operation: 'BatchDeleteItem', tables };
}

export function transactGet(payload: Obj) {
  return {
    operation: 'TransactGetItems',
    transactItems: ((payload.items ?? []) as Obj[]).map((item) =>
      withOptional({ table: item.table, key: toMapValues(item.key as Obj) }, { projection: projection(item.projection) }),
    ),
  };
}

export function transactWrite(payload: Obj) {
  return {
    operation: 'TransactWriteItems',
    transactItems: ((payload.items ?? []) as Obj[]).map((entry) => {
      if (entry.putItem) {
        const p = entry.putItem as Obj;
        return withOptional(
          { table: p.table, operation: 'PutItem', key: toMapValues(p.key as Obj), attributeValues: toMapValues(itemWithoutKey(p.item, p.key)) },
          { condition: condition(p.condition) },
        );
      }
      if (entry.updateItem) {
        const u = entry.updateItem as Obj;
        return withOptional(
          { table: u.table, operation: 'UpdateItem', key: toMapValues(u.key as Obj), update: updateExpression(u.update) },
          { condition: condition(u.condition) },
        );
      }
      if (entry.deleteItem) {
        const d = entry.deleteItem as Obj;
        return withOptional({ table: d.table, operation: 'DeleteItem', key: toMapValues(d.key as Obj) }, { condition: condition(d.condition) });
      }
      if (entry.conditionCheck) {
        const c = entry.conditionCheck as Obj;
        return withOptional({ table: c.table, operation: 'ConditionCheck', key: toMapValues(c.key as Obj) }, { condition: condition(c.condition) });
      }
      return entry;
    }),
  };
}

/**
 * `{ "SS": [...] }` etc. The typings show number sets as strings, but EvaluateCode answers the
 * numbers unchanged (`{ "NS": [1, 2, 3] }`, localstack/appsync-utils capture), like util.dynamodb.
 */
export const toStringSet = (list: string[]) => ({ SS: [...list] });
export const toNumberSet = (numbers: number[]) => ({ NS: [...numbers] });
export const toBinarySet = (values: string[]) => ({ BS: [...values] });

/** The module object handed to `import * as ddb from '@aws-appsync/utils/dynamodb'`. */
export function createDynamodbModule() {
  return Object.freeze({
    get,
    put,
    remove,
    update,
    query,
    scan,
    sync,
    batchGet,
    batchPut,
    batchDelete,
    transactGet,
    transactWrite,
    toStringSet,
    toNumberSet,
    toBinarySet,
    operations: Object.freeze({ ...operations }),
  });
}
