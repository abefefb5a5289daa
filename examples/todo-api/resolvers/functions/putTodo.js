import { util } from '@aws-appsync/utils';
import { put } from '@aws-appsync/utils/dynamodb';

// Pipeline function on DynamoDB: a new todo, never overwriting one.
export function request(ctx) {
  const item = { title: ctx.args.title, owner: ctx.args.owner, done: false, priority: ctx.stash.priority, createdAt: ctx.stash.createdAt };
  return put({ key: { id: util.autoId() }, item, condition: { id: { attributeExists: false } } });
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
