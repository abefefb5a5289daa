/**
 * One S3 notification, record by record, with logs and metrics. A record that can never succeed —
 * not an S3 notification, a key that cannot be decoded, an object outside uploads/ — is a poison
 * event: it throws PoisonEventError at once, without touching the bucket, so Lambda's bounded
 * retries end with the event in the dead-letter queue (infra/aws/failures.ts) instead of it being
 * lost, and nothing is written where it could trigger the function again (only uploads/ does).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { decodeEventKey, NotAnUploadError, relativeKey } from './keys';
import { processUploadOnce, type ProcessorDeps, type ProcessResult, type Upload } from './process';
import { recordOutcome, recordRows } from '../telemetry';

/** The part of the S3 notification event we read (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
export interface S3NotificationEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[];
}

/** An event no retry can help: it goes to the dead-letter queue, with this message as the error. */
export class PoisonEventError extends Error {
  override name = 'PoisonEventError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The uploads of an event, or PoisonEventError naming what is wrong with it. */
export function uploadsOf(event: unknown): Upload[] {
  // S3 sends one s3:TestEvent when the notification is configured: nothing to do.
  if (isObject(event) && event.Event === 's3:TestEvent') return [];
  if (!isObject(event) || !Array.isArray(event.Records)) throw new PoisonEventError(`Not an S3 event notification (no Records): ${JSON.stringify(event).slice(0, 200)}`);
  return event.Records.map((record: unknown, n: number) => {
    const s3 = isObject(record) && isObject(record.s3) ? record.s3 : null;
    const bucket = s3 && isObject(s3.bucket) ? s3.bucket.name : undefined;
    const object = s3 && isObject(s3.object) ? s3.object : null;
    if (typeof bucket !== 'string' || !object || typeof object.key !== 'string') throw new PoisonEventError(`Record ${n} names no bucket and object key.`);
    let key: string;
    try {
      key = decodeEventKey(object.key);
    } catch {
      throw new PoisonEventError(`Record ${n}: the key ${JSON.stringify(object.key)} is not a URL-encoded S3 key.`);
    }
    try {
      relativeKey(key);
    } catch (error) {
      if (error instanceof NotAnUploadError) throw new PoisonEventError(`Record ${n}: ${error.message}; the notification must be limited to that prefix.`);
      throw error;
    }
    return { bucket, key, size: typeof object.size === 'number' ? object.size : 0 };
  });
}

export async function handleS3Event(deps: ProcessorDeps, event: unknown, telemetry: { logger: Logger; metrics: Metrics }): Promise<ProcessResult[]> {
  const { logger, metrics } = telemetry;
  let uploads: Upload[];
  try {
    uploads = uploadsOf(event);
  } catch (error) {
    logger.error('poison event: sent to the dead-letter queue after the retries', error as Error);
    throw error;
  }
  const results: ProcessResult[] = [];
  for (const upload of uploads) {
    logger.appendKeys({ objectKey: upload.key, ingestionId: undefined });
    const result = await processUploadOnce(deps, upload);
    if ('ingestionId' in result && result.ingestionId) logger.appendKeys({ ingestionId: result.ingestionId });
    if (result.route === 'lambda' && result.counts) {
      recordRows(metrics, result.counts);
      recordOutcome(metrics, result.outcome === 'PROCESSED' ? 'COMPLETED' : 'FAILED');
    } else if (result.route === 'lambda' && result.outcome === 'FAILED') {
      recordOutcome(metrics, 'FAILED');
    }
    logger.info('processed upload', { size: upload.size, ...result });
    results.push(result);
  }
  return results;
}
