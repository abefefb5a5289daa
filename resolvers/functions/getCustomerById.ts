/**
 * Reads the customer `ctx.stash.customerId` (strongly consistent, because writes build on it) and
 * keeps it in `ctx.stash.customer` for later functions. Returns the customer, or null when there is
 * none or no id was given (then DynamoDB is not called). Data source: CustomersTable.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Customer } from '../../schema/generated/types';
import { handleResponse } from '../lib/errors';

export interface CustomerStash {
  customerId?: string | null;
  customer?: Customer | null;
}

export function request(ctx: Context<unknown, CustomerStash>) {
  const id = ctx.stash.customerId;
  if (!id) {
    ctx.stash.customer = null;
    runtime.earlyReturn(null);
  }
  return ddb.get<Customer>({ key: { id }, consistentRead: true });
}

export function response(ctx: Context<unknown, CustomerStash>): Customer | null {
  const customer = handleResponse<Customer | null>(ctx);
  ctx.stash.customer = customer || null;
  return ctx.stash.customer;
}
