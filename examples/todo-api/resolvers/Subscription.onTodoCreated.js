import { util, extensions } from '@aws-appsync/utils';

// Subscription resolver on NONE: only the subscriber's own todos, and only ones not yet done.
export function request() {
  return { payload: null };
}

export function response(ctx) {
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ owner: { eq: ctx.args.owner }, done: { eq: false } }));
  return null;
}
