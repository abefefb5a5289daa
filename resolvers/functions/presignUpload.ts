/**
 * Invokes the upload-url Lambda (functions/upload-url/handler.ts) with the caller's user-pool
 * identity and the input; raises its refusal `{ error: { message, type } }` as the field's error.
 */
import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../../schema/generated/types';

interface Identity {
  sub?: string;
  groups?: string[] | null;
}

export function request(ctx: Context<MutationCreateUploadArgs>): LambdaRequest {
  const identity = (ctx.identity || {}) as Identity;
  if (util.authType() !== 'User Pool Authorization' || !identity.sub) {
    util.unauthorized();
  }
  return { operation: 'Invoke', payload: { identity: { sub: identity.sub, groups: identity.groups || [] }, input: ctx.args.input } };
}

export function response(ctx: Context<MutationCreateUploadArgs>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const result = ctx.result as { error?: { message: string; type: string; field?: string } };
  if (result && result.error) {
    util.error(result.error.message, result.error.type, null, result.error.field ? { field: result.error.field } : null);
  }
  return ctx.result;
}
