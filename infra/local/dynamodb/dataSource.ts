/**
 * The AMAZON_DYNAMODB data source: turns the request objects APPSYNC_JS handlers return
 * (js-aws-appsync-resolver-reference-dynamodb-*.html) into real DynamoDB calls and hands back
 * `ctx.result` / `ctx.error` the way AppSync does: plain JSON (sets become lists, numbers become
 * numbers), `{items, nextToken, scannedCount}` pages, `{data, unprocessedKeys}` batches and
 * `{keys|items, cancellationReasons}` transactions.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type AttributeValue,
  type CancellationReason,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';

import { RequestObjectError, isObject } from '../datasources/errors';
import type { DataSourceOutcome } from '../datasources/types';

export { RequestObjectError } from '../datasources/errors';
export { invokeNone } from '../datasources/none';
export type { DataSourceOutcome } from '../datasources/types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Typed = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

interface Expression {
  expression?: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, Typed>;
}

// ---------------------------------------------------------------------------------------------
// typed JSON ⇄ SDK AttributeValue ⇄ plain JSON
// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new RequestObjectError(message);
}

function numberText(value: unknown, where: string): string {
  // AppSync's JS docs show N as a JSON number, some captures as a string: accept both.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return value;
  return fail(`${where}: N must be a number, got ${JSON.stringify(value)}`);
}

/** AppSync typed value (`{"S": "x"}`, `{"N": 1}`, …) → SDK AttributeValue. */
export function toAttributeValue(value: unknown, where = 'value'): AttributeValue {
  if (!isObject(value)) return fail(`${where}: expected a typed DynamoDB value such as {"S": "…"}, got ${JSON.stringify(value)}`);
  const keys = Object.keys(value);
  if (keys.length !== 1) return fail(`${where}: a typed value has exactly one type key, got ${JSON.stringify(keys)}`);
  const type = keys[0]!;
  const v = value[type];
  switch (type) {
    case 'S':
      return typeof v === 'string' ? { S: v } : fail(`${where}: S must be a string`);
    case 'N':
      return { N: numberText(v, where) };
    case 'B':
      return typeof v === 'string' ? { B: Buffer.from(v, 'base64') } : fail(`${where}: B must be base64 text`);
    case 'BOOL':
      return typeof v === 'boolean' ? { BOOL: v } : fail(`${where}: BOOL must be true or false`);
    case 'NULL':
      return { NULL: true };
    case 'SS':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? { SS: v as string[] } : fail(`${where}: SS must be a list of strings`);
    case 'NS':
      return Array.isArray(v) ? { NS: v.map((n) => numberText(n, where)) } : fail(`${where}: NS must be a list of numbers`);
    case 'BS':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? { BS: (v as string[]).map((s) => Buffer.from(s, 'base64')) } : fail(`${where}: BS must be a list of base64 text`);
    case 'L':
      return Array.isArray(v) ? { L: v.map((e, i) => toAttributeValue(e, `${where}[${i}]`)) } : fail(`${where}: L must be a list`);
    case 'M':
      return isObject(v) ? { M: toItem(v, where) } : fail(`${where}: M must be a map`);
    default:
      return fail(`${where}: unknown DynamoDB type ${JSON.stringify(type)}`);
  }
}

/** A map of typed values → SDK item. */
export function toItem(value: unknown, where = 'item'): Item {
  if (!isObject(value)) return fail(`${where}: expected a map of typed values`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAttributeValue(v, `${where}.${k}`)]));
}

function plainNumber(text: string): number {
  return Number(text);
}

/** SDK AttributeValue → plain JSON as AppSync hands it to resolvers (sets become lists). */
export function fromAttributeValue(value: AttributeValue): Json {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return plainNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(plainNumber);
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromItem(value.M);
  return null;
}

export function fromItem(item: Item): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fromAttributeValue(v)]));
}

// ---------------------------------------------------------------------------------------------
// expressions, tokens, errors
// ---------------------------------------------------------------------------------------------

interface Merged {
  names: Record<string, string>;
  values: Item;
}

