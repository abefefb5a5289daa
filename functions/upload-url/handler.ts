/**
 * upload-url: the Lambda behind createUpload (AppSync AWS_LAMBDA data source, invoked by
 * resolvers/functions/presignUpload.ts with the caller's identity and input). In AWS it signs
 * with its own role, which may put objects under uploads/ only (infra/aws/stack.ts), for the
 * bucket in FOREMAN_UPLOAD_BUCKET. In the local stack the S3 route (infra/local/s3/route.ts)
 * registers its endpoint and credentials with `useLocalUploadTarget`, in the same process.
 * Multipart uploads (createUpload from the part size up, completeUpload, abortUpload) call S3 with
 * the SDK under the same identity. FOREMAN_UPLOAD_PART_BYTES overrides the part size and threshold
 * (tests; S3 refuses parts under 5 MiB but the last at completion).
 */
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { abortUpload, completeUpload, createUpload, type CompleteRequest, type MultipartApi, type UploadRequest, type UploadTarget } from './upload';

/** The multipart calls, made with an SDK client on `bucket`. */
export function sdkMultipart(s3: S3Client, bucket: string): MultipartApi {
  return {
    async create(key, metadata) {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Metadata: metadata }));
      return r.UploadId!;
    },
    async complete(key, uploadId, parts) {
      const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) } }));
      return r.ETag ?? '';
    },
    async abort(key, uploadId) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    },
  };
}

const LOCAL = Symbol.for('foreman.localUploadTarget');
type Registry = { [LOCAL]?: UploadTarget | null };

/** The local S3 route's bucket (null: none running). */
export function useLocalUploadTarget(target: UploadTarget | null): void {
  (globalThis as Registry)[LOCAL] = target;
}

function awsTarget(env: NodeJS.ProcessEnv): UploadTarget | null {
  const bucket = env.FOREMAN_UPLOAD_BUCKET;
  const region = env.AWS_REGION;
  if (!bucket || !region || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return null;
  return {
    bucket,
    region,
    multipart: sdkMultipart(new S3Client({ region }), bucket),
    base: `https://${bucket}.s3.${region}.amazonaws.com`,
    // The function role's temporary credentials, as the Lambda runtime sets them.
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
  };
}

export async function handler(event: UploadRequest | (CompleteRequest & { action: 'completeUpload' | 'abortUpload' })) {
  const found = (globalThis as Registry)[LOCAL] ?? awsTarget(process.env);
  if (!found) {
    return { error: { type: 'UploadsUnavailable', message: 'Uploads are not available here: no S3 bucket is configured (locally, `foreman serve` starts the S3 route).' } };
  }
  const override = Number(process.env.FOREMAN_UPLOAD_PART_BYTES);
  const target = Number.isInteger(override) && override > 0 ? { ...found, partBytes: override } : found;
  if (event.action === 'completeUpload') return completeUpload(target, event as CompleteRequest);
  if (event.action === 'abortUpload') return abortUpload(target, event as CompleteRequest);
  return createUpload(target, event as UploadRequest);
}
