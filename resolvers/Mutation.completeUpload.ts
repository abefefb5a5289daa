/**
 * Mutation.completeUpload: [multipartUpload]. Completes the caller's own multipart upload
 * (functions/upload-url, docs/upload.md); the object lands in uploads/ and the S3 processor
 * ingests it. Refusals (Unauthorized for another user's key, NotFound for an unknown uploadId,
 * BadRequest for parts S3 refuses) are raised by the function.
 */
import type { Context } from '@aws-appsync/utils';
import type { CompletedUpload, MutationCompleteUploadArgs } from '../schema/generated/types';

export function request(_ctx: Context<MutationCompleteUploadArgs>) {
  return {};
}

export function response(ctx: Context<MutationCompleteUploadArgs>): CompletedUpload {
  return (ctx.prev as { result: CompletedUpload }).result;
}