function expressionOf(value: unknown, where: string, merged: Merged): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return fail(`${where} must be an object {expression, expressionNames?, expressionValues?}`);
  const e = value as Expression;
  if (typeof e.expression !== 'string') return fail(`${where}.expression must be a string`);
  Object.assign(merged.names, e.expressionNames ?? {});
  if (e.expressionValues !== undefined) Object.assign(merged.values, toItem(e.expressionValues, `${where}.expressionValues`));
  return e.expression;
}

function namesAndValues(merged: Merged): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item } {
  return {
    ExpressionAttributeNames: Object.keys(merged.names).length ? merged.names : undefined,
    ExpressionAttributeValues: Object.keys(merged.values).length ? merged.values : undefined,
  };
}

function emptyMerged(): Merged {
  return { names: {}, values: {} };
}

/**
 * AppSync's tokens are opaque, versioned and encrypted (`{"version":…,"token":…}` in base64);
 * ours carry the LastEvaluatedKey in the clear, wrapped the same way, bound to table and index.
 */
function encodeToken(lastKey: Item | undefined, table: string, index: string | undefined): string | null {
  if (!lastKey) return null;
  const inner = Buffer.from(JSON.stringify({ t: table, i: index ?? null, k: fromTypedItem(lastKey) })).toString('base64');
  return Buffer.from(JSON.stringify({ version: 1, token: inner })).toString('base64');
}

function fromTypedItem(item: Item): Record<string, Typed> {
  // Keys contain only S/N/B values.
  return Object.fromEntries(
    Object.entries(item).map(([k, v]) => [k, v.S !== undefined ? { S: v.S } : v.N !== undefined ? { N: v.N } : { B: Buffer.from(v.B ?? new Uint8Array()).toString('base64') }]),
  );
}

class InvalidTokenError extends Error {}

function decodeToken(token: unknown, table: string, index: string | undefined): Item | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    if (typeof token !== 'string') throw new InvalidTokenError();
    const outer = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { version?: number; token?: string };
    const inner = JSON.parse(Buffer.from(String(outer.token), 'base64').toString('utf8')) as { t: string; i: string | null; k: unknown };
    if (inner.t !== table || inner.i !== (index ?? null)) throw new InvalidTokenError();
    return toItem(inner.k);
  } catch {
    throw new InvalidTokenError();
  }
}

/**
 * AppSync passes DynamoDB's error on as `ctx.error` with `type` `DynamoDB:<ErrorCode>` and the
 * message in the AWS SDK for Java's format (condition-expressions page: "The conditional request
 * failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException;
 * Request ID: …)").
 */
export function dynamoError(error: unknown): { message: string; type: string } {
  if (error instanceof DynamoDBServiceException) {
    const status = error.$metadata.httpStatusCode ?? 400;
    const requestId = error.$metadata.requestId ?? 'null';
    const message = error.message.replace(/\s+$/, '');
    return {
      type: `DynamoDB:${error.name}`,
      message: `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${error.name}; Request ID: ${requestId})`,
    };
  }
  return { type: 'DynamoDB:AmazonDynamoDBException', message: error instanceof Error ? error.message : String(error) };
}

/** AppSync's names for DynamoDB's cancellation codes (transact-write-items page). */
function cancellationReason(reason: CancellationReason): Record<string, Json> {
  const code = reason.Code ?? 'None';
  const out: Record<string, Json> = {};
  if (reason.Item) out.item = fromItem(reason.Item);
  if (code === 'ConditionalCheckFailed') {
    out.type = 'ConditionCheckFailed';
    out.message = 'The condition check failed.';
  } else if (code === 'None') {
    out.type = 'None';
    out.message = 'None';
  } else {
    out.type = code;
    out.message = reason.Message ?? code;
  }
  return out;
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return JSON.stringify(a ? fromAttributeValue(a) : undefined) === JSON.stringify(b ? fromAttributeValue(b) : undefined);
}

