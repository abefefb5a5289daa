/**
 * Query.listIngestionRowErrors: [queryRowErrors]. Every row of an ingestion that was not created —
 * invalid (server- or client-side), duplicate — in row order, with its errors, the owner of a
 * conflicting value, and the row as read. `limit` defaults to 100, at most 1000.
 */
import type { Context } from '@aws-appsync/utils';
import type { QueryListIngestionRowErrorsArgs, RowError, RowErrorConnection } from '../schema/generated/types';
import type { RowErrorItem } from './lib/ingestion';
import { callerAccess } from './lib/identity';
import type { RowErrorsStash } from './functions/queryRowErrors';

export function request(ctx: Context<QueryListIngestionRowErrorsArgs, RowErrorsStash>) {
  // getIngestionMeta reads the ingestion; queryRowErrors lets only its owner, an admin or the back end on.
  ctx.stash.ingestionId = ctx.args.ingestionId;
  ctx.stash.access = callerAccess(ctx);
  return {};
}

export function response(
  ctx: Context<QueryListIngestionRowErrorsArgs, Record<string, unknown>, { result: { items: RowErrorItem[]; nextToken?: string | null } }>,
): RowErrorConnection {
  const items: RowError[] = [];
  for (const item of ctx.prev.result.items) {
    items.push({
      ingestionId: item.pk,
      rowNumber: item.rowNumber,
      status: item.status,
      errors: item.errors || null,
      conflict: item.conflict || null,
      raw: item.raw || null,
    });
  }
  return { items, nextToken: ctx.prev.result.nextToken || null };
}
