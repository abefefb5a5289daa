/**
 * createUpload (docs/upload.md): a presigned, size-limited PUT into the caller's own
 * `uploads/<sub>/<uuid>/<fileName>`, carrying what the S3 processor needs to ingest the file on the
 * caller's behalf as signed object metadata: the owner, the model and the confirmed mapping.
 * From `partBytes` up (64 MiB), a multipart upload instead: CreateMultipartUpload with that
 * metadata, and one presigned, size-limited UploadPart URL per part; completeUpload and
 * abortUpload finish or abandon it, for the caller's own key only.
 * Pure of environment: the handler (./handler.ts) gives it the target bucket, signing identity
 * and the S3 calls.
 */
import { randomUUID } from 'node:crypto';
import { MODELS } from '../../schema/generated/models';
import { PREFIXES } from '../csv-processor/keys';
import { presignPut, type SigningCredentials } from './presign';

/** The largest file an upload takes (multipart above PART_BYTES; GraphQL carries it as a Float). */
export const MAX_UPLOAD_BYTES = 10 * 1024 ** 3;
/** From this size up, a multipart upload in parts of (at least) this size; FOREMAN_UPLOAD_PART_BYTES overrides it (tests). */
export const PART_BYTES = 64 * 1024 ** 2;
/** S3 takes up to 10,000 parts; an answer names at most this many URLs (AppSync answers ≤ 5 MB), so parts grow for bigger files. */
export const MAX_PARTS = 1000;
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
  /** Part size and multipart threshold (default PART_BYTES). */
  partBytes?: number;
  /** The S3 calls of a multipart upload (the handler makes them with the SDK). */
  multipart?: MultipartApi;
}

/** The S3 operations a multipart upload needs, as the handler makes them. */
export interface MultipartApi {
  create(key: string, metadata: Record<string, string>): Promise<string>;
  complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<string>;
  abort(key: string, uploadId: string): Promise<void>;
}

export interface UploadRequest {
  /** The GraphQL field (resolvers/functions): createUpload (the default), completeUpload or abortUpload. */
  action?: 'createUpload' | 'completeUpload' | 'abortUpload';
  identity: { sub?: string | null; groups?: string[] | null } | null;
  /** `mapping` as AppSync hands an AWSJSON argument on (parsed), or as a JSON string. */
  input: { fileName: string; size: number; sha256: string; model: string; mapping?: unknown };
}

export interface UploadAnswer {
  key: string;
  url: string | null;
  headers: string;
  expiresAt: string;
  maxBytes: number;
  uploadId: string | null;
  parts: { partNumber: number; offset: number; size: number; url: string }[] | null;
}

export interface CompleteRequest {
  identity: UploadRequest['identity'];
  input: { key: string; uploadId: string; parts?: { partNumber: number; etag: string }[] };
}

/** A refusal in AppSync's error shape: the resolver raises it with util.error(message, type). */
export interface UploadRefusal {
  error: { message: string; type: string; field?: string };
}

const refuse = (type: string, message: string, field?: string): UploadRefusal => ({ error: { message, type, field } });

/** The refusal for a caller who may not upload, or null. */
function unauthorized(identity: UploadRequest['identity']): UploadRefusal | null {
  const sub = identity?.sub;
  const groups = identity?.groups ?? [];
  return !sub || !groups.some((g) => g === 'admins' || g === 'importers') ? refuse('Unauthorized', 'Only admins and importers may upload files (docs/auth.md).') : null;
}

/** The part size for `size` bytes: `partBytes`, grown (to whole MiB) so there are at most MAX_PARTS parts. */
export function partSizeFor(size: number, partBytes: number): number {
  if (size <= partBytes * MAX_PARTS) return partBytes;
  return Math.ceil(size / MAX_PARTS / 1024 ** 2) * 1024 ** 2;
}

