/**
 * Mutation.finishIngestion: [getIngestionMeta, closeIngestion].
 * Closes a RUNNING ingestion as COMPLETED or FAILED with its timing (and `correctedRows`, the rows
 * the client corrected before sending, when given): `durationMs` as the client
 * measured it, or else the time since it started; `rowsPerSecond` follows from it. Finishing again
 * with the same status answers the stored state (a re-sent finish); another status is refused.
 * Errors: BadRequest, IngestionNotFound, IngestionAlreadyFinished.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress, MutationFinishIngestionArgs } from '../schema/generated/types';
import { toProgress, zeroCounts } from './lib/ingestion';
import type { CloseStash } from './functions/closeIngestion';
import { callerAccess } from './lib/identity';

export function request(ctx: Context<MutationFinishIngestionArgs, CloseStash>) {
  const input = ctx.args.input;
  if (input.status === 'RUNNING') {
    util.error('finishIngestion closes an ingestion: status must be COMPLETED or FAILED.', 'BadRequest', null, { field: 'status' });
  }
  if (typeof input.durationMs === 'number' && input.durationMs < 0) {
    util.error('durationMs cannot be negative.', 'BadRequest', null, { field: 'durationMs' });
  }
  if (typeof input.correctedRows === 'number' && input.correctedRows < 0) {
    util.error('correctedRows cannot be negative.', 'BadRequest', null, { field: 'correctedRows' });
  }
  ctx.stash.access = callerAccess(ctx);
  ctx.stash.ingestionId = input.ingestionId;
  ctx.stash.close = {
    status: input.status,
    durationMs: typeof input.durationMs === 'number' ? input.durationMs : null,
    failureReason: input.failureReason || null,
    correctedRows: typeof input.correctedRows === 'number' ? input.correctedRows : null,
  };
  return {};
}

export function response(ctx: Context<MutationFinishIngestionArgs, CloseStash>): IngestionProgress {
  return toProgress(ctx.stash.meta as NonNullable<CloseStash['meta']>, 'FINISHED', zeroCounts(), {});
}
