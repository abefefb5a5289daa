/** Reads an ingestion's META item (strongly consistent) into `stash.meta`, when `stash.ingestionId` names one. */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { metaKey } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';

interface Stash {
  ingestionId?: string | null;
  meta?: IngestionItem | null;
}

export function request(ctx: Context<unknown, Stash>) {
  if (!ctx.stash.ingestionId || ctx.stash.meta) {
    runtime.earlyReturn(null);
  }
  return { operation: 'GetItem', key: util.dynamodb.toMapValues(metaKey(ctx.stash.ingestionId as string)), consistentRead: true };
}

export function response(ctx: Context<unknown, Stash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  ctx.stash.meta = (ctx.result as IngestionItem | null) || null;
  return null;
}
