/**
 * Query.listProjectsByCustomer: [queryProjectsByCustomer], oldest first. An unknown customer has no
 * projects (an empty page, not an error).
 */
import type { Context } from '@aws-appsync/utils';
import type { ProjectConnection, QueryListProjectsByCustomerArgs } from '../schema/generated/types';
import { pageOf } from './lib/paging';
import type { PageStash } from './lib/paging';

interface Stash extends PageStash {
  customerId: string;
}

export function request(ctx: Context<QueryListProjectsByCustomerArgs, Stash>) {
  ctx.stash.customerId = ctx.args.customerId;
  ctx.stash.page = pageOf(ctx.args);
  return {};
}

export function response(ctx: Context<QueryListProjectsByCustomerArgs, Stash, { result: ProjectConnection }>): ProjectConnection {
  return ctx.prev.result;
}
