// The DynamoDB data source against a real DynamoDB Local: every request type AppSync documents
// (js-aws-appsync-resolver-reference-dynamodb-*.html) and the ctx.result / ctx.error it hands back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../../infra/local/dynamodb/local';
import { ensureTables } from '../../../../infra/local/dynamodb/tables';
import { invokeDynamoDb, invokeNone, RequestObjectError } from '../../../../infra/local/dynamodb/dataSource';
import { tables, type ForemanTableId as TableId } from '../../../../infra/wiring';

let ddb: DynamoDbLocal;
const names = Object.fromEntries(tables.map((t) => [t.id, `ds-${t.localName}`])) as Record<TableId, string>;
const U = names.Uniques;
const I = names.Ingestions;
const run = (request: unknown, tableName = U) => invokeDynamoDb(request, { client: ddb.client, tableName });

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ inMemory: true, dataDir: '.foreman/unused', quiet: true });
  await ensureTables(ddb.client, tables, names);
});
afterAll(async () => {
  await ddb?.stop();
});

describe('single-item operations', () => {
  it('puts an item and answers it as plain JSON, numbers as numbers and sets as lists', async () => {
    // GIVEN a PutItem with typed values, N given both as a number and as text
    const out = await run({
      operation: 'PutItem',
      key: { key: { S: 'put#1' } },
      attributeValues: { n: { N: 3 }, m: { N: '4.5' }, tags: { SS: ['a', 'b'] }, nested: { M: { ok: { BOOL: true }, none: { NULL: true } } }, list: { L: [{ S: 'x' }, { N: 1 }] } },
    });
    // THEN the result is the written item converted back, key included
    expect(out.error).toBeNull();
    expect(out.result).toEqual({ key: 'put#1', n: 3, m: 4.5, tags: ['a', 'b'], nested: { ok: true, none: null }, list: ['x', 1] });
    // AND GetItem reads the same back
    expect((await run({ operation: 'GetItem', key: { key: { S: 'put#1' } } })).result).toEqual(out.result);
  });

  it('answers null for an item that does not exist', async () => {
    expect(await run({ operation: 'GetItem', key: { key: { S: 'nope' } }, consistentRead: true })).toEqual({ result: null, error: null });
  });

  it('applies a GetItem projection', async () => {
    await run({ operation: 'PutItem', key: { key: { S: 'proj' } }, attributeValues: { a: { S: 'A' }, b: { S: 'B' } } });
    const out = await run({ operation: 'GetItem', key: { key: { S: 'proj' } }, projection: { expression: '#a', expressionNames: { '#a': 'a' } } });
    expect(out.result).toEqual({ a: 'A' });
  });

  it('reports a failed condition as DynamoDB:ConditionalCheckFailedException with the current item', async () => {
    await run({ operation: 'PutItem', key: { key: { S: 'cond' } }, attributeValues: { v: { N: 1 } } });
    const out = await run({
      operation: 'PutItem',
      key: { key: { S: 'cond' } },
      attributeValues: { v: { N: 2 } },
      condition: { expression: 'attribute_not_exists(#k)', expressionNames: { '#k': 'key' } },
    });
    expect(out.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    // The message AppSync shows on the condition-expressions page, with its service suffix.
    expect(out.error?.message).toMatch(/^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: .+\)$/);
    expect(out.result).toEqual({ key: 'cond', v: 1 });
  });

  it('counts a conditional PutItem as a success when the stored item already equals the written one', async () => {
    const put = { operation: 'PutItem', key: { key: { S: 'same' } }, attributeValues: { v: { N: 1 } }, condition: { expression: 'attribute_not_exists(#k)', expressionNames: { '#k': 'key' } } };
    await run(put);
    expect(await run(put)).toEqual({ result: { key: 'same', v: 1 }, error: null });
  });

  it('updates with an expression and answers the new item', async () => {
    await run({ operation: 'PutItem', key: { key: { S: 'upd' } }, attributeValues: { count: { N: 1 } } });
    const out = await run({
      operation: 'UpdateItem',
      key: { key: { S: 'upd' } },
      update: { expression: 'SET #c = #c + :one, #n = :name', expressionNames: { '#c': 'count', '#n': 'name' }, expressionValues: { ':one': { N: 1 }, ':name': { S: 'x' } } },
      condition: { expression: '#c = :expected', expressionNames: { '#c': 'count' }, expressionValues: { ':expected': { N: 1 } } },
    });
    expect(out).toEqual({ result: { key: 'upd', count: 2, name: 'x' }, error: null });
  });

  it('deletes and answers the deleted item; deleting a missing item under a condition is a success', async () => {
    await run({ operation: 'PutItem', key: { key: { S: 'del' } }, attributeValues: { v: { S: 'x' } } });
    expect(await run({ operation: 'DeleteItem', key: { key: { S: 'del' } } })).toEqual({ result: { key: 'del', v: 'x' }, error: null });
    const again = await run({ operation: 'DeleteItem', key: { key: { S: 'del' } }, condition: { expression: 'attribute_exists(#k)', expressionNames: { '#k': 'key' } } });
    expect(again).toEqual({ result: null, error: null });
  });

  it('refuses a malformed typed value before calling DynamoDB', async () => {
    await expect(run({ operation: 'GetItem', key: { key: 'plain' } })).rejects.toBeInstanceOf(RequestObjectError);
    await expect(run({ operation: 'Frobnicate' })).rejects.toThrow(/Unsupported DynamoDB operation/);
  });
});

