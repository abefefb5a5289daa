/**
 * Reads the claim of the normalised email `ctx.stash.email` from the Uniques table and puts its
 * owner in `ctx.stash.customerId` (null when the email is free). Data source: UniquesTable.
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { handleResponse } from '../lib/errors';
import { emailClaimKey } from '../lib/keys';
import type { UniqueClaim } from '../lib/keys';

interface Stash {
  email: string;
  customerId?: string | null;
}

export function request(ctx: Context<unknown, Stash>) {
  return ddb.get<UniqueClaim>({ key: { key: emailClaimKey(ctx.stash.email) } });
}

export function response(ctx: Context<unknown, Stash>): UniqueClaim | null {
  const claim = handleResponse<UniqueClaim | null>(ctx);
  ctx.stash.customerId = claim ? claim.ownerId : null;
  return claim || null;
}
