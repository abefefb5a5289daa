/**
 * Writes the new customer `ctx.stash.newCustomer` and the claim of its (normalised) email in one
 * TransactWriteItems, each with `attribute_not_exists` on its key, so no two customers can ever hold
 * one email, whatever runs concurrently. A taken email answers `DuplicateEmail`, naming the owner.
 * Data source: CustomersTable (the transaction also touches Uniques).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Customer } from '../../schema/generated/types';
import { cancellationReasons, conditionFailedAt, conflicted, failedItemAt, handleResponse } from '../lib/errors';
import { emailClaim, tableName } from '../lib/keys';

interface Stash {
  newCustomer: Customer;
}

export function request(ctx: Context<unknown, Stash>) {
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

export function response(ctx: Context<unknown, Stash>): Customer {
  const customer = ctx.stash.newCustomer;
  const reasons = cancellationReasons(ctx);
  if (conditionFailedAt(reasons, 1)) {
    const owner = failedItemAt(reasons, 1);
    util.error(`Email ${customer.email} is already used by another customer`, 'DuplicateEmail', null, {
      email: customer.email,
      existingCustomerId: owner ? owner.customerId : null,
    });
  }
  if (conflicted(reasons)) {
    util.error(`Another request was writing email ${customer.email} at the same moment; nothing was written, try again`, 'TransactionConflict', null, {
      email: customer.email,
      cancellationReasons: reasons,
    });
  }
  handleResponse(ctx);
  return customer;
}
