/**
 * Mutation.failIngestion (IAM only): [getIngestionMeta, closeIngestion].
 * A back-end caller (the S3 processor) marks a RUNNING ingestion FAILED with its reason, e.g. when
 * it cannot read the file. Failing an already FAILED ingestion answers its stored state.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress, MutationFailIngestionArgs } from '../schema/generated/types';
import { toProgress, zeroCounts } from './lib/ingestion';
import type { CloseStash } from './functions/closeIngestion';
import { callerAccess } from './lib/identity';

export function request(ctx: Context<MutationFailIngestionArgs, CloseStash>) {
  const reason = ctx.args.reason.trim();
  if (reason.length === 0) {
    util.error('A failure needs a reason.', 'BadRequest', null, { field: 'reason' });
  }
  ctx.stash.access = callerAccess(ctx);
  ctx.stash.ingestionId = ctx.args.ingestionId;
  ctx.stash.close = { status: 'FAILED', durationMs: null, failureReason: reason, correctedRows: null };
  return {};
}

export function response(ctx: Context<MutationFailIngestionArgs, CloseStash>): IngestionProgress {
  return toProgress(ctx.stash.meta as NonNullable<CloseStash['meta']>, 'FINISHED', zeroCounts(), {});
}
