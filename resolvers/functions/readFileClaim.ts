/** Reads the claim `file#<sha256>` (strongly consistent) to find the first ingestion of these bytes. */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { fileClaimKey } from '../lib/ingestion';
import type { StartStash } from './claimFile';

export function request(ctx: Context<unknown, StartStash>) {
  if (!ctx.stash.lookupClaim) {
    runtime.earlyReturn(null);
  }
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ key: fileClaimKey(ctx.stash.newMeta.sha256) }), consistentRead: true };
}

export function response(ctx: Context<unknown, StartStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const claim = ctx.result as { ingestionId?: string } | null;
  if (!claim || !claim.ingestionId) {
    // The claim's transaction was cancelled, yet no claim is stored: a writer in flight.
    util.error('Another client is starting an ingestion of the same bytes right now; try again.', 'TransactionConflict');
  }
  ctx.stash.ingestionId = claim.ingestionId;
  return null;
}
