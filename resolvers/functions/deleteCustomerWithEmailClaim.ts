/**
 * Deletes the customer read by getCustomerById (`ctx.stash.customer`) and releases its email claim
 * in one TransactWriteItems. Refuses (`CustomerHas<Plural>`) when a findReferrers step, run just
 * before, found a record naming this customer. Returns the deleted customer, or null when there was
 * none (deleting is idempotent). Data source: CustomersTable.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { Customer } from '../../schema/generated/types';
import { cancellationReasons, conditionFailedAt, conflicted, failedItemAt, handleResponse } from '../lib/errors';
import { emailClaimKey, tableName } from '../lib/keys';
import { referencedError } from '../lib/referrers';
import type { ReferrerStash } from '../lib/referrers';

interface Stash extends ReferrerStash {
  customer: Customer | null;
}

export function request(ctx: Context<unknown, Stash>) {
  const customer = ctx.stash.customer;
  if (!customer) {
    runtime.earlyReturn(null);
  }
  const by = ctx.stash.referencedBy;
  if (by) {
    const refused = referencedError('Customer', customer.id, by);
    util.error(refused.message, refused.type, null, { id: customer.id });
  }
  return ddb.transactWrite({
    items: [
      {
        deleteItem: {
          table: tableName(ctx.env, 'CUSTOMERS_TABLE'),
          key: { id: customer.id },
          // Unchanged since it was read: otherwise the claim below might name an older email.
          condition: { version: { eq: customer.version } },
        },
      },
      {
        deleteItem: {
          table: tableName(ctx.env, 'UNIQUES_TABLE'),
          key: { key: emailClaimKey(customer.email) },
          condition: { ownerId: { eq: customer.id } },
        },
      },
    ],
  });
}

export function response(ctx: Context<unknown, Stash>): Customer | null {
  const customer = ctx.stash.customer as Customer;
  const reasons = cancellationReasons(ctx);
  if (conditionFailedAt(reasons, 0)) {
    if (!failedItemAt(reasons, 0)) {
      // Deleted by a concurrent request: the outcome the caller wanted.
      return null;
    }
    util.error(`Customer ${customer.id} was changed by another request; read it again and retry`, 'ConcurrentModification', null, {
      id: customer.id,
    });
  }
  if (conditionFailedAt(reasons, 1) || conflicted(reasons)) {
    util.error(`Customer ${customer.id} was changed by another request; try again`, 'ConcurrentModification', null, {
      id: customer.id,
      cancellationReasons: reasons,
    });
  }
  handleResponse(ctx);
  return customer;
}
