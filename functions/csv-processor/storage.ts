/**
 * The S3 side of the processor: stream an upload, move it to processed/ or failed/, and write the
 * files that go next to it. A move is CopyObject + DeleteObject (S3 has no rename); CopyObject
 * takes objects up to 5 GB in one request
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { FileChangedError } from '../../clients/ingest/errors';
import type { ByteSource } from './engine';

export class EmptyBodyError extends Error {
  override name = 'EmptyBodyError';
}

/**
 * A re-openable stream of the object: each call is a new GetObject. The first one records the
 * object's ETag (and VersionId on a versioned bucket); every later one asks for exactly that
 * object (`VersionId`, and `IfMatch` on the ETag), so the engine's scan and send read the same
 * bytes even if the key is overwritten in between. S3 answers a later read of a changed object
 * with 412 Precondition Failed (or NoSuchVersion for a deleted version): a FileChangedError.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export function objectSource(s3: S3Client, bucket: string, key: string): ByteSource {
  let pinned: { etag?: string; versionId?: string } | undefined;
  return async function* () {
    let response;
    try {
      response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: pinned?.etag, VersionId: pinned?.versionId }));
    } catch (error) {
      if (pinned && isChangedObject(error)) {
        throw new FileChangedError(`s3://${bucket}/${key}`, `the object was overwritten or deleted after it was first read (ETag ${pinned.etag ?? '?'}${pinned.versionId ? `, version ${pinned.versionId}` : ''})`);
      }
      throw error;
    }
    pinned ??= { etag: response.ETag, versionId: response.VersionId };
    if (!response.Body) throw new EmptyBodyError(`s3://${bucket}/${key} came back without a body`);
    // In Node the body is an IncomingMessage (a Readable): async-iterable Buffers, never all in memory.
    for await (const chunk of response.Body as AsyncIterable<Uint8Array>) yield chunk;
  };
}

/** S3's answers to a pinned read of an object that is no longer the pinned one. */
function isChangedObject(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'PreconditionFailed' || error.name === 'NoSuchVersion' || status === 412;
}

/** CopyObject's limit; bigger objects are copied in parts (UploadPartCopy). */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
/** Part size for multipart copies: 10,000 parts at most, so this moves up to ~4.8 TB (S3's object limit is 5 TB). */
export const COPY_PART_BYTES = 512 * 1024 ** 2;

function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

/**
 * Copies `from` to `to` in the same bucket, then deletes `from`. `size` (bytes) selects the
 * multipart copy above 5 GB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/CopyingObjectsMPUapi.html).
 */
export async function moveObject(s3: S3Client, bucket: string, from: string, to: string, size = 0): Promise<void> {
  if (size <= SINGLE_COPY_LIMIT) {
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource(bucket, from) }));
  } else {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to }));
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
        const end = Math.min(start + COPY_PART_BYTES, size) - 1;
        const { CopyPartResult } = await s3.send(
          new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId, PartNumber: n, CopySource: copySource(bucket, from), CopySourceRange: `bytes=${start}-${end}` }),
        );
        parts.push({ ETag: CopyPartResult!.ETag!, PartNumber: n });
      }
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId }));
      throw error;
    }
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: from }));
}

export async function putText(s3: S3Client, bucket: string, key: string, body: string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}
