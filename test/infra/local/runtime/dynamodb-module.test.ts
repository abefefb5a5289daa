/**
 * The `@aws-appsync/utils/dynamodb` module's request objects. Expected values come from
 * EvaluateCode answers recorded against AWS (localstack/appsync-utils
 * __tests__/__snapshots__/index.test.js.snap and the notes beside its tests), the AWS capture of
 * an UpdateItem with null values (`SET #expName_1 = :expValue_1, …`, `{ NULL: null }`), and the
 * request shapes of https://docs.aws.amazon.com/appsync/latest/devguide/js-resolver-reference-dynamodb.html.
 */
import { describe, expect, it } from 'vitest';
import * as ddb from '../../../../infra/local/runtime/dynamodb-module';

const { operations } = ddb;

describe('request builders', () => {
  it('builds GetItem with the key converted', () => {
    expect(ddb.get({ key: { id: 'id' } })).toEqual({ operation: 'GetItem', key: { id: { S: 'id' } } });
  });

  it('builds PutItem with attributeValues and the key only in key', () => {
    expect(ddb.put({ key: { id: 'abc' }, item: { id: 'abc', value: 10 } })).toEqual({
      operation: 'PutItem',
      key: { id: { S: 'abc' } },
      attributeValues: { value: { N: 10 } },
    });
  });

  it('leaves expressionValues out of a condition that binds no value', () => {
    expect(ddb.put({ key: { id: '1' }, item: { v: 1 }, condition: { v: { attributeExists: false } } }).condition).toEqual({
      expression: '(attribute_not_exists(#v))',
      expressionNames: { '#v': 'v' },
    });
  });

  it('builds DeleteItem and Scan passing its fields through', () => {
    expect(ddb.remove({ key: { id: 'test' } })).toEqual({ operation: 'DeleteItem', key: { id: { S: 'test' } } });
    expect(ddb.scan({ limit: 10, nextToken: 'abc' })).toEqual({ operation: 'Scan', limit: 10, nextToken: 'abc' });
  });

  it('builds a Query whose key condition DynamoDB accepts', () => {
    const request = ddb.query({ query: { pk: { eq: 'a' }, sk: { beginsWith: 'x' } }, index: 'gsi1', limit: 5, scanIndexForward: false });
    expect(request).toEqual({
      operation: 'Query',
      query: {
        expression: '#pk = :pk_eq AND begins_with(#sk, :sk_beginsWith)',
        expressionNames: { '#pk': 'pk', '#sk': 'sk' },
        expressionValues: { ':pk_eq': { S: 'a' }, ':sk_beginsWith': { S: 'x' } },
      },
      index: 'gsi1',
      limit: 5,
      scanIndexForward: false,
    });
  });

  it('builds batch and transaction requests with converted keys and items', () => {
    expect(ddb.batchGet({ tables: { post: { keys: [{ id: '1' }], consistentRead: true } } })).toEqual({
      operation: 'BatchGetItem',
      tables: { post: { keys: [{ id: { S: '1' } }], consistentRead: true } },
    });
    expect(ddb.batchPut({ tables: { post: [{ id: 'one', value: 'x' }] } })).toEqual({
      operation: 'BatchPutItem',
      tables: { post: [{ id: { S: 'one' }, value: { S: 'x' } }] },
    });
    expect(ddb.batchDelete({ tables: { post: [{ id: 'one' }] } })).toEqual({ operation: 'BatchDeleteItem', tables: { post: [{ id: { S: 'one' } }] } });
    expect(ddb.transactGet({ items: [{ table: 'post', key: { id: '1' } }] })).toEqual({
      operation: 'TransactGetItems',
      transactItems: [{ table: 'post', key: { id: { S: '1' } } }],
    });
    expect(
      ddb.transactWrite({
        items: [
          { putItem: { table: 'post', key: { id: '1' }, item: { a: 1 }, condition: { id: { attributeExists: false } } } },
          { conditionCheck: { table: 't', key: { id: '2' }, condition: { v: { eq: 1 } } } },
        ],
      }),
    ).toEqual({
      operation: 'TransactWriteItems',
      transactItems: [
        {
          table: 'post',
          operation: 'PutItem',
          key: { id: { S: '1' } },
          attributeValues: { a: { N: 1 } },
          condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } },
        },
        {
          table: 't',
          operation: 'ConditionCheck',
          key: { id: { S: '2' } },
          condition: { expression: '(#v = :v_eq)', expressionNames: { '#v': 'v' }, expressionValues: { ':v_eq': { N: 1 } } },
        },
      ],
    });
  });

  it('answers number sets with the numbers unchanged', () => {
    expect(ddb.toNumberSet([1, 2, 3])).toEqual({ NS: [1, 2, 3] });
    expect(ddb.toStringSet(['a', 'b'])).toEqual({ SS: ['a', 'b'] });
  });
});

