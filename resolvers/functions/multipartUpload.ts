/**
 * completeUpload / abortUpload (docs/upload.md): invokes the upload-url Lambda
 * (functions/upload-url/handler.ts) with the field's name as its action, the caller's user-pool
 * identity and the input; raises its refusal `{ error: { message, type } }` as the field's error.
 * The Lambda checks that the key is the caller's own uploads/<sub>/….
 */
import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationAbortUploadArgs, MutationCompleteUploadArgs } from '../../schema/generated/types';

interface Identity {
  sub?: string;
  groups?: string[] | null;
}

type Args = MutationCompleteUploadArgs | MutationAbortUploadArgs;

export function request(ctx: Context<Args>): LambdaRequest {
  const identity = (ctx.identity || {}) as Identity;
  if (util.authType() !== 'User Pool Authorization' || !identity.sub) {
    util.unauthorized();
  }
  return { operation: 'Invoke', payload: { action: ctx.info.fieldName, identity: { sub: identity.sub, groups: identity.groups || [] }, input: ctx.args.input } };
}

export function response(ctx: Context<Args>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const result = ctx.result as { error?: { message: string; type: string; field?: string } } | boolean;
  if (typeof result === 'object' && result && result.error) {
    util.error(result.error.message, result.error.type, null, result.error.field ? { field: result.error.field } : null);
  }
  return ctx.result;
}
