/**
 * Mutation.deleteCustomer: [getCustomerById, queryProjectsByCustomer, deleteCustomerWithEmailClaim].
 * Deletes the customer and releases its email in one transaction. A customer that still has
 * projects is refused (`CustomerHasProjects`) so no project is left pointing at nobody; the check
 * reads the byCustomer index just before the delete, so a project created in that instant can
 * still slip through (DynamoDB cannot condition a write on a query). Null when there was no such customer.
 */
import type { Context } from '@aws-appsync/utils';
import type { Customer, MutationDeleteCustomerArgs } from '../schema/generated/types';
import type { PageStash } from './lib/paging';

interface Stash extends PageStash {
  customerId: string;
}

export function request(ctx: Context<MutationDeleteCustomerArgs, Stash>) {
  ctx.stash.customerId = ctx.args.input.id;
  // One project is enough to refuse.
  ctx.stash.page = { limit: 1, nextToken: null };
  return {};
}

export function response(ctx: Context<MutationDeleteCustomerArgs, Stash, { result: Customer | null }>): Customer | null {
  return ctx.prev.result;
}
