/**
 * One referrer check of a delete (resolvers/lib/referrers.ts): is there a record of the referring
 * model whose reference holds `ctx.stash.targetId`? Queries that model's `by<Target>` index for
 * one item. The wiring instantiates this code once per referrer (`find<Plural>By<Target>`, on the
 * referring model's table), in the order `referrersOf` gives; each instance handles
 * `ctx.stash.referrers[ctx.stash.referrerAt]` and moves on. Nothing to ask once one was found.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';
import type { ReferrerStash } from '../lib/referrers';

export function request(ctx: Context<unknown, ReferrerStash>) {
  const check = ctx.stash.referrers[ctx.stash.referrerAt];
  if (!check || ctx.stash.referencedBy) {
    ctx.stash.referrerAt = ctx.stash.referrerAt + 1;
    runtime.earlyReturn(null);
  }
  const query: Record<string, { eq: string }> = {};
  query[check.field] = { eq: ctx.stash.targetId };
  return ddb.query({ index: check.index, query, limit: 1 });
}

export function response(ctx: Context<unknown, ReferrerStash>) {
  const page = handleResponse<PageResult<Record<string, unknown>>>(ctx);
  if (page.items.length > 0) {
    ctx.stash.referencedBy = ctx.stash.referrers[ctx.stash.referrerAt] || null;
  }
  ctx.stash.referrerAt = ctx.stash.referrerAt + 1;
  return null;
}
