/**
 * eraseCustomer, step 1: reads the claim of `stash.email` (when an email was given and this is the
 * first call) and takes its owner as the customer to erase. Data source: UniquesTable.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import type { ErasureStash } from '../lib/erasure';
import { handleResponse } from '../lib/errors';
import { emailClaimKey } from '../lib/keys';
import type { UniqueClaim } from '../lib/keys';

export function request(ctx: Context<unknown, ErasureStash>) {
  if (ctx.stash.continuing || !ctx.stash.email) {
    ctx.stash.claim = null;
    runtime.earlyReturn(null);
  }
  return ddb.get<UniqueClaim>({ key: { key: emailClaimKey(ctx.stash.email as string) }, consistentRead: true });
}

export function response(ctx: Context<unknown, ErasureStash>) {
  const claim = handleResponse<UniqueClaim | null>(ctx);
  ctx.stash.claim = claim ? { key: claim.key, ownerId: claim.ownerId } : null;
  if (claim) {
    if (ctx.stash.customerId && ctx.stash.customerId !== claim.ownerId) {
      util.error('The id and the email name different customers: give one of them.', 'BadRequest', null, { field: 'email' });
    }
    ctx.stash.customerId = claim.ownerId;
  }
  return null;
}
