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

interface Operation {
  _type: 'add' | 'remove' | 'replace' | 'increment' | 'decrement' | 'append' | 'prepend' | 'updateListItem';
  value?: unknown;
  by?: number;
  index?: number;
}

function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Obj)._type === 'string';
}

export const operations = {
  add: (value: unknown): Operation => ({ _type: 'add', value }),
  remove: (): Operation => ({ _type: 'remove' }),
  replace: (value: unknown): Operation => ({ _type: 'replace', value }),
  increment: (by = 1): Operation => ({ _type: 'increment', by }),
  decrement: (by = 1): Operation => ({ _type: 'decrement', by }),
  append: (value: unknown[]): Operation => ({ _type: 'append', value }),
  prepend: (value: unknown[]): Operation => ({ _type: 'prepend', value }),
  updateListItem: (value: unknown, index: number): Operation => ({ _type: 'updateListItem', value, index }),
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

function withOptional<T extends Obj>(target: T, extras: Obj): T {
  for (const [k, v] of Object.entries(extras)) if (v !== undefined && v !== null) (target as Obj)[k] = v;
  return target;
}

/** DynamoDB refuses an empty ExpressionAttributeValues map, so an empty one is left out. */
function condition(value: unknown): Partial<DynamoDBExpression> | undefined {
  const built = conditionExpression(value);
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

/** Builds the `update` object of an UpdateItem request from an update description. */
export function updateExpression(update: unknown): DynamoDBExpression {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const set: string[] = [];
  const removed: string[] = [];
  let n = 0;
  const name = (field: string): string => {
    n += 1;
    const placeholder = `#expName_${n}`;
    names[placeholder] = field;
    return placeholder;
  };
  let v = 0;
  const value = (val: unknown): string => {
    v += 1;
    const placeholder = `:expValue_${v}`;
    values[placeholder] = toDynamoDB(val) ?? { NULL: null };
    return placeholder;
  };
  const visit = (obj: Obj, prefix: string): void => {
    for (const [field, raw] of Object.entries(obj)) {
      if (raw === undefined) continue;
      const path = `${prefix}${name(field)}`;
      if (isOperation(raw)) {
        switch (raw._type) {
          case 'add':
          case 'replace':
            set.push(`${path} = ${value(raw.value)}`);
            break;
          case 'remove':
            removed.push(path);
            break;
          case 'increment':
            set.push(`${path} = ${path} + ${value(raw.by)}`);
            break;
          case 'decrement':
            set.push(`${path} = ${path} - ${value(raw.by)}`);
            break;
          case 'append':
            set.push(`${path} = list_append(${path}, ${value(raw.value)})`);
            break;
          case 'prepend':
            set.push(`${path} = list_append(${value(raw.value)}, ${path})`);
            break;
          case 'updateListItem':
            set.push(`${path}[${raw.index}] = ${value(raw.value)}`);
            break;
        }
      } else if (Array.isArray(raw) && raw.length > 0 && raw.every(isOperation)) {
        for (const op of raw) if (op._type === 'updateListItem') set.push(`${path}[${op.index}] = ${value(op.value)}`);
      } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        // A plain nested object updates the listed sub-attributes only.
        visit(raw as Obj, `${path}.`);
      } else {
        set.push(`${path} = ${value(raw)}`);
      }
    }
  };
  visit((update ?? {}) as Obj, '');
  const clauses: string[] = [];
  if (set.length > 0) clauses.push(`SET ${set.join(', ')}`);
  if (removed.length > 0) clauses.push(`REMOVE ${removed.join(', ')}`);
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
    filter: filterExpression(payload.filter) ?? undefined,
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
    filter: filterExpression(payload.filter) ?? undefined,
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

/** `{ "SS": [...] }` etc. The module's typings document number sets as strings (`{ "NS": ["1", "2", "3"] }`). */
export const toStringSet = (list: string[]) => ({ SS: [...list] });
export const toNumberSet = (numbers: number[]) => ({ NS: numbers.map((x) => String(x)) });
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
