/**
 * Applies `ctx.stash.changes` to the customer read by getCustomerById (`ctx.stash.customer`) in one
 * TransactWriteItems: the customer's update on condition that its version is still the one read
 * (optimistic locking), and when the email changes, the old claim deleted (on condition it is still
 * this customer's) and the new claim put (on condition it is free). Either all of it happens or none.
 * Errors: NotFound, ConcurrentModification, DuplicateEmail. Data source: CustomersTable.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { TransactWriteItem } from '@aws-appsync/utils/dynamodb';
import type { Customer } from '../../schema/generated/types';
import { cancellationReasons, conditionFailedAt, conflicted, failedItemAt, handleResponse } from '../lib/errors';
import { emailClaim, emailClaimKey, tableName } from '../lib/keys';

export interface CustomerChanges {
  id: string;
  expectedVersion?: number | null;
  /** Attributes to set (email already normalised). */
  set: Record<string, string>;
  /** Optional attributes to remove (explicit nulls in the input). */
  remove: string[];
}

interface Stash {
  customer: Customer | null;
  changes: CustomerChanges;
  updated?: Customer;
  emailMoved?: boolean;
}

export function request(ctx: Context<unknown, Stash>) {
  const current = ctx.stash.customer;
  const changes = ctx.stash.changes;
  if (!current) {
    util.error(`Customer ${changes.id} does not exist`, 'NotFound', null, { id: changes.id });
  }
  const expected = changes.expectedVersion;
  if (typeof expected === 'number' && expected !== current.version) {
    util.error(`Customer ${current.id} is at version ${current.version}, not ${expected}`, 'ConcurrentModification', null, {
      id: current.id,
      expectedVersion: expected,
      actualVersion: current.version,
    });
  }
  const now = util.time.nowISO8601();
  const update: Record<string, unknown> = { version: current.version + 1, updatedAt: now };
  const updated: Record<string, unknown> = { ...current, version: current.version + 1, updatedAt: now };
  for (const field of Object.keys(changes.set)) {
    update[field] = changes.set[field];
    updated[field] = changes.set[field];
  }
  for (const field of changes.remove) {
    update[field] = ddb.operations.remove();
    updated[field] = null;
  }
  ctx.stash.updated = updated as Customer;

  const items: TransactWriteItem[] = [
    {
      updateItem: {
        table: tableName(ctx.env, 'CUSTOMERS_TABLE'),
        key: { id: current.id },
        update,
        condition: { version: { eq: current.version } },
      },
    },
  ];
  const newEmail = changes.set.email;
  ctx.stash.emailMoved = typeof newEmail === 'string' && newEmail !== current.email;
  if (ctx.stash.emailMoved) {
    const claim = emailClaim(newEmail as string, current.id);
    items.push({
      deleteItem: {
        table: tableName(ctx.env, 'UNIQUES_TABLE'),
        key: { key: emailClaimKey(current.email) },
        condition: { ownerId: { eq: current.id } },
      },
    });
    items.push({
      putItem: {
        table: tableName(ctx.env, 'UNIQUES_TABLE'),
        key: { key: claim.key },
        item: claim,
        condition: { key: { attributeExists: false } },
      },
    });
  }
  return ddb.transactWrite({ items });
}

export function response(ctx: Context<unknown, Stash>): Customer {
  const updated = ctx.stash.updated as Customer;
  const reasons = cancellationReasons(ctx);
  if (conditionFailedAt(reasons, 0)) {
    if (!failedItemAt(reasons, 0)) {
      util.error(`Customer ${updated.id} does not exist`, 'NotFound', null, { id: updated.id });
    }
    util.error(`Customer ${updated.id} was changed by another request; read it again and retry`, 'ConcurrentModification', null, {
      id: updated.id,
    });
  }
  if (ctx.stash.emailMoved && conditionFailedAt(reasons, 2)) {
    const owner = failedItemAt(reasons, 2);
    util.error(`Email ${updated.email} is already used by another customer`, 'DuplicateEmail', null, {
      email: updated.email,
      existingCustomerId: owner ? owner.ownerId : null,
    });
  }
  if (ctx.stash.emailMoved && conditionFailedAt(reasons, 1)) {
    util.error(`The email of customer ${updated.id} was changed by another request; read it again and retry`, 'ConcurrentModification', null, {
      id: updated.id,
    });
  }
  if (conflicted(reasons)) {
    util.error(`Another request was writing customer ${updated.id} at the same moment; nothing was written, try again`, 'TransactionConflict', null, {
      id: updated.id,
      cancellationReasons: reasons,
    });
  }
  handleResponse(ctx);
  return updated;
}
