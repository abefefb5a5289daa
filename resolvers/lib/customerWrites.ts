/**
 * The create-customer transaction, shared by its first attempt (putCustomerWithEmailClaim) and
 * its retry (putCustomerWithEmailClaimRetry). APPSYNC_JS-safe.
 *
 * Why a retry: DynamoDB cancels a transaction with `TransactionConflict` when another transaction
 * on the same item is still in flight (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html).
 * For two creates racing for one email, the loser's honest answer is usually "that email is taken",
 * which only a second attempt, made after the winner committed, can tell. AppSync functions cannot
 * loop, so the pipeline holds a second function that runs only after a conflict.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Customer } from '../../schema/generated/types';
import { cancellationReasons, conditionFailedAt, conflicted, failedItemAt, handleResponse } from './errors';
import { emailClaim, tableName } from './keys';

export interface CreateCustomerStash {
  newCustomer: Customer;
  /** Set by the first attempt when its transaction lost a conflict: the retry then runs. */
  retryCreate?: boolean;
}

/** The customer and its email claim, each only if its key is free, in one TransactWriteItems. */
export function createCustomerTransaction(ctx: Context<unknown, CreateCustomerStash>) {
  const customer = ctx.stash.newCustomer;
  const claim = emailClaim(customer.email, customer.id);
  return ddb.transactWrite({
    items: [
      {
        putItem: {
          table: tableName(ctx.env, 'CUSTOMERS_TABLE'),
          key: { id: customer.id },
          item: customer,
          condition: { id: { attributeExists: false } },
        },
      },
      {
        putItem: {
          table: tableName(ctx.env, 'UNIQUES_TABLE'),
          key: { key: claim.key },
          item: claim,
          condition: { key: { attributeExists: false } },
        },
      },
    ],
  });
}

/**
 * Reads the transaction's outcome: the customer when written; `DuplicateEmail` naming the owner
 * when the claim was taken; on a conflict, null with `retryCreate` set when `mayRetry`, otherwise
 * `TransactionConflict` (nothing was written; the caller may send it again).
 */
export function readCreateCustomerOutcome(ctx: Context<unknown, CreateCustomerStash>, mayRetry: boolean): Customer | null {
  const customer = ctx.stash.newCustomer;
  const reasons = cancellationReasons(ctx);
  ctx.stash.retryCreate = false;
  if (conditionFailedAt(reasons, 1)) {
    const owner = failedItemAt(reasons, 1);
    util.error(`Email ${customer.email} is already used by another customer`, 'DuplicateEmail', null, {
      email: customer.email,
      existingCustomerId: owner ? owner.ownerId : null,
    });
  }
  if (conflicted(reasons)) {
    if (mayRetry) {
      ctx.stash.retryCreate = true;
      return null;
    }
    util.error(`Another request was writing email ${customer.email} at the same moment; nothing was written, try again`, 'TransactionConflict', null, {
      email: customer.email,
      cancellationReasons: reasons,
    });
  }
  handleResponse(ctx);
  return customer;
}
