/** Query.getIngestion: [getIngestionMeta]. An ingestion by id, or null. */
import type { Context } from '@aws-appsync/utils';
import type { Ingestion, QueryGetIngestionArgs } from '../schema/generated/types';
import { toIngestion } from './lib/ingestion';
import type { IngestionItem } from './lib/ingestion';
import { callerAccess, requireAccess } from './lib/identity';

interface Stash {
  ingestionId: string;
  meta?: IngestionItem | null;
}


export function request(ctx: Context<QueryGetIngestionArgs, Stash>) {
  ctx.stash.ingestionId = ctx.args.id;
  return {};
}

export function response(ctx: Context<QueryGetIngestionArgs, Stash>): Ingestion | null {
  if (!ctx.stash.meta) {
    return null;
  }
  // Someone else's ingestion: AppSync's Unauthorized, as for a field the caller may not read.
  requireAccess(callerAccess(ctx), ctx.stash.meta.owner);
  return toIngestion(ctx.stash.meta);
}