function itemsEqual(a: Item, b: Item, ignore: string[]): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !ignore.includes(k)));
  for (const k of keys) if (!sameValue(a[k], b[k])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// operations
// ---------------------------------------------------------------------------------------------

export interface DynamoDbDataSourceOptions {
  client: DynamoDBClient;
  /** The table the data source is attached to (GetItem/PutItem/… name no table). */
  tableName: string;
}

function projectionOf(value: unknown, merged: Merged): string | undefined {
  return expressionOf(value, 'projection', merged);
}

function str(value: unknown, where: string): string {
  return typeof value === 'string' ? value : fail(`${where} must be a string`);
}

function optionalInt(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  return Number.isInteger(value) ? (value as number) : fail(`${where} must be an integer`);
}

function optionalBool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

interface ConditionSpec extends Expression {
  equalsIgnore?: string[];
  consistentRead?: boolean;
  conditionalCheckFailedHandler?: { strategy?: string; lambdaArn?: string };
}

/**
 * Runs one request object against DynamoDB.
 * @returns `ctx.result` and `ctx.error` for the response handler
 * @throws RequestObjectError when the request object is malformed
 */
export async function invokeDynamoDb(request: unknown, options: DynamoDbDataSourceOptions): Promise<DataSourceOutcome> {
  if (!isObject(request)) return fail('The request handler must return a DynamoDB request object');
  const operation = request.operation;
  const { client, tableName } = options;
  try {
    switch (operation) {
      case 'GetItem': {
        const merged = emptyMerged();
        const projection = projectionOf(request.projection, merged);
        const out = await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: toItem(request.key, 'key'),
            ConsistentRead: optionalBool(request.consistentRead),
            ProjectionExpression: projection,
            ExpressionAttributeNames: Object.keys(merged.names).length ? merged.names : undefined,
          }),
        );
        return { result: out.Item ? fromItem(out.Item) : null, error: null };
      }
      case 'PutItem': {
        const key = toItem(request.key, 'key');
        const item = { ...toItem(request.attributeValues ?? {}, 'attributeValues'), ...key };
        return await conditional(client, tableName, key, request.condition as ConditionSpec | undefined, 'PutItem', async (merged, condition) => {
          await client.send(new PutItemCommand({ TableName: tableName, Item: item, ConditionExpression: condition, ...namesAndValues(merged) }));
          return fromItem(item);
        }, item);
      }
      case 'UpdateItem': {
        const key = toItem(request.key, 'key');
        return await conditional(client, tableName, key, request.condition as ConditionSpec | undefined, 'UpdateItem', async (merged, condition) => {
          const update = expressionOf(request.update, 'update', merged) ?? fail('UpdateItem needs update.expression');
          const out = await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: update,
              ConditionExpression: condition,
              ReturnValues: 'ALL_NEW',
              ...namesAndValues(merged),
            }),
          );
          return out.Attributes ? fromItem(out.Attributes) : null;
        });
      }
      case 'DeleteItem': {
        const key = toItem(request.key, 'key');
        return await conditional(client, tableName, key, request.condition as ConditionSpec | undefined, 'DeleteItem', async (merged, condition) => {
          const out = await client.send(
            new DeleteItemCommand({ TableName: tableName, Key: key, ConditionExpression: condition, ReturnValues: 'ALL_OLD', ...namesAndValues(merged) }),
          );
          return out.Attributes ? fromItem(out.Attributes) : null;
        });
      }
      case 'Query':
      case 'Scan':
        return await queryOrScan(client, tableName, operation, request);
      case 'BatchGetItem':
        return await batchGet(client, request);
      case 'BatchPutItem':
      case 'BatchDeleteItem':
        return await batchWrite(client, request, operation);
      case 'TransactGetItems':
        return await transactGet(client, request);
      case 'TransactWriteItems':
        return await transactWrite(client, request);
      case 'Sync':
        return fail('The Sync operation needs a versioned data source (conflict detection), which the local stack does not emulate');
      default:
        return fail(`Unsupported DynamoDB operation ${JSON.stringify(operation)}`);
    }
  } catch (error) {
    if (error instanceof RequestObjectError) throw error;
    if (error instanceof InvalidTokenError) {
      // AppSync refuses a token it did not issue for this resolver [U: exact wording unverified].
      return { result: null, error: { type: 'DynamoDB:DynamoDbException', message: 'Invalid pagination token given.' } };
    }
    return { result: null, error: dynamoError(error) };
  }
}

