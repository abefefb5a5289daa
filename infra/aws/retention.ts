/**
 * How long things are kept in AWS. Row errors and batch markers expire by DynamoDB TTL (the table's
 * `timeToLiveAttribute` in the wiring; the resolvers stamp it from `-c rowErrorRetentionDays`, see
 * infra/retention.ts). Files: processed/ and failed/ move to S3 Standard-IA after
 * `archiveAfterDays` and are deleted after `processedRetentionDays` / `failedRetentionDays`; the
 * Distributed Map's result files (which hold the rows of failed batches) go with the row errors.
 */
import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PREFIXES } from '../../functions/csv-processor/keys';

/** Where the Distributed Map's ResultWriter puts its manifest and result files. */
export const MAP_RESULTS_PREFIX = 'map-results/';

export interface FileRetention {
  /** Days before processed/ and failed/ objects move to Standard-IA (S3 requires at least 30). Default 30. */
  archiveAfterDays?: number;
  /** Days before processed/ objects (and their reports) are deleted. Default 365. */
  processedRetentionDays?: number;
  /** Days before failed/ objects (and their reasons) are deleted. Default 90. */
  failedRetentionDays?: number;
}

export const DEFAULT_FILE_RETENTION: Required<FileRetention> = { archiveAfterDays: 30, processedRetentionDays: 365, failedRetentionDays: 90 };

function wholeDays(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 36500) throw new RangeError(`${name} must be a whole number of days from ${min}, not ${value}.`);
  return value;
}

/** Adds the lifecycle rules for processed/, failed/ and map-results/ to the ingestion bucket. */
export function addFileLifecycle(bucket: s3.Bucket, retention: FileRetention, rowErrorRetentionDays: number): void {
  const given = Object.fromEntries(Object.entries(retention).filter(([, v]) => v !== undefined)) as FileRetention;
  const r = { ...DEFAULT_FILE_RETENTION, ...given };
  const archive = wholeDays('archiveAfterDays', r.archiveAfterDays, 30);
  for (const [prefix, days, name] of [
    [PREFIXES.processed, r.processedRetentionDays, 'processedRetentionDays'],
    [PREFIXES.failed, r.failedRetentionDays, 'failedRetentionDays'],
  ] as const) {
    const expire = wholeDays(name, days, 1);
    bucket.addLifecycleRule({
      id: `${prefix.replace('/', '')}-retention`,
      prefix,
      // A transition at or after the expiry would be refused by S3: then the files just expire.
      transitions: archive < expire ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(archive) }] : undefined,
      expiration: Duration.days(expire),
    });
  }
  bucket.addLifecycleRule({ id: 'map-results-retention', prefix: MAP_RESULTS_PREFIX, expiration: Duration.days(rowErrorRetentionDays) });
}
