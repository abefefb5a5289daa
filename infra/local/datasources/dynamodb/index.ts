/**
 * AMAZON_DYNAMODB: the request objects of js-aws-appsync-resolver-reference-dynamodb-*.html run
 * against the stack's DynamoDB Local (the translation itself lives in infra/local/dynamodb/dataSource.ts).
 * While DynamoDB Local is down or restarting, calls answer a transient `ctx.error` instead of a
 * raw connection error.
 */
import { invokeDynamoDb } from '../../dynamodb/dataSource';
import type { ApiDataSourceSpec } from '../../../wiring';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';

type Spec = Extract<ApiDataSourceSpec, { kind: 'AMAZON_DYNAMODB' }>;

/** The `ctx.error` a request gets while DynamoDB Local is not answering (retry later). */
export const DYNAMODB_UNAVAILABLE = {
  type: 'DynamoDB:ServiceUnavailableException',
  message: 'DynamoDB Local is not answering (it stopped and is being restarted): retry in a moment.',
} as const;

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
    if ((e as { name?: unknown }).name === 'TimeoutError') return true;
  }
  return false;
}

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
