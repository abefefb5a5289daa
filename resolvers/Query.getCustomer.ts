/** Query.getCustomer: [getCustomerById]. Null when there is no such customer. */
import type { Context } from '@aws-appsync/utils';
import type { Customer, QueryGetCustomerArgs } from '../schema/generated/types';
import type { CustomerStash } from './functions/getCustomerById';

export function request(ctx: Context<QueryGetCustomerArgs, CustomerStash>) {
  ctx.stash.customerId = ctx.args.id;
  return {};
}

export function response(ctx: Context<QueryGetCustomerArgs, CustomerStash, { result: Customer | null }>): Customer | null {
  return ctx.prev.result;
}
