/**
 * The second and last attempt at createCustomer's transaction, run only when the first lost a
 * `TransactionConflict` (otherwise it passes the first attempt's customer on without calling
 * DynamoDB). Usually the racing winner has committed by now, so the answer becomes DuplicateEmail.
 * Data source: CustomersTable.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { Customer } from '../../schema/generated/types';
import { createCustomerTransaction, readCreateCustomerOutcome } from '../lib/customerWrites';
import type { CreateCustomerStash } from '../lib/customerWrites';

export function request(ctx: Context<unknown, CreateCustomerStash, { result: Customer | null }>) {
  if (!ctx.stash.retryCreate) {
    runtime.earlyReturn(ctx.prev.result);
  }
  return createCustomerTransaction(ctx);
}

export function response(ctx: Context<unknown, CreateCustomerStash>): Customer | null {
  return readCreateCustomerOutcome(ctx, false);
}
