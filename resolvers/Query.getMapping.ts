/**
 * Query.getMapping: [getMappingItem]. The caller's own mapping for a header-row fingerprint and
 * model, or null — also when someone else has one for the same header row (the key is the caller's).
 */
import type { Context } from '@aws-appsync/utils';
import type { QueryGetMappingArgs } from '../schema/generated/types';
import { callerOwner } from './lib/identity';
import { mappingSortKey, toSavedMapping } from './lib/mappings';
import type { MappingItem, MappingStash } from './lib/mappings';

export function request(ctx: Context<QueryGetMappingArgs, MappingStash>) {
  ctx.stash.owner = callerOwner(ctx);
  ctx.stash.sk = mappingSortKey(ctx.args.model, ctx.args.fingerprint);
  return {};
}

export function response(ctx: Context<QueryGetMappingArgs, MappingStash, { result: MappingItem | null }>) {
  return toSavedMapping(ctx.prev.result);
}
