/**
 * Query.listMappings: [queryMappings]. The caller's own saved mappings, most recently saved first
 * (the Mappings table's byUpdatedAt index within the caller's partition). Everyone, admins
 * included, lists only their own (docs/auth.md). `limit` defaults to 20, at most 100.
 */
import type { Context } from '@aws-appsync/utils';
import type { QueryListMappingsArgs } from '../schema/generated/types';
import { callerOwner } from './lib/identity';
import { toSavedMapping } from './lib/mappings';
import type { MappingItem, MappingStash } from './lib/mappings';
import { pageOf } from './lib/paging';

export function request(ctx: Context<QueryListMappingsArgs, MappingStash>) {
  ctx.stash.owner = callerOwner(ctx);
  ctx.stash.page = pageOf(ctx.args);
  return {};
}

export function response(ctx: Context<QueryListMappingsArgs, MappingStash, { result: { items: MappingItem[]; nextToken?: string | null } }>) {
  const items = [];
  for (const item of ctx.prev.result.items) {
    items.push(toSavedMapping(item));
  }
  return { items, nextToken: ctx.prev.result.nextToken || null };
}
