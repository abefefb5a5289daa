/**
 * Mutation.createUpload: [presignUpload]. A presigned, size-limited PUT into the caller's own
 * `uploads/<sub>/…` of the ingestion bucket (functions/upload-url, docs/upload.md). Only user-pool
 * callers in admins or importers (the schema's directive); the Lambda checks the input and answers
 * a refusal (BadRequest, PayloadTooLarge, Unauthorized) that the function raises as an error.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs, Upload } from '../schema/generated/types';

export function request(_ctx: Context<MutationCreateUploadArgs>) {
  return {};
}

export function response(ctx: Context<MutationCreateUploadArgs>): Upload {
  return (ctx.prev as { result: Upload }).result;
}