/**
 * PutItem/UpdateItem/DeleteItem with an optional condition. When the condition fails AppSync
 * re-reads the item (strongly consistent unless `consistentRead: false`) and treats the operation
 * as a success if the stored item already is the desired result — for PutItem, equal to what was
 * written ignoring `equalsIgnore`; for DeleteItem, absent (condition-expressions page, "Handling a
 * condition check failure"). Otherwise `ctx.error` is the conditional failure and `ctx.result`
 * the current item [U: ctx.result contents for the Reject strategy].
 */
async function conditional(
  client: DynamoDBClient,
  tableName: string,
  key: Item,
  condition: ConditionSpec | undefined,
  operation: 'PutItem' | 'UpdateItem' | 'DeleteItem',
  run: (merged: Merged, condition: string | undefined) => Promise<unknown>,
  desired?: Item,
): Promise<DataSourceOutcome> {
  const merged = emptyMerged();
  const expression = expressionOf(condition, 'condition', merged);
  if (condition?.conditionalCheckFailedHandler?.strategy === 'Custom') {
    fail('conditionalCheckFailedHandler strategy Custom (a Lambda) is not supported by the local stack');
  }
  try {
    return { result: await run(merged, expression), error: null };
  } catch (error) {
    if (!(error instanceof DynamoDBServiceException) || error.name !== 'ConditionalCheckFailedException') throw error;
    const current = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: condition?.consistentRead ?? true }));
    if (operation === 'PutItem' && current.Item && desired && itemsEqual(current.Item, desired, condition?.equalsIgnore ?? [])) {
      return { result: fromItem(current.Item), error: null };
    }
    if (operation === 'DeleteItem' && !current.Item) return { result: null, error: null };
    return { result: current.Item ? fromItem(current.Item) : null, error: dynamoError(error) };
  }
}

async function queryOrScan(client: DynamoDBClient, tableName: string, operation: 'Query' | 'Scan', request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const merged = emptyMerged();
  const index = request.index === undefined || request.index === null ? undefined : str(request.index, 'index');
  const keyCondition = operation === 'Query' ? (expressionOf(request.query, 'query', merged) ?? fail('Query needs query.expression')) : undefined;
  const filter = expressionOf(request.filter, 'filter', merged);
  const projection = projectionOf(request.projection, merged);
  const select = request.select === undefined || request.select === null ? undefined : str(request.select, 'select');
  if (select !== undefined && !['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES'].includes(select)) {
    fail(`select must be ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES or SPECIFIC_ATTRIBUTES, got ${select}`);
  }
  const common = {
    TableName: tableName,
    IndexName: index,
    Limit: optionalInt(request.limit, 'limit'),
    ExclusiveStartKey: decodeToken(request.nextToken, tableName, index),
    ConsistentRead: optionalBool(request.consistentRead),
    FilterExpression: filter,
    ProjectionExpression: projection,
    Select: (projection && !select ? 'SPECIFIC_ATTRIBUTES' : select) as 'ALL_ATTRIBUTES' | undefined,
    ...namesAndValues(merged),
  };
  const out =
    operation === 'Query'
      ? await client.send(new QueryCommand({ ...common, KeyConditionExpression: keyCondition, ScanIndexForward: optionalBool(request.scanIndexForward) }))
      : await client.send(
          new ScanCommand({ ...common, Segment: optionalInt(request.segment, 'segment'), TotalSegments: optionalInt(request.totalSegments, 'totalSegments') }),
        );
  return {
    result: {
      items: (out.Items ?? []).map(fromItem),
      nextToken: encodeToken(out.LastEvaluatedKey, tableName, index),
      scannedCount: out.ScannedCount ?? 0,
    },
    error: null,
  };
}

function tablesOf(request: Record<string, unknown>): Record<string, unknown> {
  return isObject(request.tables) ? request.tables : fail('tables must be a map of table name → entries');
}

