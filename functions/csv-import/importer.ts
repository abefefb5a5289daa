/**
 * The three steps of the big-file state machine (infra/aws/stack.ts), environment-free so tests
 * can drive them:
 *   importBatch — one Distributed Map batch of CSV rows (read by Step Functions straight from S3)
 *                 → mapped and validated with the engine's rules for the job's model → sent with
 *                 the engine's batch sender (clients/ingest/sender.ts: the model's import mutation
 *                 in batches of `model.batchRows`, transport retries, RETRY re-sends, a few batches
 *                 in flight), rows the client rejects recorded with recordRejectedRows;
 *   finish      — finishIngestion, the row-error report, the object moved to processed/;
 *   fail        — failIngestion, the reason, the object moved to failed/.
 * Batch numbers are the first row number of the batch: unique within the file and the same when
 * Step Functions retries a batch, which is what makes the retry a no-op on the server.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { GraphQLClient } from '../../clients/api/client';
import { FailIngestionDocument, FinishIngestionDocument, type ModelName } from '../../clients/api/generated';
import {
  BatchSender,
  InFlight,
  MAX_ROW_RETRIES,
  REJECTED_BATCH_ROWS,
  mapColumns,
  mapRow,
  modelByApiName,
  type MappedRow,
  type RetryPolicy,
} from '../../clients/ingest';
import { capRaw } from '../../resolvers/lib/rowErrors';
import { failedKey, processedKey, relativeKey } from '../csv-processor/keys';
import { buildReport, listRowErrors } from '../csv-processor/report';
import { moveObject, putText } from '../csv-processor/storage';
import { describeFailures, readMapFailures, type MapResult } from './mapFailures';

/** Batches in flight within one Map batch, as the engine sends them. */
export const IMPORT_CONCURRENCY = 4;
/**
 * Transport retries within the Lambda: a few, quickly (Step Functions retries the whole batch
 * after that, which the batch markers make a no-op for what was written).
 */
export const LAMBDA_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

/** What the processor puts in the execution input. */
export interface Job {
  bucket: string;
  key: string;
  /** Bytes: objects over 5 GB are moved with a multipart copy. */
  size?: number;
  fileName: string;
  ingestionId: string;
  model: ModelName;
  /** Data rows whose cell count differs from the header's (found by the processor's scan). */
  raggedRows?: number[];
  /** Added by the state machine after the Map state: where its ResultWriter put the manifest. */
  mapResult?: MapResult;
}

/** One Distributed Map batch: BatchInput from the ItemBatcher, Items from the ItemSelector. */
export interface MapBatch {
  BatchInput: { ingestionId: string; model: ModelName; raggedRows?: number[] };
  Items: { index: number | string; row: Record<string, string> }[];
}

export type ImporterEvent =
  | { action: 'importBatch'; batch: MapBatch }
  | { action: 'finish'; job: Job; startedAt?: string }
  | { action: 'fail'; job: Job; error?: { Error?: string; Cause?: string } };

export interface ImporterDeps {
  s3: S3Client;
  client: GraphQLClient;
  now?: () => number;
  /** Transport retries (default LAMBDA_RETRY), and the pause before a RETRY re-send (tests). */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface BatchResult {
  rows: number;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  recordedRejected: number;
}

export class RowsLeftUnsentError extends Error {
  override name = 'RowsLeftUnsentError';
}

/** The CSV reader numbers data items from 0; the file's header is row 1, as the engine counts. */
export function rowNumberOf(index: number | string): number {
  return Number(index) + 2;
}

/** Header as the engine reads it: no BOM, trimmed. */
function cleanHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim();
}

