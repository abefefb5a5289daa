/**
 * Subscription.onIngestionProgress: [acceptSubscription]. Events of one ingestion, delivered only
 * when the subscriber may read it: its owner, an admin or the back end (the `owner` filter).
 */
import type { Context } from '@aws-appsync/utils';
import type { SubscriptionOnIngestionProgressArgs } from '../schema/generated/types';
import { setOwnerFilter } from './lib/subscriptions';

export function request(_ctx: Context<SubscriptionOnIngestionProgressArgs>) {
  return {};
}

export function response(ctx: Context<SubscriptionOnIngestionProgressArgs>) {
  setOwnerFilter(ctx, { ingestionId: ctx.args.ingestionId });
  return null;
}