/**
 * An item's identity under the key attributes `names` (S/N/B values, as DynamoDB keys are): equal
 * ids ⇔ the same key. Numbers go through Number() so `1` and `1.0` name the same key, as in DynamoDB.
 */
function keyId(item: Item, names: string[]): string {
  return JSON.stringify(
    names.map((n) => {
      const v = item[n];
      if (v?.S !== undefined) return ['S', v.S];
      if (v?.N !== undefined) return ['N', Number(v.N)];
      if (v?.B !== undefined) return ['B', Buffer.from(v.B).toString('base64')];
      return null;
    }),
  );
}

async function batchGet(client: DynamoDBClient, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const tables = tablesOf(request);
  const requestItems: Record<string, { Keys: Item[]; ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }> = {};
  const wanted: Record<string, Item[]> = {};
  for (const [table, spec] of Object.entries(tables)) {
    if (!isObject(spec) || !Array.isArray(spec.keys)) fail(`tables.${table} must be {keys: [...], consistentRead?, projection?}`);
    const merged = emptyMerged();
    const keys = (spec.keys as unknown[]).map((k, i) => toItem(k, `tables.${table}.keys[${i}]`));
    wanted[table] = keys;
    if (keys.length === 0) continue;
    const projection = projectionOf(spec.projection, merged);
    requestItems[table] = {
      Keys: keys,
      ConsistentRead: optionalBool(spec.consistentRead),
      ProjectionExpression: projection,
      ExpressionAttributeNames: Object.keys(merged.names).length ? merged.names : undefined,
    };
  }
  const found: Record<string, Item[]> = {};
  const unprocessed: Record<string, Item[]> = {};
  if (Object.keys(requestItems).length) {
    const out = await client.send(new BatchGetItemCommand({ RequestItems: requestItems }));
    Object.assign(found, out.Responses ?? {});
    for (const [table, rest] of Object.entries(out.UnprocessedKeys ?? {})) unprocessed[table] = rest.Keys ?? [];
  }
  // AppSync answers in the order of the requested keys, null where no item exists. Found items
  // and skipped keys are indexed by key once: matching every requested key against every found
  // item was quadratic (100 × 100 comparisons for a full import batch on a resumed run).
  const data: Record<string, Json[]> = {};
  const unprocessedKeys: Record<string, Json[]> = {};
  for (const [table, keys] of Object.entries(wanted)) {
    const skipped = unprocessed[table] ?? [];
    const names = keys.length ? Object.keys(keys[0]!) : [];
    const skippedIds = new Set(skipped.map((k) => keyId(k, names)));
    const byKey = new Map<string, Item>();
    for (const item of found[table] ?? []) byKey.set(keyId(item, names), item);
    data[table] = keys
      .filter((key) => !skippedIds.has(keyId(key, names)))
      .map((key) => {
        const item = byKey.get(keyId(key, names));
        return item ? fromItem(item) : null;
      });
    unprocessedKeys[table] = skipped.map(fromItem);
  }
  return { result: { data, unprocessedKeys }, error: null };
}

async function batchWrite(client: DynamoDBClient, request: Record<string, unknown>, operation: 'BatchPutItem' | 'BatchDeleteItem'): Promise<DataSourceOutcome> {
  const tables = tablesOf(request);
  const requestItems: Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]> = {};
  const written: Record<string, Item[]> = {};
  for (const [table, entries] of Object.entries(tables)) {
    if (!Array.isArray(entries)) fail(`tables.${table} must be a list`);
    const items = (entries as unknown[]).map((e, i) => toItem(e, `tables.${table}[${i}]`));
    written[table] = items;
    if (items.length) requestItems[table] = items.map((item) => (operation === 'BatchPutItem' ? { PutRequest: { Item: item } } : { DeleteRequest: { Key: item } }));
  }
  const unprocessed: Record<string, Item[]> = {};
  if (Object.keys(requestItems).length) {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: requestItems }));
    for (const [table, rest] of Object.entries(out.UnprocessedItems ?? {})) {
      unprocessed[table] = rest.map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {});
    }
  }
  const data: Record<string, Json[]> = {};
  const left: Record<string, Json[]> = {};
  for (const [table, items] of Object.entries(written)) {
    const skipped = unprocessed[table] ?? [];
    data[table] = items.filter((item) => !skipped.some((s) => itemsEqual(s, item, []))).map(fromItem);
    left[table] = skipped.map(fromItem);
  }
  return { result: operation === 'BatchPutItem' ? { data, unprocessedItems: left } : { data, unprocessedKeys: left }, error: null };
}

