/**
 * Subscription.onIngestionsChanged: [acceptSubscription]. Every ingestion's events for admins and
 * the back end; a user's own for anyone else (the `owner` filter).
 */
import type { Context } from '@aws-appsync/utils';
import { setOwnerFilter } from './lib/subscriptions';

export function request(_ctx: Context) {
  return {};
}

export function response(ctx: Context) {
  setOwnerFilter(ctx, {});
  return null;
}