export async function createUpload(target: UploadTarget, request: UploadRequest, now = new Date(), id: () => string = randomUUID): Promise<UploadAnswer | UploadRefusal> {
  const denied = unauthorized(request.identity);
  if (denied) return denied;
  const sub = request.identity!.sub!;
  const { fileName, size, sha256, model } = request.input;
  const name = fileName.trim();
  if (name.length === 0 || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') {
    return refuse('BadRequest', 'fileName must be 1 to 255 characters, without slashes or control characters.', 'fileName');
  }
  if (!Number.isInteger(size) || size < 1) return refuse('BadRequest', 'size must be the file’s size in bytes (at least 1).', 'size');
  if (size > MAX_UPLOAD_BYTES) {
    return refuse('PayloadTooLarge', `The file is ${size} bytes; uploads take at most ${MAX_UPLOAD_BYTES} bytes (10 GiB). Split it, or ingest it with the CLI (foreman ingest).`, 'size');
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
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  const partBytes = target.partBytes ?? PART_BYTES;
  if (size >= partBytes && target.multipart) {
    // Multipart: the metadata goes on the upload (CreateMultipartUpload), each part's length is signed.
    const metadata = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('x-amz-meta-')).map(([k, v]) => [k.slice('x-amz-meta-'.length), v]));
    const uploadId = await target.multipart.create(key, metadata);
    const partSize = partSizeFor(size, partBytes);
    const parts: NonNullable<UploadAnswer['parts']> = [];
    for (let offset = 0, partNumber = 1; offset < size; offset += partSize, partNumber++) {
      const length = Math.min(partSize, size - offset);
      const partUrl = await presignPut({
        base: target.base,
        region: target.region,
        credentials,
        key,
        query: { partNumber: String(partNumber), uploadId },
        headers: { 'content-length': String(length) },
        expiresIn: UPLOAD_URL_SECONDS,
        now,
      });
      parts.push({ partNumber, offset, size: length, url: partUrl });
    }
    return { key, url: null, headers: '{}', expiresAt, maxBytes: MAX_UPLOAD_BYTES, uploadId, parts };
  }
  const url = await presignPut({ base: target.base, region: target.region, credentials, key, headers, expiresIn: UPLOAD_URL_SECONDS, now });
  // The browser sets Content-Length itself (it may not send it by hand): only the metadata is the client's to send.
  const clientHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-length'));
  return { key, url, headers: JSON.stringify(clientHeaders), expiresAt, maxBytes: MAX_UPLOAD_BYTES, uploadId: null, parts: null };
}

/** A key and upload id the caller may complete or abort: their own uploads/<sub>/…, or a refusal. */
function ownUpload(request: CompleteRequest): UploadRefusal | null {
  const denied = unauthorized(request.identity);
  if (denied) return denied;
  const { key, uploadId } = request.input;
  if (!key.startsWith(`${PREFIXES.uploads}${request.identity!.sub!}/`) || key.includes('/../')) {
    return refuse('Unauthorized', 'This upload is not yours: you may only complete or abort uploads under your own uploads/<sub>/ (the key createUpload answered).', 'key');
  }
  if (!/^[\x21-\x7e]{1,1024}$/.test(uploadId)) return refuse('BadRequest', 'uploadId must be the uploadId createUpload answered.', 'uploadId');
  return null;
}

/** S3's refusals of Complete/Abort, in the API's terms. */
function s3Refusal(error: unknown): UploadRefusal {
  const name = (error as { name?: string; Code?: string }).name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'NoSuchUpload') return refuse('NotFound', 'No such upload is in progress for this key (wrong uploadId, or already completed or aborted). Start again with createUpload.', 'uploadId');
  if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall' || name === 'MalformedXML') {
    return refuse('BadRequest', `S3 refused the parts (${name}: ${message}). Send every part's partNumber and the ETag its PUT answered, in order.`, 'parts');
  }
  throw error;
}

export async function completeUpload(target: UploadTarget, request: CompleteRequest): Promise<{ key: string; etag: string } | UploadRefusal> {
  const denied = ownUpload(request);
  if (denied) return denied;
  const parts = request.input.parts ?? [];
  if (parts.length === 0 || parts.length > 10000 || parts.some((p, i) => p.partNumber !== i + 1 || !/^"?[0-9A-Za-z+/=-]{1,128}"?$/.test(p.etag))) {
    return refuse('BadRequest', 'parts must list every part in order (partNumber 1, 2, …) with the ETag its PUT answered.', 'parts');
  }
  if (!target.multipart) return refuse('UploadsUnavailable', 'Multipart uploads are not available here.');
  try {
    const etag = await target.multipart.complete(request.input.key, request.input.uploadId, parts.map((p) => ({ partNumber: p.partNumber, etag: `"${p.etag.replace(/"/g, '')}"` })));
    return { key: request.input.key, etag: etag.replace(/"/g, '') };
  } catch (error) {
    return s3Refusal(error);
  }
}

export async function abortUpload(target: UploadTarget, request: CompleteRequest): Promise<boolean | UploadRefusal> {
  const denied = ownUpload(request);
  if (denied) return denied;
  if (!target.multipart) return refuse('UploadsUnavailable', 'Multipart uploads are not available here.');
  try {
    await target.multipart.abort(request.input.key, request.input.uploadId);
    return true;
  } catch (error) {
    return s3Refusal(error);
  }
}