function transactItemsOf(request: Record<string, unknown>): Record<string, unknown>[] {
  const items = request.transactItems;
  if (!Array.isArray(items) || !items.every(isObject)) fail('transactItems must be a list of objects');
  return items as Record<string, unknown>[];
}

async function transactGet(client: DynamoDBClient, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const items = transactItemsOf(request);
  const transactItems = items.map((entry, i) => {
    const merged = emptyMerged();
    const projection = projectionOf(entry.projection, merged);
    return {
      Get: {
        TableName: str(entry.table, `transactItems[${i}].table`),
        Key: toItem(entry.key, `transactItems[${i}].key`),
        ProjectionExpression: projection,
        ExpressionAttributeNames: Object.keys(merged.names).length ? merged.names : undefined,
      },
    };
  });
  try {
    const out = await client.send(new TransactGetItemsCommand({ TransactItems: transactItems }));
    return { result: { items: (out.Responses ?? []).map((r) => (r.Item ? fromItem(r.Item) : null)), cancellationReasons: null }, error: null };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    return { result: { items: null, cancellationReasons: (error.CancellationReasons ?? []).map(cancellationReason) }, error: dynamoError(error) };
  }
}

async function transactWrite(client: DynamoDBClient, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const items = transactItemsOf(request);
  const keys: Item[] = [];
  const transactItems: TransactWriteItem[] = items.map((entry, i) => {
    const where = `transactItems[${i}]`;
    const table = str(entry.table, `${where}.table`);
    const key = toItem(entry.key, `${where}.key`);
    keys.push(key);
    const merged = emptyMerged();
    const condition = isObject(entry.condition) ? entry.condition : undefined;
    const conditionExpression = expressionOf(condition, `${where}.condition`, merged);
    // The old item comes back in the cancellation reasons unless the resolver opts out.
    const returnOld = condition?.returnValuesOnConditionCheckFailure === false ? undefined : ('ALL_OLD' as const);
    switch (entry.operation) {
      case 'PutItem':
        return {
          Put: {
            TableName: table,
            Item: { ...toItem(entry.attributeValues ?? {}, `${where}.attributeValues`), ...key },
            ConditionExpression: conditionExpression,
            ReturnValuesOnConditionCheckFailure: conditionExpression ? returnOld : undefined,
            ...namesAndValues(merged),
          },
        };
      case 'UpdateItem': {
        const update = expressionOf(entry.update, `${where}.update`, merged) ?? fail(`${where}: UpdateItem needs update.expression`);
        return {
          Update: {
            TableName: table,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: conditionExpression,
            ReturnValuesOnConditionCheckFailure: conditionExpression ? returnOld : undefined,
            ...namesAndValues(merged),
          },
        };
      }
      case 'DeleteItem':
        return {
          Delete: {
            TableName: table,
            Key: key,
            ConditionExpression: conditionExpression,
            ReturnValuesOnConditionCheckFailure: conditionExpression ? returnOld : undefined,
            ...namesAndValues(merged),
          },
        };
      case 'ConditionCheck':
        return {
          ConditionCheck: {
            TableName: table,
            Key: key,
            ConditionExpression: conditionExpression ?? fail(`${where}: ConditionCheck needs a condition`),
            ReturnValuesOnConditionCheckFailure: returnOld,
            ...namesAndValues(merged),
          },
        };
      default:
        return fail(`${where}.operation must be PutItem, UpdateItem, DeleteItem or ConditionCheck`);
    }
  });
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: transactItems }));
    return { result: { keys: keys.map(fromItem), cancellationReasons: null }, error: null };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    return { result: { keys: null, cancellationReasons: (error.CancellationReasons ?? []).map(cancellationReason) }, error: dynamoError(error) };
  }
}
