/**
 * One shared builder for the onIngestionProgress payload (the IngestionProgress type of
 * schema/schema.graphql). The subscription, web-session, watch and Amplify tests each used to
 * carry their own near-identical copy; a schema change now has a single place to update.
 */
import type { OnIngestionProgressSubscription } from '../../clients/api/generated';

export type Progress = NonNullable<OnIngestionProgressSubscription['onIngestionProgress']>;

/**
 * A progress event `processed` rows into an import of `rowCount` (default 100), every processed
 * row created, nothing refused. `over` replaces any field (stage, status, counts, outcomes…).
 */
export function progressEvent(ingestionId: string, processed: number, over: Partial<Progress> = {}): Progress {
  return {
    ingestionId,
    stage: 'IMPORTING',
    status: 'RUNNING',
    batchNumber: 1,
    replayed: false,
    rowCount: 100,
    created: processed,
    duplicates: 0,
    invalid: 0,
    alreadyImported: 0,
    processed,
    batches: 1,
    outcomes: [],
    owner: 'cognito:00000000-0000-4000-8000-000000000001',
    durationMs: null,
    rowsPerSecond: null,
    failureReason: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
