/** Queries the byStartedAt GSI for `kind = INGESTION`, newest first, one page. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryListIngestionsArgs } from '../../schema/generated/types';
import { INGESTION_KIND } from '../lib/ingestion';
import { pageOf } from '../lib/paging';

export function request(ctx: Context<QueryListIngestionsArgs>) {
  const page = pageOf(ctx.args);
  const query: Record<string, unknown> = {
    operation: 'Query',
    index: 'byStartedAt',
    query: { expression: '#kind = :kind', expressionNames: { '#kind': 'kind' }, expressionValues: util.dynamodb.toMapValues({ ':kind': INGESTION_KIND }) },
    scanIndexForward: false,
    limit: page.limit,
  };
  if (page.nextToken) {
    query.nextToken = page.nextToken;
  }
  return query;
}

export function response(ctx: Context<QueryListIngestionsArgs>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
