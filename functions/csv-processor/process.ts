/**
 * What happens to one uploaded object. Pure of environment: every dependency comes in `deps`,
 * so the unit tests drive it with mocked S3/Step Functions clients and an engine at the seam.
 *
 * Route by size: up to `largeFileBytes` the engine runs here; above it the processor scans the
 * object once with the engine's reader (hash, structure, model), claims the file with
 * `startIngestion` and starts the Distributed Map, whose last step moves the object
 * (functions/csv-import).
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { GraphQLClient } from '../../clients/api/client';
import type { ModelName } from '../../clients/api/generated';
import { FailIngestionDocument, StartIngestionDocument } from '../../clients/api/generated';
import { FileChangedError } from '../../clients/ingest/errors';
import { isFileProblem, type ByteSource, type FileScan, type IngestionEngine } from './engine';
import { failedKey, processedKey, relativeKey } from './keys';
import { buildReport, listRowErrors } from './report';
import { moveObject, objectSource, putText } from './storage';

export interface RowCounts {
  created: number;
  duplicates: number;
  invalid: number;
}

export interface ProcessorDeps {
  s3: S3Client;
  sfn: SFNClient;
  client: GraphQLClient;
  engine: IngestionEngine;
  stateMachineArn: string;
  largeFileBytes: number;
}

export interface Upload {
  bucket: string;
  /** Decoded key, under uploads/. */
  key: string;
  /** Bytes, from the event record. */
  size: number;
}

export type ProcessResult =
  /**
   * ALREADY_HANDLED: the upload was no longer there (an earlier delivery of the same event handled it).
   * SUPERSEDED: the object was overwritten while it was read; it is left in place for the event of
   * the new upload, and the ingestion of the first bytes stays open (nothing of the new bytes was sent).
   */
  | { route: 'none'; outcome: 'ALREADY_HANDLED' | 'SUPERSEDED'; ingestionId?: string }
  | {
      route: 'lambda';
      outcome: 'PROCESSED' | 'DUPLICATE' | 'FAILED';
      ingestionId?: string;
      movedTo: string;
      reportKey?: string;
      reasonKey?: string;
      /** The rows' fate, when the engine ran the file (for the metrics). */
      counts?: RowCounts;
    }
  | { route: 'stateMachine'; outcome: 'STARTED' | 'DUPLICATE'; ingestionId: string; executionArn?: string; movedTo?: string };

/** Processes one upload; throws only for failures worth retrying (network, throttling, 5xx). */
export async function processUpload(deps: ProcessorDeps, upload: Upload): Promise<ProcessResult> {
  const name = relativeKey(upload.key);
  const source = objectSource(deps.s3, upload.bucket, upload.key);
  return upload.size > deps.largeFileBytes ? startLargeFile(deps, upload, name, source) : ingestHere(deps, upload, name, source);
}

/**
 * `processUpload`, tolerating a repeated delivery: S3 delivers events at least once and a failed
 * invocation is retried, so the object may already have been moved by then
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html).
 */
export async function processUploadOnce(deps: ProcessorDeps, upload: Upload): Promise<ProcessResult> {
  try {
    return await processUpload(deps, upload);
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return { route: 'none', outcome: 'ALREADY_HANDLED' };
    if (error instanceof FileChangedError) return { route: 'none', outcome: 'SUPERSEDED', ingestionId: error.ingestionId ?? undefined };
    throw error;
  }
}

/** What a createUpload upload carries (functions/upload-url): S3 returns `x-amz-meta-<name>` as `<name>`. */
export interface UploadIntent {
  owner: string;
  model?: ModelName;
  mapping?: Record<string, string | null>;
}

/**
 * The uploader's intent from the object's metadata, or null for a plain upload (operators, aws s3
 * cp). The owner must be the user whose prefix the key is under (`uploads/<sub>/…`, the only
 * place createUpload signs for them); anything else is a file problem, never an ingestion for
 * someone the key does not name.
 */
