/**
 * Mutation.deleteCustomer: [getCustomerById, find<Plural>ByCustomer… (one per model referring to
 * customers: resolvers/lib/referrers.ts), deleteCustomerWithEmailClaim].
 * Deletes the customer and releases its email in one transaction. A customer that a project, an
 * invoice or any other model's record still names is refused (`CustomerHas<Plural>`, e.g.
 * CustomerHasProjects) so nothing is left pointing at nobody; the checks read the referring
 * models' `byCustomer` indexes just before the delete, so a record created in that instant can
 * still slip through (DynamoDB cannot condition a write on a query). Null when there was no such customer.
 */
import type { Context } from '@aws-appsync/utils';
import type { Customer, MutationDeleteCustomerArgs } from '../schema/generated/types';
import { MODELS } from '../schema/generated/models';
import { referrersOf } from './lib/referrers';
import type { ReferrerStash } from './lib/referrers';

interface Stash extends ReferrerStash {
  /** Read by getCustomerById. */
  customerId: string;
}

export function request(ctx: Context<MutationDeleteCustomerArgs, Stash>) {
  ctx.stash.customerId = ctx.args.input.id;
  ctx.stash.targetId = ctx.args.input.id;
  ctx.stash.referrers = referrersOf(MODELS, 'Customer');
  ctx.stash.referrerAt = 0;
  ctx.stash.referencedBy = null;
  return {};
}

export function response(ctx: Context<MutationDeleteCustomerArgs, Stash, { result: Customer | null }>): Customer | null {
  return ctx.prev.result;
}
