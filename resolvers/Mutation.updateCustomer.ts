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
import { inputErrors, modelNamed, refuseInvalid, storedFields } from './lib/inputs';
import { CUSTOMER_EMAIL, normalizeEmail } from './lib/keys';

interface Stash {
  customerId: string;
  changes: CustomerChanges;
}

export function request(ctx: Context<MutationUpdateCustomerArgs, Stash>) {
  const model = modelNamed(CUSTOMER_EMAIL.model);
  const args = ctx.args.input;
  const input = { ...args, email: typeof args.email === 'string' ? normalizeEmail(args.email) : args.email } as Record<string, unknown>;
  refuseInvalid(inputErrors(model, input, false, null));
  const changes: CustomerChanges = { id: args.id, expectedVersion: args.expectedVersion, set: {}, remove: [] };
  for (const field of storedFields(model, false)) {
    const value = input[field];
    if (typeof value === 'string') {
      changes.set[field] = value;
    } else if (value === null) {
      changes.remove.push(field);
    }
  }
  ctx.stash.customerId = args.id;
  ctx.stash.changes = changes;
  return {};
}

export function response(ctx: Context<MutationUpdateCustomerArgs, Stash, { result: Customer }>): Customer {
  return ctx.prev.result;
}
