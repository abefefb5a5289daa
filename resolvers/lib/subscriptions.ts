/**
 * Who receives an ingestion's real-time events: its owner, admins and the back end (docs/auth.md).
 * Enhanced subscription filters set in the subscription resolver (aws-appsync-real-time-enhanced-
 * filtering.html). They take precedence over the subscription's arguments, so an argument that
 * should still filter (onIngestionProgress's `ingestionId`) is part of the filter.
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { callerAccess } from './identity';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function setOwnerFilter(ctx: Context<any>, byArgument: Record<string, unknown>): void {
  const access = callerAccess(ctx);
  const filter: Record<string, unknown> = {};
  for (const name of Object.keys(byArgument)) {
    filter[name] = { eq: byArgument[name] };
  }
  if (!access.all) {
    filter.owner = { eq: access.owner };
  }
  if (Object.keys(filter).length > 0) {
    extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
  }
}
