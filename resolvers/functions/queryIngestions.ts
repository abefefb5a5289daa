/**
 * One page of ingestions, newest first: for admins and the back end every one (the byStartedAt GSI,
 * `kind = INGESTION`), for anyone else their own (the byOwner GSI, `owner = callerOwner`).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryListIngestionsArgs } from '../../schema/generated/types';
import { INGESTION_KIND } from '../lib/ingestion';
import { pageOf } from '../lib/paging';
import { callerAccess } from '../lib/identity';

export function request(ctx: Context<QueryListIngestionsArgs>) {
  const page = pageOf(ctx.args);
  const access = callerAccess(ctx);
  const query: Record<string, unknown> = {
    operation: 'Query',
    index: access.all ? 'byStartedAt' : 'byOwner',
    query: access.all
      ? { expression: '#kind = :kind', expressionNames: { '#kind': 'kind' }, expressionValues: util.dynamodb.toMapValues({ ':kind': INGESTION_KIND }) }
      : { expression: '#owner = :owner', expressionNames: { '#owner': 'owner' }, expressionValues: util.dynamodb.toMapValues({ ':owner': access.owner }) },
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
