/**
 * createUpload (docs/upload.md): a presigned, size-limited PUT into the caller's own
 * `uploads/<sub>/<uuid>/<fileName>`, carrying what the S3 processor needs to ingest the file on the
 * caller's behalf as signed object metadata: the owner, the model and the confirmed mapping.
 * Pure of environment: the handler (./handler.ts) gives it the target bucket and signing identity.
 */
import { randomUUID } from 'node:crypto';
import { MODELS } from '../../schema/generated/models';
import { PREFIXES } from '../csv-processor/keys';
import { presignPut, type SigningCredentials } from './presign';

/** The largest file one presigned PUT takes (S3 allows 5 GB; multipart is not offered yet). */
export const MAX_UPLOAD_BYTES = 1024 ** 3;
/** How long the URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** S3 keeps at most 2 KB of user metadata per object; the mapping gets this much of it. */
export const MAX_MAPPING_METADATA_BYTES = 1500;

/** The metadata the processor reads (S3 returns `x-amz-meta-<name>` as `<name>`). */
export const UPLOAD_METADATA = { owner: 'foreman-owner', model: 'foreman-model', mapping: 'foreman-mapping', sha256: 'foreman-sha256' } as const;

export interface UploadTarget {
  bucket: string;
  region: string;
  /** `https://<bucket>.s3.<region>.amazonaws.com` in AWS; `<endpoint>/<bucket>` locally (path-style). */
  base: string;
  credentials: SigningCredentials | (() => Promise<SigningCredentials>);
}

export interface UploadRequest {
  identity: { sub?: string | null; groups?: string[] | null } | null;
  /** `mapping` as AppSync hands an AWSJSON argument on (parsed), or as a JSON string. */
  input: { fileName: string; size: number; sha256: string; model: string; mapping?: unknown };
}

export interface UploadAnswer {
  key: string;
  url: string;
  headers: string;
  expiresAt: string;
  maxBytes: number;
}

/** A refusal in AppSync's error shape: the resolver raises it with util.error(message, type). */
export interface UploadRefusal {
  error: { message: string; type: string; field?: string };
}

const refuse = (type: string, message: string, field?: string): UploadRefusal => ({ error: { message, type, field } });

export async function createUpload(target: UploadTarget, request: UploadRequest, now = new Date(), id: () => string = randomUUID): Promise<UploadAnswer | UploadRefusal> {
  const sub = request.identity?.sub;
  const groups = request.identity?.groups ?? [];
  if (!sub || !groups.some((g) => g === 'admins' || g === 'importers')) {
    return refuse('Unauthorized', 'Only admins and importers may upload files (docs/auth.md).');
  }
  const { fileName, size, sha256, model } = request.input;
  const name = fileName.trim();
  if (name.length === 0 || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') {
    return refuse('BadRequest', 'fileName must be 1 to 255 characters, without slashes or control characters.', 'fileName');
  }
  if (!Number.isInteger(size) || size < 1) return refuse('BadRequest', 'size must be the file’s size in bytes (at least 1).', 'size');
  if (size > MAX_UPLOAD_BYTES) {
    return refuse('PayloadTooLarge', `The file is ${size} bytes; uploads take at most ${MAX_UPLOAD_BYTES} bytes (1 GiB). Split it, or ingest it with the CLI (foreman ingest).`, 'size');
  }
  const hash = sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) return refuse('BadRequest', 'sha256 must be the 64 hex digits of the file’s SHA-256.', 'sha256');
  if (!MODELS.some((m) => m.apiName === model)) return refuse('BadRequest', `model must be one of ${MODELS.map((m) => m.apiName).join(', ')}.`, 'model');
  let mapping = '';
  if (request.input.mapping !== undefined && request.input.mapping !== null) {
    let parsed: unknown = request.input.mapping;
    if (typeof parsed === 'string') {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        parsed = undefined;
      }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => v === null || typeof v === 'string')) {
      return refuse('BadRequest', 'mapping must be a JSON object of column → field (or null to ignore the column).', 'mapping');
    }
    mapping = encodeURIComponent(JSON.stringify(parsed));
    if (mapping.length > MAX_MAPPING_METADATA_BYTES) {
      return refuse('BadRequest', `The mapping takes ${mapping.length} bytes encoded; an upload carries at most ${MAX_MAPPING_METADATA_BYTES}. Name only the columns you changed.`, 'mapping');
    }
  }
  const key = `${PREFIXES.uploads}${sub}/${id()}/${name}`;
  const headers: Record<string, string> = {
    'content-length': String(size),
    [`x-amz-meta-${UPLOAD_METADATA.owner}`]: `cognito:${sub}`,
    [`x-amz-meta-${UPLOAD_METADATA.model}`]: model,
    [`x-amz-meta-${UPLOAD_METADATA.sha256}`]: hash,
    ...(mapping ? { [`x-amz-meta-${UPLOAD_METADATA.mapping}`]: mapping } : {}),
  };
  const credentials = typeof target.credentials === 'function' ? await target.credentials() : target.credentials;
  const url = await presignPut({ base: target.base, region: target.region, credentials, key, headers, expiresIn: UPLOAD_URL_SECONDS, now });
  // The browser sets Content-Length itself (it may not send it by hand): only the metadata is the client's to send.
  const clientHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-length'));
  return { key, url, headers: JSON.stringify(clientHeaders), expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(), maxBytes: MAX_UPLOAD_BYTES };
}
