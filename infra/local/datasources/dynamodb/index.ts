/**
 * AMAZON_DYNAMODB: the request objects of js-aws-appsync-resolver-reference-dynamodb-*.html run
 * against the stack's DynamoDB Local (the translation itself lives in infra/local/dynamodb/dataSource.ts).
 * While DynamoDB Local is down or restarting, calls answer a transient `ctx.error` instead of a
 * raw connection error.
 */
import { DYNAMODB_UNAVAILABLE, invokeDynamoDb, isConnectionError } from '../../dynamodb/dataSource';

export { DYNAMODB_UNAVAILABLE } from '../../dynamodb/dataSource';
import type { ApiDataSourceSpec } from '../../../wiring';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';

type Spec = Extract<ApiDataSourceSpec, { kind: 'AMAZON_DYNAMODB' }>;

export function createDynamoDbDataSource(spec: Spec, deps: DataSourceDeps): LocalDataSource {
  const tableName = deps.tableNames[spec.table];
  if (!tableName) throw new Error(`Data source ${spec.name} names table ${spec.table}, which is not among the API's tables`);
  return {
    name: spec.name,
    kind: spec.kind,
    async invoke({ request }): Promise<DataSourceOutcome> {
      const client = deps.dynamodb();
      if (!client || (deps.dynamodbAvailable && !deps.dynamodbAvailable())) return { result: null, error: { ...DYNAMODB_UNAVAILABLE } };
      try {
        return await invokeDynamoDb(request, { client, tableName });
      } catch (error) {
        if (isConnectionError(error)) return { result: null, error: { ...DYNAMODB_UNAVAILABLE } };
        throw error;
      }
    },
  };
}
