/**
 * NONE: the request's `payload` becomes `ctx.result` (resolver-reference-none-js.html); no call
 * leaves the process.
 */
import type { DataSourceOutcome, LocalDataSource } from '../types';

export function invokeNone(request: unknown): DataSourceOutcome {
  const payload = request !== null && typeof request === 'object' && 'payload' in request ? (request as { payload: unknown }).payload : null;
  return { result: payload ?? null, error: null };
}

export function createNoneDataSource(spec: { name: string }): LocalDataSource {
  return { name: spec.name, kind: 'NONE', invoke: async ({ request }) => invokeNone(request) };
}
