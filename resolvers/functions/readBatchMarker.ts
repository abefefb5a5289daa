/**
 * The last step of every batch pipeline (imports and recordRejectedRows). A transaction cancelled by
 * its marker's `attribute_not_exists` (phase READ_MARKER) means the same batch was recorded in the
 * meantime (a re-send racing the original): the marker is read so its stored outcomes are answered,
 * replayed (phase REPLAYED). In every phase it returns the batch's answer (lib/ingestion.ts
 * batchProgress), which the resolver passes on.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress } from '../../schema/generated/types';
import { batchProgress, requireSameRows } from '../lib/ingestion';
import type { BatchStash, MarkerItem } from '../lib/ingestion';

export function request(ctx: Context<unknown, BatchStash>) {
  if (ctx.stash.phase !== 'READ_MARKER') {
    runtime.earlyReturn(batchProgress(ctx.stash));
  }
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ pk: ctx.stash.ingestionId, sk: ctx.stash.markerSk }), consistentRead: true };
}

export function response(ctx: Context<unknown, BatchStash>): IngestionProgress {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const marker = ctx.result as MarkerItem | null;
  if (marker) {
    ctx.stash.replay = marker;
    ctx.stash.phase = 'REPLAYED';
    requireSameRows(ctx.stash);
  }
  return batchProgress(ctx.stash);
}
