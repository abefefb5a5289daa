// The Lambda data source with a local handler module (resolver-reference-lambda-js.html): Invoke
// passes the payload as the event, BatchInvoke one list per tick, a direct resolver the context;
// a thrown error reaches ctx.error as { message: errorMessage, type: 'Lambda:Unhandled' }.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RequestObjectError, type LocalDataSource } from '../../../../infra/local/datasources';
import { createLambdaDataSource, LAMBDA_UNHANDLED } from '../../../../infra/local/datasources/lambda';
import type { DataSourceCall } from '../../../../infra/local/datasources/types';

const root = path.resolve('test/fixtures/lambda');
const made: LocalDataSource[] = [];
function lambda(exportName = 'handler', isolation: 'inProcess' | 'child' = 'inProcess') {
  const ds = createLambdaDataSource(
    { name: 'Orders', kind: 'AWS_LAMBDA', handler: 'handlers.mjs', export: exportName, isolation, environment: { LAMBDA_FIXTURE: 'from-config' }, maxBatchSize: 3 },
    { root, dataDir: null, tableNames: {}, dynamodb: () => null },
  );
  made.push(ds);
  return ds;
}
afterAll(async () => {
  await Promise.all(made.map((d) => d.close?.()));
});
const context = {
  arguments: { id: '7' },
  source: null,
  identity: null,
  request: { headers: { 'x-api-key': 'k' }, domainName: null },
  info: { fieldName: 'order', parentTypeName: 'Query', variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{ id }' },
  env: {},
  stash: { s: 1 },
  prev: { result: null },
  authType: 'API Key Authorization',
} satisfies DataSourceCall['context'];
const call = (request: unknown, direct = false): DataSourceCall => ({ request, field: 'Query.order', context, direct });

describe('Lambda data source', () => {
  it('Invoke: the payload is the event, the return value is ctx.result', async () => {
    const outcome = await lambda().invoke(call({ operation: 'Invoke', payload: { field: 'order', arguments: { id: '7' } } }));
    expect(outcome.error).toBeNull();
    expect(outcome.result).toMatchObject({ received: { field: 'order', arguments: { id: '7' } }, functionName: 'Orders', remainingPositive: true });
  });

  it('a thrown error becomes ctx.error with the errorMessage and type Lambda:Unhandled', async () => {
    const outcome = await lambda().invoke(call({ operation: 'Invoke', payload: { fail: 'out of stock' } }));
    expect(outcome).toEqual({ result: null, error: { message: 'out of stock', type: LAMBDA_UNHANDLED } });
  });

  it('a direct Lambda resolver sends the resolver context as the event', async () => {
    const outcome = await lambda().invoke(call(null, true));
    expect((outcome.result as { received: unknown }).received).toEqual({
      arguments: { id: '7' },
      identity: null,
      source: null,
      request: { headers: { 'x-api-key': 'k' }, domainName: null },
      info: context.info,
      prev: null,
      stash: { s: 1 },
    });
  });

  it('BatchInvoke: payloads of one tick go as one list, each caller gets its element', async () => {
    const ds = lambda('batch');
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => ds.invoke(call({ operation: 'BatchInvoke', payload: { n } }))));
    expect(outcomes.map((o) => o.result)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }, { doubled: 8 }]);
  });

  it('BatchInvoke: a result list of the wrong length fails every element', async () => {
    const ds = lambda('wrongBatch');
    const outcomes = await Promise.all([1, 2].map((n) => ds.invoke(call({ operation: 'BatchInvoke', payload: { n } }))));
    for (const o of outcomes) expect(o.error).toEqual({ type: LAMBDA_UNHANDLED, message: expect.stringContaining('1 results for a batch of 2') as string });
  });

  it('refuses an unknown operation as a request-object error', async () => {
    await expect(lambda().invoke(call({ operation: 'Call', payload: {} }))).rejects.toBeInstanceOf(RequestObjectError);
    await expect(lambda().invoke(call({ operation: 'Invoke', invocationType: 'Later', payload: {} }))).rejects.toThrow(/invocationType/);
  });

  it('a missing export answers Runtime.ImportModuleError-style failure instead of crashing', async () => {
    const outcome = await lambda('nope').invoke(call({ operation: 'Invoke', payload: {} }));
    expect(outcome.error?.type).toBe(LAMBDA_UNHANDLED);
    expect(outcome.error?.message).toMatch(/exports no function named nope/);
  });

  it('child isolation runs the handler in its own process with the configured environment', async () => {
    const outcome = await lambda('handler', 'child').invoke(call({ operation: 'Invoke', payload: { x: 1 } }));
    expect(outcome.result).toMatchObject({ received: { x: 1 }, env: 'from-config' });
    expect(process.env.LAMBDA_FIXTURE).toBeUndefined();
  });
});
