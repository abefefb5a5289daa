/**
 * upload-url: the Lambda behind createUpload (AppSync AWS_LAMBDA data source, invoked by
 * resolvers/functions/presignUpload.ts with the caller's identity and input). In AWS it signs
 * with its own role, which may put objects under uploads/ only (infra/aws/stack.ts), for the
 * bucket in FOREMAN_UPLOAD_BUCKET. In the local stack the S3 route (infra/local/s3/route.ts)
 * registers its endpoint and credentials with `useLocalUploadTarget`, in the same process.
 */
import { createUpload, type UploadRequest, type UploadTarget } from './upload';

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
    base: `https://${bucket}.s3.${region}.amazonaws.com`,
    // The function role's temporary credentials, as the Lambda runtime sets them.
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
  };
}

export async function handler(event: UploadRequest) {
  const target = (globalThis as Registry)[LOCAL] ?? awsTarget(process.env);
  if (!target) {
    return { error: { type: 'UploadsUnavailable', message: 'Uploads are not available here: no S3 bucket is configured (locally, `foreman serve` starts the S3 route).' } };
  }
  return createUpload(target, event);
}