describe('Query and Scan', () => {
  beforeAll(async () => {
    for (let i = 1; i <= 5; i += 1) {
      await run({ operation: 'PutItem', key: { pk: { S: 'ING#q' }, sk: { S: `ROW#${i}` } }, attributeValues: { n: { N: i }, kind: { S: i === 1 ? 'META' : 'ROW' } } }, I);
    }
  });

  it('pages with limit and nextToken, returning items, nextToken and scannedCount', async () => {
    const query = { expression: '#pk = :pk AND begins_with(#sk, :row)', expressionNames: { '#pk': 'pk', '#sk': 'sk' }, expressionValues: { ':pk': { S: 'ING#q' }, ':row': { S: 'ROW#' } } };
    const first = await run({ operation: 'Query', query, limit: 3 }, I);
    const page1 = first.result as { items: { n: number }[]; nextToken: string | null; scannedCount: number };
    expect(page1.items.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(page1.scannedCount).toBe(3);
    expect(typeof page1.nextToken).toBe('string');
    const second = await run({ operation: 'Query', query, limit: 3, nextToken: page1.nextToken }, I);
    const page2 = second.result as typeof page1;
    expect(page2.items.map((i) => i.n)).toEqual([4, 5]);
    expect(page2.nextToken).toBeNull();
  });

  it('queries backwards with a filter and a projection', async () => {
    const out = await run(
      {
        operation: 'Query',
        query: { expression: '#pk = :pk', expressionNames: { '#pk': 'pk' }, expressionValues: { ':pk': { S: 'ING#q' } } },
        filter: { expression: '#n > :min', expressionNames: { '#n': 'n' }, expressionValues: { ':min': { N: 2 } } },
        projection: { expression: '#n', expressionNames: { '#n': 'n' } },
        scanIndexForward: false,
      },
      I,
    );
    const page = out.result as { items: unknown[]; scannedCount: number };
    expect(page.items).toEqual([{ n: 5 }, { n: 4 }, { n: 3 }]);
    // The filter runs after the read: all five were scanned.
    expect(page.scannedCount).toBe(5);
  });

  it('queries a GSI', async () => {
    await run({ operation: 'PutItem', key: { pk: { S: 'ING#g' }, sk: { S: 'META' } }, attributeValues: { kind: { S: 'INGESTION' }, startedAt: { S: '2026-01-01' } } }, I);
    const out = await run({ operation: 'Query', index: 'byStartedAt', query: { expression: '#k = :k', expressionNames: { '#k': 'kind' }, expressionValues: { ':k': { S: 'INGESTION' } } } }, I);
    expect((out.result as { items: { pk: string }[] }).items.map((i) => i.pk)).toEqual(['ING#g']);
  });

  it('scans with select and refuses a token from another table', async () => {
    const out = await run({ operation: 'Scan', limit: 2, select: 'ALL_ATTRIBUTES' }, I);
    const page = out.result as { items: unknown[]; nextToken: string };
    expect(page.items).toHaveLength(2);
    const wrong = await run({ operation: 'Scan', nextToken: page.nextToken }, U);
    // Refused as a data-source error (AppSync reports DynamoDB's errors as ctx.error with type
    // DynamoDB:<code>), and no item of the other table leaks into the result.
    expect(wrong.result).toBeNull();
    expect(wrong.error).toEqual({ type: expect.stringMatching(/^DynamoDB:/), message: expect.stringMatching(/\S/) });
  });
});

describe('batches', () => {
  it('BatchPutItem, BatchGetItem in key order with null for missing, BatchDeleteItem', async () => {
    const put = await run({ operation: 'BatchPutItem', tables: { [U]: [{ key: { S: 'b1' }, v: { N: 1 } }, { key: { S: 'b2' }, v: { N: 2 } }] } });
    expect(put).toEqual({ result: { data: { [U]: [{ key: 'b1', v: 1 }, { key: 'b2', v: 2 }] }, unprocessedItems: { [U]: [] } }, error: null });
    const get = await run({ operation: 'BatchGetItem', tables: { [U]: { keys: [{ key: { S: 'b2' } }, { key: { S: 'missing' } }, { key: { S: 'b1' } }], consistentRead: true } } });
    expect(get).toEqual({ result: { data: { [U]: [{ key: 'b2', v: 2 }, null, { key: 'b1', v: 1 }] }, unprocessedKeys: { [U]: [] } }, error: null });
    const del = await run({ operation: 'BatchDeleteItem', tables: { [U]: [{ key: { S: 'b1' } }] } });
    expect(del).toEqual({ result: { data: { [U]: [{ key: 'b1' }] }, unprocessedKeys: { [U]: [] } }, error: null });
    expect((await run({ operation: 'GetItem', key: { key: { S: 'b1' } } })).result).toBeNull();
  });
});

describe('transactions', () => {
  const claim = (key: string) => ({
    table: U,
    operation: 'PutItem',
    key: { key: { S: key } },
    attributeValues: { owner: { S: 'c1' } },
    condition: { expression: 'attribute_not_exists(#k)', expressionNames: { '#k': 'key' } },
  });

  it('writes all items and answers their keys in request order', async () => {
    const out = await run({ operation: 'TransactWriteItems', transactItems: [claim('t1'), { table: I, operation: 'PutItem', key: { pk: { S: 'T' }, sk: { S: '1' } }, attributeValues: {} }] });
    expect(out).toEqual({ result: { keys: [{ key: 't1' }, { pk: 'T', sk: '1' }], cancellationReasons: null }, error: null });
  });

  it('answers cancellationReasons aligned with the request, the failing item included, and sets ctx.error', async () => {
    // GIVEN t2 already claimed
    await run({ operation: 'TransactWriteItems', transactItems: [claim('t2')] });
    // WHEN a transaction claims t3 (free), t2 (taken), then checks an update
    const out = await run({
      operation: 'TransactWriteItems',
      transactItems: [
        claim('t3'),
        claim('t2'),
        { table: I, operation: 'UpdateItem', key: { pk: { S: 'T' }, sk: { S: '1' } }, update: { expression: 'SET #x = :x', expressionNames: { '#x': 'x' }, expressionValues: { ':x': { N: 1 } } } },
      ],
    });
    // THEN nothing is written, the error names the cancellation, and the reasons line up
    expect(out.error?.type).toBe('DynamoDB:TransactionCanceledException');
    expect(out.result).toEqual({
      keys: null,
      cancellationReasons: [
        { type: 'None', message: 'None' },
        { type: 'ConditionCheckFailed', message: 'The condition check failed.', item: { key: 't2', owner: 'c1' } },
        { type: 'None', message: 'None' },
      ],
    });
    expect((await run({ operation: 'GetItem', key: { key: { S: 't3' } } })).result).toBeNull();
  });

  it('leaves the item out of the reason when returnValuesOnConditionCheckFailure is false', async () => {
    const item = claim('t2');
    const out = await run({ operation: 'TransactWriteItems', transactItems: [{ ...item, condition: { ...item.condition, returnValuesOnConditionCheckFailure: false } }] });
    expect(out.result).toEqual({ keys: null, cancellationReasons: [{ type: 'ConditionCheckFailed', message: 'The condition check failed.' }] });
  });

  it('supports ConditionCheck and DeleteItem in a transaction', async () => {
    const out = await run({
      operation: 'TransactWriteItems',
      transactItems: [
        { table: U, operation: 'ConditionCheck', key: { key: { S: 't1' } }, condition: { expression: 'attribute_exists(#k)', expressionNames: { '#k': 'key' } } },
        { table: U, operation: 'DeleteItem', key: { key: { S: 't2' } } },
      ],
    });
    expect(out.error).toBeNull();
    expect((await run({ operation: 'GetItem', key: { key: { S: 't2' } } })).result).toBeNull();
  });

  it('TransactGetItems answers items in order, null for missing', async () => {
    const out = await run({ operation: 'TransactGetItems', transactItems: [{ table: U, key: { key: { S: 'nobody' } } }, { table: U, key: { key: { S: 't1' } } }] });
    expect(out).toEqual({ result: { items: [null, { key: 't1', owner: 'c1' }], cancellationReasons: null }, error: null });
  });
});

describe('NONE data source', () => {
  it('answers the payload of the request', () => {
    expect(invokeNone({ payload: { a: 1 } })).toEqual({ result: { a: 1 }, error: null });
    expect(invokeNone({})).toEqual({ result: null, error: null });
  });
});
