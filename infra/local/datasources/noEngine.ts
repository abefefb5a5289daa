/** Data source kinds whose engine does not run locally: log the exact request, fail the field clearly. */
import { NoLocalEngineError } from './errors';
import type { DataSourceDeps, LocalDataSource } from './types';

export function createNoEngineDataSource(spec: { name: string; kind: string }, deps: DataSourceDeps, engine: string): LocalDataSource {
  return {
    name: spec.name,
    kind: spec.kind,
    async invoke({ request, field }) {
      deps.onLog?.(`${field} → ${spec.kind} data source ${spec.name}: ${JSON.stringify(request)}`);
      throw new NoLocalEngineError(
        `Data source ${spec.name} (${spec.kind}) needs ${engine}, which the local AppSync does not run: its request object is in the log (and \`foreman evaluate\` shows it). Serve this field from another data source locally, or deploy the API to AWS.`,
      );
    },
  };
}
