/**
 * AMAZON_OPENSEARCH_SERVICE: request objects are produced exactly (evaluate, logs); no OpenSearch
 * domain runs locally, so serving one answers a GraphQL error that says so.
 */
import { createNoEngineDataSource } from '../noEngine';
import type { DataSourceDeps, LocalDataSource } from '../types';

export function createOpenSearchDataSource(spec: { name: string; kind: 'AMAZON_OPENSEARCH_SERVICE' }, deps: DataSourceDeps): LocalDataSource {
  return createNoEngineDataSource(spec, deps, 'an OpenSearch domain');
}
