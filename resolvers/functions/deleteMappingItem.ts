/** Deletes the caller's mapping `ctx.stash.owner` / `ctx.stash.sk`: the deleted item, or null when there was none. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { handleResponse } from '../lib/errors';
import type { MappingItem, MappingStash } from '../lib/mappings';

export function request(ctx: Context<unknown, MappingStash>) {
  return ddb.remove<MappingItem>({ key: { owner: ctx.stash.owner, sk: ctx.stash.sk! } });
}

export function response(ctx: Context<unknown, MappingStash>): MappingItem | null {
  return handleResponse<MappingItem | null>(ctx) || null;
}
