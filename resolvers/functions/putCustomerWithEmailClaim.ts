/**
 * Writes the new customer `ctx.stash.newCustomer` and the claim of its (normalised) email in one
 * TransactWriteItems, each with `attribute_not_exists` on its key, so no two customers can ever hold
 * one email, whatever runs concurrently. A taken email answers `DuplicateEmail`, naming the owner.
 * A transaction conflict leaves the decision to putCustomerWithEmailClaimRetry (lib/customerWrites.ts).
 * Data source: CustomersTable (the transaction also touches Uniques).
 */
import type { Context } from '@aws-appsync/utils';
import type { Customer } from '../../schema/generated/types';
import { createCustomerTransaction, readCreateCustomerOutcome } from '../lib/customerWrites';
import type { CreateCustomerStash } from '../lib/customerWrites';

export function request(ctx: Context<unknown, CreateCustomerStash>) {
  return createCustomerTransaction(ctx);
}

export function response(ctx: Context<unknown, CreateCustomerStash>): Customer | null {
  return readCreateCustomerOutcome(ctx, true);
}
