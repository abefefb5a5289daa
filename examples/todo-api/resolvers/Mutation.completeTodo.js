import { util } from '@aws-appsync/utils';
import { update } from '@aws-appsync/utils/dynamodb';

// UNIT resolver on DynamoDB: mark done, only if the todo exists.
export function request(ctx) {
  return update({ key: { id: ctx.args.id }, update: { done: true }, condition: { id: { attributeExists: true } } });
}

export function response(ctx) {
  if (ctx.error) {
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException') util.error(`No todo ${ctx.args.id}`, 'NotFound');
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
