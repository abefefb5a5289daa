/**
 * What happens to one uploaded object. Pure of environment: every dependency comes in `deps`,
 * so the unit tests drive it with mocked S3/Step Functions clients and an engine at the seam.
 *
 * Route by size: up to `largeFileBytes` the engine runs here; above it the processor hashes the
 * object, plans the columns from its header, claims the file with `startIngestion` and starts the
 * Distributed Map, whose last step moves the object (functions/csv-import).
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { GraphQLClient } from '../../clients/api/client';
import { FailIngestionDocument, StartIngestionDocument } from '../../clients/api/generated';
import { isFileProblem, type ByteSource, type IngestionEngine } from './engine';
import { failedKey, processedKey, relativeKey } from './keys';
import { buildReport, listRowErrors } from './report';
import { moveObject, objectSource, putText } from './storage';

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
  | { route: 'lambda'; outcome: 'PROCESSED' | 'DUPLICATE' | 'FAILED'; ingestionId?: string; movedTo: string; reportKey?: string; reasonKey?: string }
  | { route: 'stateMachine'; outcome: 'STARTED' | 'DUPLICATE'; ingestionId: string; executionArn?: string; movedTo?: string };

/** How much of a big file's start the engine sees to plan it (header and a few rows). */
const HEAD_BYTES = 256 * 1024;

/** Processes one upload; throws only for failures worth retrying (network, throttling, 5xx). */
export async function processUpload(deps: ProcessorDeps, upload: Upload): Promise<ProcessResult> {
  const name = relativeKey(upload.key);
  const source = objectSource(deps.s3, upload.bucket, upload.key);
  return upload.size > deps.largeFileBytes ? startLargeFile(deps, upload, name, source) : ingestHere(deps, upload, name, source);
}

async function ingestHere(deps: ProcessorDeps, upload: Upload, fileName: string, source: ByteSource): Promise<ProcessResult> {
  let result;
  try {
    result = await deps.engine.run({ source, fileName, client: deps.client });
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
  if (result.status === 'FAILED') {
    const reason = result.failureReason ?? 'the ingestion ended FAILED without a reason';
    const reasonKey = await moveToFailed(deps, upload, reason, result.ingestionId);
    let reportKey: string | undefined;
    if (report) await putText(deps.s3, upload.bucket, (reportKey = `${failedKey(upload.key)}.errors.csv`), report, 'text/csv; charset=utf-8');
    return { route: 'lambda', outcome: 'FAILED', ingestionId: result.ingestionId, movedTo: failedKey(upload.key), reasonKey, reportKey };
  }
  const movedTo = processedKey(upload.key);
  let reportKey: string | undefined;
  if (report) await putText(deps.s3, upload.bucket, (reportKey = `${movedTo}.errors.csv`), report, 'text/csv; charset=utf-8');
  await moveObject(deps.s3, upload.bucket, upload.key, movedTo);
  return { route: 'lambda', outcome: 'PROCESSED', ingestionId: result.ingestionId, movedTo, reportKey };
}

async function startLargeFile(deps: ProcessorDeps, upload: Upload, fileName: string, source: ByteSource): Promise<ProcessResult> {
  // One streaming pass: the SHA-256 of every byte, and the file's first lines kept aside for the plan.
  const hash = createHash('sha256');
  const head: Uint8Array[] = [];
  let headBytes = 0;
  for await (const chunk of source()) {
    hash.update(chunk);
    if (headBytes < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headBytes);
      head.push(part);
      headBytes += part.length;
    }
  }
  const sha256 = hash.digest('hex');
  // Whole lines only: cut after the last newline of the head (if the head has one).
  const headAll = Buffer.concat(head);
  const lastNewline = headAll.lastIndexOf(0x0a);
  const headerBytes = lastNewline > 0 && headBytes >= HEAD_BYTES ? headAll.subarray(0, lastNewline + 1) : headAll;

  let plan;
  try {
    plan = await deps.engine.plan(headerBytes, fileName);
    if (plan.delimiter !== ',' || plan.encoding !== 'utf-8') {
      throw Object.assign(
        new Error(
          `${fileName}: files over ${Math.round(deps.largeFileBytes / 1024 / 1024)} MB are read by Step Functions, which needs comma-separated UTF-8; ` +
            `this file is ${plan.encoding} separated by ${JSON.stringify(plan.delimiter)}. Convert it (or split it into smaller files) and upload it again.`,
        ),
        { name: 'FileProblemError' as const },
      );
    }
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    await moveToFailed(deps, upload, error.message);
    return { route: 'lambda', outcome: 'FAILED', movedTo: failedKey(upload.key) };
  }

  const started = await deps.client.request(StartIngestionDocument, { input: { fileName, sha256, model: plan.model, source: 'S3' } });
  const { outcome, ingestion } = started.startIngestion;
  if (outcome === 'DUPLICATE') {
    const movedTo = await moveDuplicate(deps.s3, upload, { ingestionId: ingestion.id, sha256, model: ingestion.model, status: ingestion.status });
    return { route: 'stateMachine', outcome: 'DUPLICATE', ingestionId: ingestion.id, movedTo };
  }
  // The name makes a retried Lambda start the same execution, not a second one (StartExecution is
  // idempotent for a name with the same input); a resumed ingestion gets a fresh run.
  const executionName = outcome === 'STARTED' ? `ingestion-${ingestion.id}` : `ingestion-${ingestion.id}-resume-${Date.now()}`;
  const execution = await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: deps.stateMachineArn,
      name: executionName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
      input: JSON.stringify({ bucket: upload.bucket, key: upload.key, fileName, ingestionId: ingestion.id, model: plan.model }),
    }),
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
  await moveObject(s3, upload.bucket, upload.key, movedTo);
  return movedTo;
}

async function moveToFailed(deps: Pick<ProcessorDeps, 's3'>, upload: Upload, reason: string, ingestionId?: string): Promise<string> {
  const to = failedKey(upload.key);
  const reasonKey = `${to}.reason.txt`;
  const text = `${relativeKey(upload.key)} could not be ingested.\n\nReason: ${reason}\n${ingestionId ? `\nIngestion: ${ingestionId}\n` : ''}`;
  await putText(deps.s3, upload.bucket, reasonKey, text, 'text/plain; charset=utf-8');
  await moveObject(deps.s3, upload.bucket, upload.key, to);
  return reasonKey;
}
