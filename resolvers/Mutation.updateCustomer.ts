/**
 * Mutation.updateCustomer: [getCustomerById, updateCustomerWithEmailClaim].
 * Fields left out of the input stay as they are; optional fields given as null are removed; a new
 * email is normalised and its claim moved in the same transaction as the update. The update applies
 * only to the version read (or `expectedVersion` when given) and raises the version by one.
 * Errors: ValidationError, NotFound, ConcurrentModification, DuplicateEmail.
 */
import type { Context } from '@aws-appsync/utils';
import type { Customer, MutationUpdateCustomerArgs } from '../schema/generated/types';
import type { CustomerChanges } from './functions/updateCustomerWithEmailClaim';
import { customerInputErrors, refuseInvalid } from './lib/inputs';
import { normalizeEmail } from './lib/keys';

interface Stash {
  customerId: string;
  changes: CustomerChanges;
}

export function request(ctx: Context<MutationUpdateCustomerArgs, Stash>) {
  const input = ctx.args.input;
  const email = typeof input.email === 'string' ? normalizeEmail(input.email) : input.email;
  refuseInvalid(customerInputErrors({ ...input, email }, false));
  const changes: CustomerChanges = { id: input.id, expectedVersion: input.expectedVersion, set: {}, remove: [] };
  if (typeof email === 'string') {
    changes.set.email = email;
  }
  for (const field of ['name', 'phone', 'company', 'country', 'signupDate', 'notes']) {
    const value = input[field as 'name' | 'phone' | 'company' | 'country' | 'signupDate' | 'notes'];
    if (typeof value === 'string') {
      changes.set[field] = value;
    } else if (value === null) {
      changes.remove.push(field);
    }
  }
  ctx.stash.customerId = input.id;
  ctx.stash.changes = changes;
  return {};
}

export function response(ctx: Context<MutationUpdateCustomerArgs, Stash, { result: Customer }>): Customer {
  return ctx.prev.result;
}
