/**
 * Mutation.deleteMapping: [deleteMappingItem]. Deletes the caller's mapping for a header-row
 * fingerprint and model and returns it; null when the caller has none (someone else's is out of
 * reach: the key is the caller's).
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationDeleteMappingArgs } from '../schema/generated/types';
import { callerOwner } from './lib/identity';
import { mappingSortKey, toSavedMapping } from './lib/mappings';
import type { MappingItem, MappingStash } from './lib/mappings';

export function request(ctx: Context<MutationDeleteMappingArgs, MappingStash>) {
  ctx.stash.owner = callerOwner(ctx);
  ctx.stash.sk = mappingSortKey(ctx.args.model, ctx.args.fingerprint);
  return {};
}

export function response(ctx: Context<MutationDeleteMappingArgs, MappingStash, { result: MappingItem | null }>) {
  return toSavedMapping(ctx.prev.result);
}
