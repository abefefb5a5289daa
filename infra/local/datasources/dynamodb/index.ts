/**
 * AMAZON_DYNAMODB: the request objects of js-aws-appsync-resolver-reference-dynamodb-*.html run
 * against the stack's DynamoDB Local (the translation itself lives in infra/local/dynamodb/dataSource.ts).
 * While DynamoDB Local is down or restarting, calls answer a transient `ctx.error` instead of a
 * raw connection error. A data source the wiring declares `access: 'read'` runs only read
 * operations, as its IAM role allows in AWS (infra/aws/stack.ts DYNAMODB_ACTIONS): a write answers
 * AccessDeniedException, so a resolver that should only read cannot write locally either.
 */
import { DYNAMODB_UNAVAILABLE, invokeDynamoDb, isConnectionError } from '../../dynamodb/dataSource';

export { DYNAMODB_UNAVAILABLE } from '../../dynamodb/dataSource';
import type { ApiDataSourceSpec } from '../../../wiring';
import type { DataSourceDeps, DataSourceOutcome, LocalDataSource } from '../types';

type Spec = Extract<ApiDataSourceSpec, { kind: 'AMAZON_DYNAMODB' }>;

/** The request objects a read-only data source may run (reads; TransactGetItems is GetItem to IAM). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems', 'Sync']);

/** AWS's answer to an action the data source's role does not allow (IAM's wording). */
function accessDenied(spec: Spec, operation: string, tableName: string): DataSourceOutcome {
  return {
    result: null,
    error: {
      type: 'DynamoDB:AccessDeniedException',
      message: `User: the role of data source ${spec.name} is not authorized to perform: dynamodb:${operation} on resource: ${tableName} (the data source is read-only)`,
    },
  };
}

export function createDynamoDbDataSource(spec: Spec, deps: DataSourceDeps): LocalDataSource {
  const tableName = deps.tableNames[spec.table];
  if (!tableName) throw new Error(`Data source ${spec.name} names table ${spec.table}, which is not among the API's tables`);
  return {
    name: spec.name,
    kind: spec.kind,
    async invoke({ request }): Promise<DataSourceOutcome> {
      const client = deps.dynamodb();
      if (spec.access === 'read') {
        const operation = (request as { operation?: unknown } | null)?.operation;
        if (typeof operation === 'string' && !READ_OPERATIONS.has(operation)) return accessDenied(spec, operation, tableName);
      }
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
