/**
 * eraseCustomer, step 3: deletes the customer and its email claim in one TransactWriteItems, the
 * claim only while it still names this customer. Without a customer, a claim left pointing at
 * nobody is released alone. Nothing to delete (already erased, or a continuation): no request.
 * Data source: CustomersTable (its role also reaches Uniques).
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { ErasureStash } from '../lib/erasure';
import { emailClaimKey, tableName } from '../lib/keys';

export function request(ctx: Context<unknown, ErasureStash>) {
  const s = ctx.stash;
  const customer = s.customer;
  if (customer && s.email && s.email !== customer.email) {
    util.error('The id and the email name different customers: give one of them.', 'BadRequest', null, { field: 'email' });
  }
  if (customer) {
    s.email = customer.email;
  }
  if (!s.email) {
    util.error(`No customer ${s.customerId}: give the email to search for stored copies of it.`, 'CustomerNotFound', null, { id: s.customerId });
  }
  if (s.continuing || (!customer && !s.claim)) {
    runtime.earlyReturn(null);
  }
  const claimKey = emailClaimKey(s.email as string);
  const items: Record<string, unknown>[] = [];
  if (customer) {
    items.push({
      table: tableName(ctx.env, 'CUSTOMERS_TABLE'),
      operation: 'DeleteItem',
      key: util.dynamodb.toMapValues({ id: customer.id }),
      condition: { expression: 'attribute_exists(#id)', expressionNames: { '#id': 'id' } },
    });
  }
  items.push({
    table: tableName(ctx.env, 'UNIQUES_TABLE'),
    operation: 'DeleteItem',
    key: util.dynamodb.toMapValues({ key: claimKey }),
    condition: {
      expression: 'attribute_exists(#key) AND #ownerId = :ownerId',
      expressionNames: { '#key': 'key', '#ownerId': 'ownerId' },
      expressionValues: util.dynamodb.toMapValues({ ':ownerId': customer ? customer.id : (s.claim as { ownerId: string }).ownerId }),
    },
  });
  return { operation: 'TransactWriteItems', transactItems: items };
}

export function response(ctx: Context<unknown, ErasureStash>) {
  if (ctx.error) {
    // A concurrent erase or update got there first: the caller may simply call again.
    util.error(`The customer changed while it was being erased (${ctx.error.message}); call eraseCustomer again.`, 'ConcurrentModification', null, ctx.result);
  }
  ctx.stash.customerDeleted = !!ctx.stash.customer;
  ctx.stash.emailClaimReleased = true;
  return null;
}
