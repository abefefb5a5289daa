/**
 * Where objects live in the ingestion bucket, shared by the processor, the import Lambda and the
 * CDK stack (which scopes every S3 grant to these prefixes).
 *
 *   uploads/<path>                      dropped here by users; the processor is notified
 *   processed/<path>                    the file, once ingested (or answered "duplicate")
 *   processed/<path>.errors.csv         its row-error report, when rows were rejected
 *   processed/<path>.duplicate.json     the duplicate-file answer (first ingestion's id …)
 *   failed/<path>                       the file, when it could not be ingested at all
 *   failed/<path>.reason.txt            why, in one readable paragraph
 */
export const PREFIXES = { uploads: 'uploads/', processed: 'processed/', failed: 'failed/' } as const;

export class NotAnUploadError extends Error {
  override name = 'NotAnUploadError';
}

/** `uploads/a/b.csv` → `a/b.csv`. */
export function relativeKey(uploadKey: string): string {
  if (!uploadKey.startsWith(PREFIXES.uploads) || uploadKey.length === PREFIXES.uploads.length) {
    throw new NotAnUploadError(`${uploadKey} is not under ${PREFIXES.uploads}`);
  }
  return uploadKey.slice(PREFIXES.uploads.length);
}

export function processedKey(uploadKey: string): string {
  return PREFIXES.processed + relativeKey(uploadKey);
}

export function failedKey(uploadKey: string): string {
  return PREFIXES.failed + relativeKey(uploadKey);
}

/**
 * S3 event notifications URL-encode the key, with spaces as `+`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
