import { util } from '@aws-appsync/utils';
import { scan } from '@aws-appsync/utils/dynamodb';

// UNIT resolver on DynamoDB: one Scan page (a real API would page with nextToken).
export function request() {
  return scan({ limit: 100, consistentRead: true });
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result.items;
}
