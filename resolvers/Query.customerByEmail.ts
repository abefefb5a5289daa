/**
 * Query.customerByEmail: [getEmailClaim, getCustomerById]. The email is compared as stored:
 * trimmed and lower-cased. Null when no customer holds it (getCustomerById then returns early).
 */
import type { Context } from '@aws-appsync/utils';
import type { Customer, QueryCustomerByEmailArgs } from '../schema/generated/types';
import { normalizeEmail } from './lib/keys';

interface Stash {
  email: string;
}

export function request(ctx: Context<QueryCustomerByEmailArgs, Stash>) {
  ctx.stash.email = normalizeEmail(ctx.args.email);
  return {};
}

export function response(ctx: Context<QueryCustomerByEmailArgs, Stash, { result: Customer | null }>): Customer | null {
  return ctx.prev.result;
}