export async function uploadIntent(s3: S3Client, upload: Upload): Promise<UploadIntent | null> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: upload.bucket, Key: upload.key }));
  const meta = head?.Metadata ?? {};
  const owner = meta['foreman-owner'];
  if (!owner) return null;
  const sub = /^cognito:([^/]+)$/.exec(owner)?.[1];
  if (!sub || !upload.key.startsWith(`uploads/${sub}/`)) {
    throw Object.assign(new Error(`its owner metadata (${owner}) does not match its key: uploads for a user go under uploads/<their sub>/ (createUpload).`), { name: 'FileProblemError' as const });
  }
  let mapping: Record<string, string | null> | undefined;
  if (meta['foreman-mapping']) {
    try {
      mapping = JSON.parse(decodeURIComponent(meta['foreman-mapping'])) as Record<string, string | null>;
    } catch {
      throw Object.assign(new Error('its mapping metadata is not URL-encoded JSON (createUpload writes it so).'), { name: 'FileProblemError' as const });
    }
  }
  return { owner, model: (meta['foreman-model'] as ModelName | undefined) || undefined, mapping };
}

async function ingestHere(deps: ProcessorDeps, upload: Upload, fileName: string, source: ByteSource): Promise<ProcessResult> {
  let result;
  try {
    const intent = await uploadIntent(deps.s3, upload);
    // A user's upload is listed under its own name, not uploads/<sub>/<uuid>/.
    const name = intent ? fileName.split('/').pop()! : fileName;
    result = await deps.engine.run({ source, fileName: name, client: deps.client, ...(intent ?? {}) });
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    if (error.ingestionId) await deps.client.request(FailIngestionDocument, { ingestionId: error.ingestionId, reason: error.message });
    const reasonKey = await moveToFailed(deps, upload, error.message, error.ingestionId);
    return { route: 'lambda', outcome: 'FAILED', ingestionId: error.ingestionId, movedTo: failedKey(upload.key), reasonKey };
  }

  if (result.outcome === 'DUPLICATE') {
    const movedTo = await moveDuplicate(deps.s3, upload, { ingestionId: result.ingestionId, sha256: result.sha256, model: result.model, status: result.status });
    return { route: 'lambda', outcome: 'DUPLICATE', ingestionId: result.ingestionId, movedTo };
  }

  const report = buildReport(await listRowErrors(deps.client, result.ingestionId));
  const counts: RowCounts = { created: result.created, duplicates: result.duplicates, invalid: result.invalid };
  if (result.status === 'FAILED') {
    const reason = result.failureReason ?? 'the ingestion ended FAILED without a reason';
    const reasonKey = await moveToFailed(deps, upload, reason, result.ingestionId);
    let reportKey: string | undefined;
    if (report) await putText(deps.s3, upload.bucket, (reportKey = `${failedKey(upload.key)}.errors.csv`), report, 'text/csv; charset=utf-8');
    return { route: 'lambda', outcome: 'FAILED', ingestionId: result.ingestionId, movedTo: failedKey(upload.key), reasonKey, reportKey, counts };
  }
  const movedTo = processedKey(upload.key);
  let reportKey: string | undefined;
  if (report) await putText(deps.s3, upload.bucket, (reportKey = `${movedTo}.errors.csv`), report, 'text/csv; charset=utf-8');
  await moveObject(deps.s3, upload.bucket, upload.key, movedTo, upload.size);
  return { route: 'lambda', outcome: 'PROCESSED', ingestionId: result.ingestionId, movedTo, reportKey, counts };
}

/** Rows of a big file whose cell count is off that the import step marks invalid one by one; more and the file is refused. */
export const MAX_RAGGED_ROWS = 1000;

/** Why a big file cannot go to the Distributed Map, or null when it can. */
function largeFileRefusal(fileName: string, scan: FileScan, limitBytes: number): string | null {
  const limit = `files over ${Math.round(limitBytes / 1024 / 1024)} MB are read by Step Functions' CSV reader`;
  const instead = 'Split it into files below that size (they are ingested by the engine directly) or fix it, and upload it again.';
  if (scan.delimiter !== ',' || scan.encoding !== 'utf-8') {
    return `${fileName}: ${limit}, which needs comma-separated UTF-8; this file is ${scan.encoding} separated by ${JSON.stringify(scan.delimiter)}. ${instead}`;
  }
  if (scan.hasBackslash) {
    return `${fileName}: ${limit}, which treats a backslash as an escape character and would silently change cells that contain one; this file contains backslashes. ${instead}`;
  }
  if (scan.raggedRows.length > MAX_RAGGED_ROWS) {
    return `${fileName}: more than ${MAX_RAGGED_ROWS} rows have a different number of cells than the header (rows ${scan.raggedRows.slice(0, 5).join(', ')}, …): a wrong delimiter or broken quoting? ${instead}`;
  }
  return null;
}

