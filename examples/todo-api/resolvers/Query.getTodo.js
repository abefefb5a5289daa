import { util } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';

// UNIT resolver on DynamoDB: GetItem by id.
export function request(ctx) {
  return get({ key: { id: ctx.args.id } });
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
