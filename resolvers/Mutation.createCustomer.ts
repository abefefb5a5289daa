/**
 * Mutation.createCustomer: [putCustomerWithEmailClaim, putCustomerWithEmailClaimRetry].
 * The before step normalises the email (trim + lower-case), checks the input and builds the item
 * (id, version 1, timestamps); the functions write it with its email claim in one transaction
 * (a second attempt only after a transaction conflict).
 * Errors: ValidationError, DuplicateEmail (errorInfo {email, existingCustomerId}).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { Customer, MutationCreateCustomerArgs } from '../schema/generated/types';
import { customerInputErrors, refuseInvalid } from './lib/inputs';
import { normalizeEmail } from './lib/keys';

interface Stash {
  newCustomer: Customer;
}

export function request(ctx: Context<MutationCreateCustomerArgs, Stash>) {
  const input = ctx.args.input;
  const email = normalizeEmail(input.email);
  refuseInvalid(customerInputErrors({ ...input, email }, true));
  const now = util.time.nowISO8601();
  // Absent optional fields are left out of the item rather than stored as NULL.
  const item: Record<string, unknown> = { id: util.autoId(), email, name: input.name, version: 1, createdAt: now, updatedAt: now };
  for (const field of ['phone', 'company', 'country', 'signupDate', 'notes']) {
    const value = input[field as 'phone' | 'company' | 'country' | 'signupDate' | 'notes'];
    if (typeof value === 'string') {
      item[field] = value;
    }
  }
  ctx.stash.newCustomer = item as Customer;
  return {};
}

export function response(ctx: Context<MutationCreateCustomerArgs, Stash, { result: Customer }>): Customer {
  return ctx.prev.result;
}
