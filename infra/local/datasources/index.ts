/**
 * The data sources of the local AppSync, one folder per kind (miniflare-style): DynamoDB, NONE,
 * HTTP, Lambda (a local handler), EventBridge (recorded locally); RDS and OpenSearch describe their
 * requests but run no engine. `createDataSource` picks the folder for a wiring spec.
 */
import type { ApiDataSourceSpec } from '../../wiring';
import { createDynamoDbDataSource } from './dynamodb';
import { createEventBridgeDataSource } from './eventbridge';
import { createHttpDataSource } from './http';
import { createLambdaDataSource } from './lambda';
import { createNoneDataSource } from './none';
import { createOpenSearchDataSource } from './opensearch';
import { createRdsDataSource } from './rds';
import type { DataSourceDeps, LocalDataSource } from './types';

export type { DataSourceCall, DataSourceDeps, DataSourceOutcome, LocalDataSource } from './types';
export { NoLocalEngineError, RequestObjectError } from './errors';
export type { EventBridgeDataSource, RecordedEvent } from './eventbridge';

export function createDataSource(spec: ApiDataSourceSpec, deps: DataSourceDeps): LocalDataSource {
  switch (spec.kind) {
    case 'AMAZON_DYNAMODB':
      return createDynamoDbDataSource(spec, deps);
    case 'NONE':
      return createNoneDataSource(spec);
    case 'HTTP':
      return createHttpDataSource(spec, deps);
    case 'AWS_LAMBDA':
      return createLambdaDataSource(spec, deps);
    case 'AMAZON_EVENTBRIDGE':
      return createEventBridgeDataSource(spec, deps);
    case 'RELATIONAL_DATABASE':
      return createRdsDataSource(spec, deps);
    case 'AMAZON_OPENSEARCH_SERVICE':
      return createOpenSearchDataSource(spec, deps);
  }
}
