/**
 * Mutation.abortUpload: [multipartUpload]. Abandons the caller's own multipart upload (S3 deletes
 * its parts; docs/upload.md). True once aborted; refusals as for completeUpload.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationAbortUploadArgs } from '../schema/generated/types';

export function request(_ctx: Context<MutationAbortUploadArgs>) {
  return {};
}

export function response(ctx: Context<MutationAbortUploadArgs>): boolean {
  return (ctx.prev as { result: boolean }).result;
}
