/**
 * One page of customers: `ctx.stash.page` = { limit, nextToken }. Data source: CustomersTable.
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Customer, CustomerConnection } from '../../schema/generated/types';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { PageStash } from '../lib/paging';

export function request(ctx: Context<unknown, PageStash>) {
  return ddb.scan<Customer>({ limit: ctx.stash.page.limit, nextToken: ctx.stash.page.nextToken });
}

export function response(ctx: Context<unknown, PageStash>): CustomerConnection {
  const page = handleResponse<PageResult<Customer>>(ctx);
  return { items: page.items, nextToken: page.nextToken || null };
}
