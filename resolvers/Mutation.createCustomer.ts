/**
 * Mutation.createCustomer: [putCustomerWithEmailClaim, putCustomerWithEmailClaimRetry].
 * The before step normalises the email (trim, NFC, lower-case), checks the input against the
 * Customer model's columns (lib/inputs.ts) and builds the item
 * (id, version 1, timestamps); the functions write it with its email claim in one transaction
 * (a second attempt only after a transaction conflict).
 * Errors: ValidationError, DuplicateEmail (errorInfo {email, existingCustomerId}).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { Customer, MutationCreateCustomerArgs } from '../schema/generated/types';
import { inputErrors, modelNamed, refuseInvalid, storedFields } from './lib/inputs';
import { CUSTOMER_EMAIL, normalizeEmail } from './lib/keys';

interface Stash {
  newCustomer: Customer;
}

export function request(ctx: Context<MutationCreateCustomerArgs, Stash>) {
  const model = modelNamed(CUSTOMER_EMAIL.model);
  const input = { ...ctx.args.input, email: normalizeEmail(ctx.args.input.email) } as Record<string, unknown>;
  refuseInvalid(inputErrors(model, input, true, null));
  const now = util.time.nowISO8601();
  // The Customer's stored fields as given; absent optional ones are left out rather than stored as NULL.
  const item: Record<string, unknown> = { id: util.autoId() };
  for (const field of storedFields(model, true)) {
    if (typeof input[field] === 'string') {
      item[field] = input[field];
    }
  }
  item.version = 1;
  item.createdAt = now;
  item.updatedAt = now;
  ctx.stash.newCustomer = item as Customer;
  return {};
}

export function response(ctx: Context<MutationCreateCustomerArgs, Stash, { result: Customer }>): Customer {
  return ctx.prev.result;
}
