/**
 * A presigned S3 PutObject (SigV4 query authentication,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), done with the
 * SDK's own signer as @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD, and the
 * headers named in `headers` (Content-Length, the x-amz-meta-* metadata) are signed and stay
 * headers, so the PUT must carry exactly these values — a body of another length, or other
 * metadata, is refused by S3 with SignatureDoesNotMatch. The local S3 (infra/local/s3/server.ts)
 * verifies these URLs with the same function (`presignedSignature`).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignInput {
  /** `https://bucket.s3.region.amazonaws.com` (virtual-hosted) or a path-style endpoint + `/bucket`. */
  base: string;
  region: string;
  credentials: SigningCredentials;
  key: string;
  /** Query parameters of the operation (UploadPart: partNumber, uploadId); signed with the rest. */
  query?: Record<string, string>;
  /** Signed headers the PUT must send as they are (lower-case names). */
  headers: Record<string, string>;
  expiresIn: number;
  now: Date;
}

/** `a b/c.csv` → `a%20b/c.csv`: each path segment URI-encoded as S3 expects. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function signer(region: string, credentials: SigningCredentials): SignatureV4 {
  return new SignatureV4({ service: 's3', region, credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
}

/** The presigned URL of a PUT to `key` (PutObject, or UploadPart with `query`). */
export async function presignPut(input: PresignInput): Promise<string> {
  const url = new URL(input.base);
  const path = `${url.pathname.replace(/\/$/, '')}/${encodeKey(input.key)}`;
  const headers = { ...input.headers, host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const request = new HttpRequest({ method: 'PUT', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path, query: { ...input.query }, headers });
  const names = new Set(Object.keys(input.headers).concat('host'));
  const signed = await signer(input.region, input.credentials).presign(request, { expiresIn: input.expiresIn, signingDate: input.now, signableHeaders: names, unhoistableHeaders: names });
  const query = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v ?? '']]))
    .map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`)
    .join('&');
  return `${url.protocol}//${url.host}${path}?${query}`;
}

/**
 * The signature S3 expects for a presigned request as received: its method, host, path (as sent,
 * encoded), query without X-Amz-Signature, and the values of its signed headers.
 */
export async function presignedSignature(request: {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  header: (name: string) => string | undefined;
  region: string;
  credentials: SigningCredentials;
}): Promise<string> {
  const q = request.query;
  const signedNames = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '');
  if (!m) return '';
  const signingDate = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  const auth = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256']);
  const query: Record<string, string> = {};
  for (const [k, v] of q) if (!auth.has(k)) query[k] = v;
  const headers: Record<string, string> = { 'x-amz-content-sha256': q.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD' };
  for (const name of signedNames) headers[name] = name === 'host' ? request.host : (request.header(name) ?? '');
  const [hostname, port] = request.host.split(':');
  const names = new Set(signedNames);
  const credentials = { ...request.credentials, sessionToken: q.get('X-Amz-Security-Token') ?? undefined };
  const req = new HttpRequest({ method: request.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path: request.path, query, headers });
  const signed = await signer(request.region, credentials).presign(req, { expiresIn: Number(q.get('X-Amz-Expires') ?? '0'), signingDate, signableHeaders: names, unhoistableHeaders: names });
  return String(signed.query?.['X-Amz-Signature'] ?? '');
}
