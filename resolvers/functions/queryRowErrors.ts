/** Queries an ingestion's partition for `ROW#…` items: its row errors, in row order (zero-padded keys). */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryListIngestionRowErrorsArgs } from '../../schema/generated/types';
import { ROW_PREFIX } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';
import { requireAccess } from '../lib/identity';
import type { CallerAccess } from '../lib/identity';
import { pageWithin } from '../lib/paging';

export interface RowErrorsStash {
  ingestionId: string;
  access?: CallerAccess | null;
  meta?: IngestionItem | null;
}

export function request(ctx: Context<QueryListIngestionRowErrorsArgs, RowErrorsStash>) {
  const meta = ctx.stash.meta;
  if (!meta) {
    // No such ingestion: no row errors (as before owners), for anyone.
    runtime.earlyReturn({ items: [], nextToken: null });
  }
  requireAccess(ctx.stash.access, meta.owner);
  const page = pageWithin(ctx.args, 100, 1000);
  const query: Record<string, unknown> = {
    operation: 'Query',
    query: {
      expression: '#pk = :pk AND begins_with(#sk, :row)',
      expressionNames: { '#pk': 'pk', '#sk': 'sk' },
      expressionValues: util.dynamodb.toMapValues({ ':pk': ctx.args.ingestionId, ':row': ROW_PREFIX }),
    },
    scanIndexForward: true,
    consistentRead: true,
    limit: page.limit,
  };
  if (page.nextToken) {
    query.nextToken = page.nextToken;
  }
  return query;
}

export function response(ctx: Context<QueryListIngestionRowErrorsArgs>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
