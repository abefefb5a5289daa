/**
 * Mutation.eraseCustomer (admins; IAM operators granted the field):
 * [readErasureClaim, getCustomerById, deleteErasedCustomer, scanForErasure, redactErasedValues].
 *
 * The first call deletes the customer and its email claim in one TransactWriteItems (atomic), then
 * every call searches one page of the Ingestions table for stored copies of the email and erases
 * them (one TransactWriteItems per page: a page is erased whole or not at all). DynamoDB cannot
 * search a whole table in one request, so the search is paged: call again with `nextToken` and the
 * email until `complete`. Every step is idempotent: a repeated call finds nothing more to remove.
 * Errors: BadRequest (neither id nor email; id and email of different customers), CustomerNotFound
 * (an id alone that names nobody: the email is needed to search for copies).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { ErasureResult, MutationEraseCustomerArgs } from '../schema/generated/types';
import type { ErasureStash } from './lib/erasure';
import { normalizeEmail } from './lib/keys';

export function request(ctx: Context<MutationEraseCustomerArgs, ErasureStash>) {
  const input = ctx.args.input;
  const email = input.email ? normalizeEmail(input.email) : '';
  if (!input.id && !email) {
    util.error('eraseCustomer needs the customer id or the email.', 'BadRequest', null, { field: 'id' });
  }
  if (input.nextToken && !email) {
    util.error('Continuing an erasure needs the email it searches for (the customer is gone by then).', 'BadRequest', null, { field: 'email' });
  }
  ctx.stash.email = email || null;
  ctx.stash.customerId = input.id || null;
  ctx.stash.nextToken = input.nextToken || null;
  ctx.stash.continuing = !!input.nextToken;
  ctx.stash.customerDeleted = false;
  ctx.stash.emailClaimReleased = false;
  ctx.stash.rowErrorsRedacted = 0;
  ctx.stash.batchOutcomesRedacted = 0;
  ctx.stash.itemsScanned = 0;
  return {};
}

export function response(ctx: Context<MutationEraseCustomerArgs, ErasureStash>): ErasureResult {
  const s = ctx.stash;
  return {
    email: s.email as string,
    customerId: s.customerId || null,
    customerDeleted: s.customerDeleted,
    emailClaimReleased: s.emailClaimReleased,
    rowErrorsRedacted: s.rowErrorsRedacted,
    batchOutcomesRedacted: s.batchOutcomesRedacted,
    itemsScanned: s.itemsScanned,
    nextToken: s.scanNextToken || null,
    complete: !s.scanNextToken,
  };
}