export async function importBatch(deps: ImporterDeps, batch: MapBatch): Promise<BatchResult> {
  const model = modelByApiName(batch.BatchInput.model);
  if (!model) throw new Error(`unknown model ${batch.BatchInput.model}`);
  const first = batch.Items[0];
  const result: BatchResult = { rows: batch.Items.length, created: 0, duplicates: 0, invalid: 0, alreadyImported: 0, recordedRejected: 0 };
  if (!first) return result;
  const headers = Object.keys(first.row);
  const mapping = mapColumns(model, headers.map(cleanHeader));
  const ragged = new Set(batch.BatchInput.raggedRows ?? []);
  const rows: MappedRow[] = [];
  for (const item of batch.Items) {
    const cells = headers.map((h) => item.row[h] ?? '');
    // A blank line is not a row, as in the engine (Step Functions hands it over as empty cells).
    if (cells.every((c) => c.trim() === '')) {
      result.rows--;
      continue;
    }
    const mapped = mapRow(mapping, rowNumberOf(item.index), cells);
    if (ragged.has(mapped.row)) {
      // Step Functions already padded or cut this row; the processor's scan saw its real cell count.
      mapped.errors.unshift({ field: 'row', code: 'COLUMN_COUNT', message: `row ${mapped.row} has a different number of cells than the header has columns (a missing or extra delimiter?)` });
    }
    rows.push(mapped);
  }

  const sender = new BatchSender({
    client: deps.client,
    model,
    ingestionId: batch.BatchInput.ingestionId,
    retry: deps.retry ?? LAMBDA_RETRY,
    sleep: deps.sleep,
    random: deps.random,
  });
  const rawOf = (r: MappedRow) => capRaw(Object.fromEntries(headers.map((h, n) => [cleanHeader(h), r.cells[n] ?? ''])));
  const lost: number[] = [];
  const inFlight = new InFlight(IMPORT_CONCURRENCY);
  const chunks = (list: MappedRow[], size: number) =>
    Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

  for (const chunk of chunks(
    rows.filter((r) => r.errors.length),
    REJECTED_BATCH_ROWS,
  )) {
    await inFlight.run(async () => {
      await sender.recordRejected(
        chunk[0]!.row,
        chunk.map((r) => ({ rowNumber: r.row, errors: r.errors, raw: rawOf(r) })),
      );
      result.recordedRejected += chunk.length;
    });
  }
  for (const chunk of chunks(
    rows.filter((r) => !r.errors.length),
    model.batchRows,
  )) {
    await inFlight.run(async () => {
      const exhausted = await sender.importRows(chunk[0]!.row, chunk, {
        onOutcome: (_row, o) => {
          if (o?.status === 'CREATED') result.created++;
          else if (o?.status === 'DUPLICATE') result.duplicates++;
          else if (o?.status === 'INVALID') result.invalid++;
          else if (o?.status === 'ALREADY_IMPORTED') result.alreadyImported++;
        },
      });
      lost.push(...exhausted.map((r) => r.row));
    });
  }
  await inFlight.settle();
  if (inFlight.failed) throw inFlight.failure;
  if (lost.length)
    throw new RowsLeftUnsentError(
      `rows ${lost.sort((a, b) => a - b).join(', ')} lost ${MAX_ROW_RETRIES + 1} races with concurrent writers`,
    );
  return result;
}

/**
 * The state machine's last step: closes the ingestion — COMPLETED, or FAILED when the Map's
 * failure record lists batches that failed for good (tolerated by the Map, reported here) — and
 * moves the file to processed/ or failed/ with its report.
 */
export async function finish(
  deps: ImporterDeps,
  job: Job,
  startedAt?: string,
): Promise<{ movedTo: string; reportKey?: string; status: string; failureRecordKey?: string }> {
  const now = deps.now ?? Date.now;
  const durationMs = startedAt ? Math.max(0, Math.round(now() - Date.parse(startedAt))) : undefined;
  const failures = await readMapFailures(deps.s3, job.mapResult);
  let failureRecordKey: string | undefined;
  let failureReason: string | undefined;
  if (failures.length) {
    failureRecordKey = `${failedKey(job.key)}.map-failures.json`;
    failureReason = describeFailures(failures, failureRecordKey);
    const record = {
      ingestionId: job.ingestionId,
      fileName: job.fileName,
      manifest: job.mapResult?.ResultWriterDetails,
      failedBatches: failures,
    };
    await putText(deps.s3, job.bucket, failureRecordKey, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  }
  const status = failures.length ? 'FAILED' : 'COMPLETED';
  const done = await deps.client.request(FinishIngestionDocument, {
    input: { ingestionId: job.ingestionId, status, durationMs, failureReason },
  });
  const report = buildReport(await listRowErrors(deps.client, job.ingestionId));
  const movedTo = failures.length ? failedKey(job.key) : processedKey(job.key);
  let reportKey: string | undefined;
  if (report) await putText(deps.s3, job.bucket, (reportKey = `${movedTo}.errors.csv`), report, 'text/csv; charset=utf-8');
  await moveObject(deps.s3, job.bucket, job.key, movedTo, job.size);
  return { movedTo, reportKey, status: done.finishIngestion.status, failureRecordKey };
}

export async function fail(
  deps: ImporterDeps,
  job: Job,
  error?: { Error?: string; Cause?: string },
): Promise<{ movedTo: string; reasonKey: string }> {
  const reason = [error?.Error, error?.Cause].filter(Boolean).join(': ') || 'the big-file import failed without a reason';
  await deps.client.request(FailIngestionDocument, { ingestionId: job.ingestionId, reason: reason.slice(0, 2000) });
  const movedTo = failedKey(job.key);
  const reasonKey = `${movedTo}.reason.txt`;
  await putText(
    deps.s3,
    job.bucket,
    reasonKey,
    `${relativeKey(job.key)} could not be ingested.\n\nReason: ${reason}\n\nIngestion: ${job.ingestionId}\n`,
    'text/plain; charset=utf-8',
  );
  await moveObject(deps.s3, job.bucket, job.key, movedTo, job.size);
  return { movedTo, reasonKey };
}
