/**
 * The S3 side of the processor: stream an upload, move it to processed/ or failed/, and write the
 * files that go next to it. A move is CopyObject + DeleteObject (S3 has no rename); CopyObject
 * takes objects up to 5 GB in one request
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ByteSource } from './engine';

export class EmptyBodyError extends Error {
  override name = 'EmptyBodyError';
}

/** A re-openable stream of the object: each call is a new GetObject. */
export function objectSource(s3: S3Client, bucket: string, key: string): ByteSource {
  return async function* () {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new EmptyBodyError(`s3://${bucket}/${key} came back without a body`);
    // In Node the body is an IncomingMessage (a Readable): async-iterable Buffers, never all in memory.
    for await (const chunk of response.Body as AsyncIterable<Uint8Array>) yield chunk;
  };
}

/** Copies `from` to `to` in the same bucket, then deletes `from`. */
export async function moveObject(s3: S3Client, bucket: string, from: string, to: string): Promise<void> {
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: `${bucket}/${encodeURIComponent(from).replace(/%2F/g, '/')}` }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: from }));
}

export async function putText(s3: S3Client, bucket: string, key: string, body: string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}
