/** Query.listCustomers: [scanCustomers]. `limit` defaults to 20, at most 100; pass `nextToken` on. */
import type { Context } from '@aws-appsync/utils';
import type { CustomerConnection, QueryListCustomersArgs } from '../schema/generated/types';
import { pageOf } from './lib/paging';
import type { PageStash } from './lib/paging';

export function request(ctx: Context<QueryListCustomersArgs, PageStash>) {
  ctx.stash.page = pageOf(ctx.args);
  return {};
}

export function response(ctx: Context<QueryListCustomersArgs, PageStash, { result: CustomerConnection }>): CustomerConnection {
  return ctx.prev.result;
}
