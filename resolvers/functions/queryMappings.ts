/** One page of the caller's mappings (`owner = ctx.stash.owner`), newest `updatedAt` first (LSI byUpdatedAt). */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { MappingItem, MappingStash } from '../lib/mappings';

export function request(ctx: Context<unknown, MappingStash>) {
  const page = ctx.stash.page!;
  const query: Record<string, unknown> = {
    operation: 'Query',
    index: 'byUpdatedAt',
    query: { expression: '#owner = :owner', expressionNames: { '#owner': 'owner' }, expressionValues: util.dynamodb.toMapValues({ ':owner': ctx.stash.owner }) },
    scanIndexForward: false,
    // A local index reads consistently: a mapping saved just before is listed.
    consistentRead: true,
    limit: page.limit,
  };
  if (page.nextToken) {
    query.nextToken = page.nextToken;
  }
  return query;
}

export function response(ctx: Context<unknown, MappingStash>): PageResult<MappingItem> {
  return handleResponse<PageResult<MappingItem>>(ctx);
}
