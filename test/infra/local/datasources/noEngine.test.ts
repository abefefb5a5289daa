// RDS and OpenSearch data sources: the request object is logged exactly as the resolver produced it,
// and the field fails with a clear error that no such engine runs locally (never a silent null).
import { describe, expect, it } from 'vitest';
import { NoLocalEngineError, createDataSource } from '../../../../infra/local/datasources';
import type { DataSourceCall } from '../../../../infra/local/datasources/types';

const call = (request: unknown): DataSourceCall => ({ request, field: 'Query.report', context: {} as DataSourceCall['context'] });

describe.each([
  ['RELATIONAL_DATABASE', /Aurora Data API/],
  ['AMAZON_OPENSEARCH_SERVICE', /OpenSearch domain/],
] as const)('%s data source', (kind, engine) => {
  it('logs the request object and refuses with UnsupportedOperation naming the missing engine', async () => {
    const logs: string[] = [];
    const ds = createDataSource({ name: 'Db', kind }, { root: '.', dataDir: null, tableNames: {}, dynamodb: () => null, onLog: (l) => logs.push(l) });
    const request = { statements: ['SELECT * FROM todos WHERE id = :id'], variableMap: { ':id': '1' } };
    const error = await ds.invoke(call(request)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoLocalEngineError);
    expect((error as NoLocalEngineError).errorType).toBe('UnsupportedOperation');
    expect((error as Error).message).toMatch(engine);
    expect(logs).toEqual([`Query.report → ${kind} data source Db: ${JSON.stringify(request)}`]);
  });
});