async function startLargeFile(deps: ProcessorDeps, upload: Upload, fileName: string, source: ByteSource): Promise<ProcessResult> {
  // One streaming pass through the engine's reader: SHA-256, structure, row count, model.
  let scan: FileScan;
  try {
    scan = await deps.engine.scan(source, fileName, MAX_RAGGED_ROWS);
    const refusal = largeFileRefusal(fileName, scan, deps.largeFileBytes);
    if (refusal) throw Object.assign(new Error(refusal), { name: 'FileProblemError' as const });
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    const reasonKey = await moveToFailed(deps, upload, error.message);
    return { route: 'lambda', outcome: 'FAILED', movedTo: failedKey(upload.key), reasonKey };
  }

  const started = await deps.client.request(StartIngestionDocument, {
    input: { fileName, sha256: scan.sha256, model: scan.model, source: 'S3', rowCount: scan.rows },
  });
  const { outcome, ingestion } = started.startIngestion;
  // The back end (IAM) is shown every ingestion; only a user is answered without one (docs/auth.md).
  if (!ingestion) throw new Error(`startIngestion answered ${outcome} without the ingestion, which it does only for signed-in users.`);
  if (outcome === 'DUPLICATE') {
    const movedTo = await moveDuplicate(deps.s3, upload, { ingestionId: ingestion.id, sha256: scan.sha256, model: ingestion.model, status: ingestion.status });
    return { route: 'stateMachine', outcome: 'DUPLICATE', ingestionId: ingestion.id, movedTo };
  }
  // The name makes a retried Lambda start the same execution, not a second one (StartExecution is
  // idempotent for a name with the same input); a resumed ingestion gets a fresh run.
  const executionName = outcome === 'STARTED' ? `ingestion-${ingestion.id}` : `ingestion-${ingestion.id}-resume-${Date.now()}`;
  const job = { bucket: upload.bucket, key: upload.key, size: upload.size, fileName, ingestionId: ingestion.id, model: scan.model, raggedRows: scan.raggedRows };
  const execution = await deps.sfn.send(
    new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: executionName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80), input: JSON.stringify(job) }),
  );
  return { route: 'stateMachine', outcome: 'STARTED', ingestionId: ingestion.id, executionArn: execution.executionArn };
}

/** The duplicate answer goes next to the file in processed/, and the file is not ingested again. */
async function moveDuplicate(
  s3: S3Client,
  upload: Upload,
  first: { ingestionId: string; sha256: string; model: string; status: string },
): Promise<string> {
  const movedTo = processedKey(upload.key);
  const answer = {
    outcome: 'DUPLICATE',
    message: `The same bytes were ingested before (ingestion ${first.ingestionId}); nothing was imported again.`,
    fileName: relativeKey(upload.key),
    sha256: first.sha256,
    firstIngestion: { id: first.ingestionId, model: first.model, status: first.status },
    at: new Date().toISOString(),
  };
  await putText(s3, upload.bucket, `${movedTo}.duplicate.json`, JSON.stringify(answer, null, 2) + '\n', 'application/json');
  await moveObject(s3, upload.bucket, upload.key, movedTo, upload.size);
  return movedTo;
}

async function moveToFailed(deps: Pick<ProcessorDeps, 's3'>, upload: Upload, reason: string, ingestionId?: string): Promise<string> {
  const to = failedKey(upload.key);
  const reasonKey = `${to}.reason.txt`;
  const text = `${relativeKey(upload.key)} could not be ingested.\n\nReason: ${reason}\n${ingestionId ? `\nIngestion: ${ingestionId}\n` : ''}`;
  await putText(deps.s3, upload.bucket, reasonKey, text, 'text/plain; charset=utf-8');
  await moveObject(deps.s3, upload.bucket, upload.key, to, upload.size);
  return reasonKey;
}
