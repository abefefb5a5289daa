import { util } from '@aws-appsync/utils';

// Pipeline function on the Scorer Lambda: Invoke with the title, keep the priority in the stash.
export function request(ctx) {
  return { operation: 'Invoke', payload: { title: ctx.args.title } };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  ctx.stash.priority = ctx.result;
  return ctx.result;
}
