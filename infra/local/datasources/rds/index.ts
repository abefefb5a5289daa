/**
 * RELATIONAL_DATABASE (Aurora Data API): the request objects that `@aws-appsync/utils/rds` builds
 * are produced exactly (see them with `foreman evaluate` and in the resolver log lines), but no
 * Aurora Data API runs locally, so serving one says so as a GraphQL error instead of guessing.
 */
import { createNoEngineDataSource } from '../noEngine';
import type { DataSourceDeps, LocalDataSource } from '../types';

export function createRdsDataSource(spec: { name: string; kind: 'RELATIONAL_DATABASE' }, deps: DataSourceDeps): LocalDataSource {
  return createNoEngineDataSource(spec, deps, 'an Aurora Data API (RDS)');
}
