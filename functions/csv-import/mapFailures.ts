/**
 * The Distributed Map's failure record. With a ResultWriter, Step Functions writes a manifest and
 * one file per outcome under map-results/ (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html);
 * the children that failed after their retries are listed in the FAILED files, each with its input
 * (our batch of rows), error and cause. The last step (finish) reads them, so a tolerated failure
 * is reported — the ingestion closes FAILED, naming the rows — instead of passing unnoticed.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { rowNumberOf, type MapBatch } from './importer';

/** `$.mapResult` after the Map state: where the ResultWriter put its manifest. */
export interface MapResult {
  ResultWriterDetails?: { Bucket: string; Key: string };
}

/** One child execution that failed for good. */
export interface FailedBatch {
  firstRow: number | null;
  lastRow: number | null;
  rows: number;
  error: string | null;
  cause: string | null;
}

interface Manifest {
  ResultFiles?: { FAILED?: { Key: string }[] };
}

interface ChildResult {
  Input?: string;
  Error?: string;
  Cause?: string;
}

async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<T> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await answer.Body?.transformToString('utf-8');
  return JSON.parse(text ?? 'null') as T;
}

/** The failed batches the manifest lists; no rows' cells are kept, only their numbers. */
export async function readMapFailures(s3: S3Client, result: MapResult | undefined): Promise<FailedBatch[]> {
  const details = result?.ResultWriterDetails;
  if (!details) return [];
  const manifest = await readJson<Manifest>(s3, details.Bucket, details.Key);
  const failed: FailedBatch[] = [];
  for (const file of manifest.ResultFiles?.FAILED ?? []) {
    for (const child of await readJson<ChildResult[]>(s3, details.Bucket, file.Key)) {
      let rowNumbers: number[] = [];
      try {
        const input = JSON.parse(child.Input ?? '{}') as Partial<MapBatch>;
        rowNumbers = (input.Items ?? []).map((item) => rowNumberOf(item.index));
      } catch {
        // an unreadable input still counts as a failed batch
      }
      failed.push({
        firstRow: rowNumbers.length ? Math.min(...rowNumbers) : null,
        lastRow: rowNumbers.length ? Math.max(...rowNumbers) : null,
        rows: rowNumbers.length,
        error: child.Error ?? null,
        cause: child.Cause ? child.Cause.slice(0, 1000) : null,
      });
    }
  }
  return failed;
}

/** One sentence for failureReason. */
export function describeFailures(failed: FailedBatch[], recordKey: string): string {
  const rows = failed.reduce((n, f) => n + f.rows, 0);
  const ranges = failed
    .slice(0, 5)
    .map((f) => (f.firstRow === null ? 'unknown rows' : `rows ${f.firstRow}–${f.lastRow}`))
    .join(', ');
  return `${failed.length} batch${failed.length === 1 ? '' : 'es'} of the big-file import failed after their retries (${rows} rows: ${ranges}${failed.length > 5 ? ', …' : ''}); the failure record is ${recordKey}. Fix the cause (${failed[0]?.error ?? 'see the record'}) and upload the file again: rows already imported are recognised.`;
}
