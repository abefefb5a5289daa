/** Query.getIngestion: [getIngestionMeta]. An ingestion by id, or null. */
import type { Context } from '@aws-appsync/utils';
import type { Ingestion, QueryGetIngestionArgs } from '../schema/generated/types';
import { toIngestion } from './lib/ingestion';
import type { IngestionItem } from './lib/ingestion';

interface Stash {
  ingestionId: string;
  meta?: IngestionItem | null;
}

export function request(ctx: Context<QueryGetIngestionArgs, Stash>) {
  ctx.stash.ingestionId = ctx.args.id;
  return {};
}

export function response(ctx: Context<QueryGetIngestionArgs, Stash>): Ingestion | null {
  return ctx.stash.meta ? toIngestion(ctx.stash.meta) : null;
}
