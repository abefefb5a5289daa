// A DynamoDB data source the wiring declares `access: 'read'` (Foreman's ImportChecks) runs only
// reads locally, as its IAM role allows in AWS (infra/aws/stack.ts DYNAMODB_ACTIONS): a write request
// answers AccessDeniedException before DynamoDB is touched.
import { describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../infra/local/datasources';
import { DYNAMODB_UNAVAILABLE, READ_OPERATIONS } from '../../../../infra/local/datasources/dynamodb';
import type { DataSourceCall } from '../../../../infra/local/datasources/types';
import { DYNAMODB_ACTIONS } from '../../../../infra/aws/stack';
import { dataSources } from '../../../../infra/wiring';

const call = (request: unknown): DataSourceCall => ({ request, field: 'Query.checkFile', context: {} as DataSourceCall['context'] });
// No DynamoDB client at all: a request that gets past the access check answers "unavailable".
const deps = { root: '.', dataDir: null, tableNames: { Ingestions: 'foreman-ingestions' }, dynamodb: () => null };

describe('a read-only DynamoDB data source in the local stack', () => {
  const readOnly = createDataSource({ name: 'ImportChecks', kind: 'AMAZON_DYNAMODB', table: 'Ingestions', alsoTouches: [], access: 'read' }, deps);
  const readWrite = createDataSource({ name: 'IngestionsTable', kind: 'AMAZON_DYNAMODB', table: 'Ingestions', alsoTouches: [], access: 'readWrite' }, deps);

  it.each(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchPutItem', 'BatchDeleteItem', 'TransactWriteItems'])('refuses %s with AccessDeniedException', async (operation) => {
    const outcome = await readOnly.invoke(call({ operation, key: { pk: { S: 'x' } } }));
    expect(outcome).toEqual({
      result: null,
      error: {
        type: 'DynamoDB:AccessDeniedException',
        message: `User: the role of data source ImportChecks is not authorized to perform: dynamodb:${operation} on resource: foreman-ingestions (the data source is read-only)`,
      },
    });
    // the same request on a read-write data source goes on to DynamoDB (here: unavailable)
    expect(await readWrite.invoke(call({ operation, key: { pk: { S: 'x' } } }))).toEqual({ result: null, error: DYNAMODB_UNAVAILABLE });
  });

  it.each(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems', 'Sync'])('lets %s through', async (operation) => {
    expect(await readOnly.invoke(call({ operation }))).toEqual({ result: null, error: DYNAMODB_UNAVAILABLE });
  });

  it('allows locally exactly the operations whose IAM actions a read role has in AWS', () => {
    // GetItem's action also covers TransactGetItems; Sync is a Query/Scan; ConditionCheckItem is never a request of its own.
    expect(DYNAMODB_ACTIONS.read).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem']);
    expect([...READ_OPERATIONS].sort()).toEqual(['BatchGetItem', 'GetItem', 'Query', 'Scan', 'Sync', 'TransactGetItems']);
  });

  it('is what Foreman wires the checks on: ImportChecks reads every model table, the claims and the ingestions', () => {
    expect(dataSources.find((d) => d.name === 'ImportChecks')).toEqual({
      name: 'ImportChecks',
      kind: 'AMAZON_DYNAMODB',
      table: 'Ingestions',
      alsoTouches: ['Customers', 'Projects', 'Invoices', 'Uniques'],
      access: 'read',
    });
  });
});
