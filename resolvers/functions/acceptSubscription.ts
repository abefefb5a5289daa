/**
 * The one step of a subscription resolver (NONE data source): nothing to read. The resolver's
 * response handler then sets the enhanced filter (extensions.setSubscriptionFilter).
 */
import type { Context } from '@aws-appsync/utils';

export function request(_ctx: Context) {
  return { payload: null };
}

export function response(_ctx: Context) {
  return null;
}
