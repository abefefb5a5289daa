import { util } from '@aws-appsync/utils';

// PIPELINE resolver: before → scoreTitle (Lambda) → putTodo (DynamoDB) → after.
export function request(ctx) {
  const max = Number(ctx.env.MAX_TITLE_LENGTH);
  if (ctx.args.title.length > max) util.error(`A title has at most ${max} characters`, 'ValidationError');
  ctx.stash.createdAt = util.time.nowISO8601();
  return {};
}

export function response(ctx) {
  return ctx.prev.result;
}