describe('update', () => {
  const update = (u: Record<string, unknown>) => ddb.update({ key: { id: 'test' }, update: u }).update;

  it('sets with operations.add', () => {
    expect(update({ age: operations.add(10) })).toEqual({
      expression: 'SET #expName_1 = :expValue_1',
      expressionNames: { '#expName_1': 'age' },
      expressionValues: { ':expValue_1': { N: 10 } },
    });
  });

  it('appends with list_append(#name, :value)', () => {
    expect(update({ values: operations.append([1, 2, 3]) })).toEqual({
      expression: 'SET #expName_1 = list_append(#expName_1, :expValue_1)',
      expressionNames: { '#expName_1': 'values' },
      expressionValues: { ':expValue_1': { L: [{ N: 1 }, { N: 2 }, { N: 3 }] } },
    });
  });

  it('writes plain values, null included, as numbered SET clauses', () => {
    expect(update({ name: 'Toni Test', imageUrl: null })).toEqual({
      expression: 'SET #expName_1 = :expValue_1, #expName_2 = :expValue_2',
      expressionNames: { '#expName_1': 'name', '#expName_2': 'imageUrl' },
      expressionValues: { ':expValue_1': { S: 'Toni Test' }, ':expValue_2': { NULL: null } },
    });
  });

  it('groups clauses by keyword and numbers aliases in the order they come out', () => {
    expect(update({ b: operations.remove(), a: operations.increment(1) })).toEqual({
      expression: 'SET #expName_1 = #expName_1 + :expValue_1 REMOVE #expName_2',
      expressionNames: { '#expName_1': 'a', '#expName_2': 'b' },
      expressionValues: { ':expValue_1': { N: 1 } },
    });
  });

  it('decrements, prepends and increments by one by default', () => {
    expect(update({ a: operations.decrement(10), l: operations.prepend([1]), c: operations.increment() }).expression).toBe(
      'SET #expName_1 = #expName_1 - :expValue_1, #expName_2 = list_append(:expValue_2, #expName_2), #expName_3 = #expName_3 + :expValue_3',
    );
  });

  it('updates list items under one shared alias', () => {
    expect(update({ f: [operations.updateListItem('x', 1), operations.updateListItem('y', 2)] })).toEqual({
      expression: 'SET #expName_1[1] = :expValue_1, #expName_1[2] = :expValue_2',
      expressionNames: { '#expName_1': 'f' },
      expressionValues: { ':expValue_1': { S: 'x' }, ':expValue_2': { S: 'y' } },
    });
  });

  it('marks operations the way EvaluateCode shows them', () => {
    expect(operations.increment(10)).toEqual({ type: 'OPERATION_INCREMENT', by: 10 });
    expect(operations.append([1, 2, 3])).toEqual({ type: 'OPERATION_APPEND', items: [1, 2, 3] });
    expect(operations.replace({ a: 10 })).toEqual({ type: 'OPERATION_REPLACE', value: { a: 10 } });
    // updateListItem answers an opaque value with no enumerable keys
    expect(Object.keys(operations.updateListItem('foo', 1))).toEqual([]);
  });
});
