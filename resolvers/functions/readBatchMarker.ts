/**
 * A batch transaction was cancelled by its marker's `attribute_not_exists`: the same batch was
 * recorded in the meantime (a re-send racing the original). Reads the marker so its stored
 * outcomes are answered, replayed.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { requireSameRows } from '../lib/ingestion';
import type { BatchStash, MarkerItem } from '../lib/ingestion';

export function request(ctx: Context<unknown, BatchStash>) {
  if (!ctx.stash.readMarker) {
    runtime.earlyReturn(null);
  }
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ pk: ctx.stash.ingestionId, sk: ctx.stash.markerSk }), consistentRead: true };
}

export function response(ctx: Context<unknown, BatchStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const marker = ctx.result as MarkerItem | null;
  if (marker) {
    ctx.stash.replay = marker;
    ctx.stash.readMarker = false;
    requireSameRows(ctx.stash);
  }
  return null;
}
