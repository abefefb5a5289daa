/**
 * A small S3-compatible endpoint for the local stack: the subset of the S3 REST API that the AWS
 * CLI (`aws s3 cp/ls/rm`), the SDKs and Foreman's processor use — ListBuckets, HeadBucket,
 * ListObjectsV2, PutObject, GetObject (with If-Match), HeadObject, DeleteObject, CopyObject and
 * multipart uploads — path-style (`http://127.0.0.1:4569/bucket/key`) or virtual-hosted
 * (`bucket.localhost`), signed with Signature Version 4 by the stack's IAM credentials, including
 * the `aws-chunked` bodies today's SDKs and CLIs stream (with trailing checksums). Every object
 * created fires an S3 event notification (ObjectCreated:Put/Copy/CompleteMultipartUpload) to
 * `onEvent`, in the shape S3 sends to Lambda.
 *
 * Why not s3rver: see docs/s3-local.md (it stores SDK v3 / AWS CLI streamed uploads with their
 * aws-chunked framing inside the object, and accepts any signature).
 *
 * Objects live in memory for the life of the process.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { presignedSignature } from '../../../functions/upload-url/presign';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** One record of an S3 event notification (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: { s3SchemaVersion: '1.0'; bucket: { name: string; arn: string }; object: { key: string; size: number; eTag: string; sequencer: string } };
}

export interface LocalS3Options {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  region: string;
  credentials: S3Credentials;
  /** Buckets that exist from the start (no CreateBucket needed). */
  buckets: string[];
  /** Called after each object is created, like an S3 event notification to Lambda. */
  onEvent?: (event: { Records: S3EventRecord[] }) => void;
}

export interface LocalS3 {
  /** `http://host:port` — give it as `--endpoint-url` / `endpoint`. */
  endpoint: string;
  port: number;
  /** Object bytes, for tests and tools (undefined when absent). */
  read(bucket: string, key: string): Buffer | undefined;
  keys(bucket: string): string[];
  close(): Promise<void>;
}

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
  /** User metadata: the `x-amz-meta-*` headers of the PUT, names lower-case without the prefix. */
  metadata: Record<string, string>;
}

function metadataOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (name.startsWith('x-amz-meta-') && typeof value === 'string') out[name.slice('x-amz-meta-'.length)] = value;
  return out;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function md5(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** An S3 error document (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n`, then
 * optional trailer lines (`x-amz-checksum-crc32:…`). Chunk signatures are not checked (the
 * request's own signature is).
 */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body ends inside a chunk header.');
    const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new S3Error(400, 'InvalidRequest', 'Malformed aws-chunked chunk header.');
    if (size === 0) return Buffer.concat(parts);
    const start = eol + 2;
    if (start + size > raw.length) throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body is shorter than its chunks say.');
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const buckets = new Map<string, Map<string, StoredObject>>(options.buckets.map((b) => [b, new Map()]));
  const uploads = new Map<string, { bucket: string; key: string; parts: Map<number, Buffer>; contentType: string; metadata: Record<string, string> }>();
  let sequence = 0;

  /**
   * A presigned URL (query authentication): the signature over the request as received, its
   * signed headers (Content-Length, metadata) included, within X-Amz-Expires of X-Amz-Date.
   */
  async function verifyPresigned(req: IncomingMessage, url: URL): Promise<void> {
    const q = url.searchParams;
    const [accessKeyId, , region, service] = (q.get('X-Amz-Credential') ?? '').split('/');
    if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256".');
    if (accessKeyId !== options.credentials.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    if (service !== 's3' || region !== options.region) throw new S3Error(400, 'AuthorizationQueryParametersError', `The region '${region}' is wrong; expecting '${options.region}'.`);
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '');
    const expires = Number(q.get('X-Amz-Expires'));
    if (!m || !Number.isInteger(expires) || expires < 1 || expires > 604800) throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Date and X-Amz-Expires (1 to 604800 seconds) are required.');
    const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (Date.now() > signedAt + expires * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
    const expected = await presignedSignature({
      method: req.method ?? 'GET',
      host: header(req, 'host') ?? '',
      path: url.pathname,
      query: q,
      header: (name) => header(req, name),
      region: options.region,
      credentials: options.credentials,
    });
    const given = q.get('X-Amz-Signature') ?? '';
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
      throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
  }

  async function verifySignature(req: IncomingMessage, body: Buffer): Promise<void> {
    const presigned = new URL(req.url ?? '/', 'http://x');
    if (presigned.searchParams.has('X-Amz-Signature')) return verifyPresigned(req, presigned);
    const authorization = header(req, 'authorization');
    if (!authorization) throw new S3Error(403, 'AccessDenied', 'Access Denied: the request is not signed. Configure the local credentials (see docs/s3-local.md).');
    const parts = Object.fromEntries(
      authorization
        .replace(/^AWS4-HMAC-SHA256\s+/, '')
        .split(',')
        .map((p) => p.trim().split('='))
        .filter((kv) => kv.length === 2),
    ) as Record<string, string>;
    const [accessKeyId, , region, service] = (parts.Credential ?? '').split('/');
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !parts.SignedHeaders || !parts.Signature) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
    if (accessKeyId !== options.credentials.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    if (service !== 's3' || region !== options.region) throw new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region}' is wrong; expecting '${options.region}'.`);
    const declared = header(req, 'x-amz-content-sha256');
    if (declared && /^[0-9a-f]{64}$/.test(declared) && declared !== createHash('sha256').update(body).digest('hex')) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    const date = header(req, 'x-amz-date') ?? '';
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!m) throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header.');
    const signingDate = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
    const signed = parts.SignedHeaders.split(';');
    const headers: Record<string, string> = {};
    for (const name of signed) headers[name] = header(req, name) ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signer = new SignatureV4({ service: 's3', region: options.region, credentials: options.credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: (headers.host ?? '').replace(/:\d+$/, ''), path: url.pathname, query, headers });
    const result = await signer.sign(request, { signingDate, signableHeaders: new Set(signed) });
    const expected = /Signature=([0-9a-f]+)/.exec(String(result.headers.authorization ?? ''))?.[1] ?? '';
    if (expected.length !== parts.Signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(parts.Signature))) {
      throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
  }

  function bucketOf(name: string): Map<string, StoredObject> {
    const b = buckets.get(name);
    if (!b) throw new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${name}`);
    return b;
  }

  function created(bucket: string, key: string, object: StoredObject, eventName: string): void {
    options.onEvent?.({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: options.region,
          eventTime: object.lastModified.toISOString(),
          eventName,
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
            // Notifications URL-encode the key, spaces as "+".
            object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: object.body.length, eTag: object.etag, sequencer: (++sequence).toString(16).padStart(16, '0').toUpperCase() },
          },
        },
      ],
    });
  }

  function put(bucket: string, key: string, body: Buffer, contentType: string, eventName: string, metadata: Record<string, string> = {}): StoredObject {
    const object = { body, etag: md5(body), lastModified: new Date(), contentType, metadata };
    bucketOf(bucket).set(key, object);
    created(bucket, key, object, eventName);
    return object;
  }

  function send(res: ServerResponse, status: number, xml: string | null, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...(xml ? { 'content-type': 'application/xml' } : {}), 'x-amz-request-id': randomUUID(), ...headers });
    res.end(xml ? `<?xml version="1.0" encoding="UTF-8"?>\n${xml}` : undefined);
  }

  function objectHeaders(o: StoredObject): Record<string, string> {
    const meta = Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    return { etag: `"${o.etag}"`, 'last-modified': o.lastModified.toUTCString(), 'content-type': o.contentType, 'content-length': String(o.body.length), ...meta };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = header(req, 'origin');
    // Any origin may PUT and GET with a valid signature (the local stack serves the page on another port).
    const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag', vary: 'Origin' } : {};
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    if (req.method === 'OPTIONS' && origin) {
      // CORS preflight (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
      res.writeHead(200, {
        ...cors,
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '',
        'access-control-max-age': '3000',
      });
      return void res.end();
    }
    const raw = await readBody(req);
    await verifySignature(req, raw);
    const url = new URL(req.url ?? '/', 'http://x');
    const hostBucket = /^([a-z0-9][a-z0-9.-]*)\.localhost(?::\d+)?$/.exec(header(req, 'host') ?? '')?.[1];
    const segments = url.pathname.slice(1);
    const [bucket, key] = hostBucket ? [hostBucket, decodeURIComponent(segments)] : [decodeURIComponent(segments.split('/')[0] ?? ''), decodeURIComponent(segments.split('/').slice(1).join('/'))];
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const chunked = (header(req, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-') || (header(req, 'content-encoding') ?? '').includes('aws-chunked');
    const body = chunked ? decodeAwsChunked(raw) : raw;

    if (!bucket) {
      const list = [...buckets.keys()].map((b) => `<Bucket><Name>${xmlEscape(b)}</Name><CreationDate>${new Date(0).toISOString()}</CreationDate></Bucket>`).join('');
      return send(res, 200, `<ListAllMyBucketsResult><Owner><ID>local</ID></Owner><Buckets>${list}</Buckets></ListAllMyBucketsResult>`);
    }
    const objects = bucketOf(bucket);
    if (!key) {
      if (method === 'HEAD') return send(res, 200, null);
      if (method !== 'GET') throw new S3Error(405, 'MethodNotAllowed', `${method} on a bucket is not supported by the local S3.`);
      const prefix = q.get('prefix') ?? '';
      const delimiter = q.get('delimiter') ?? '';
      const max = Math.min(Number(q.get('max-keys') ?? 1000), 1000);
      const after = q.get('continuation-token') ?? q.get('start-after') ?? '';
      const contents: string[] = [];
      const prefixes = new Set<string>();
      let truncated = false;
      let last = '';
      for (const k of [...objects.keys()].sort()) {
        if (!k.startsWith(prefix) || k <= after) continue;
        if (contents.length + prefixes.size >= max) {
          truncated = true;
          break;
        }
        const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
        if (cut >= 0) prefixes.add(k.slice(0, cut + delimiter.length));
        else {
          const o = objects.get(k)!;
          contents.push(`<Contents><Key>${xmlEscape(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>"${o.etag}"</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
        }
        last = k;
      }
      const common = [...prefixes].map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`).join('');
      return send(
        res,
        200,
        `<ListBucketResult><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>${max}</MaxKeys>${delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : ''}<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xmlEscape(last)}</NextContinuationToken>` : ''}${contents.join('')}${common}</ListBucketResult>`,
      );
    }

    const contentType = header(req, 'content-type') ?? 'binary/octet-stream';
    if (method === 'POST' && q.has('uploads')) {
      const uploadId = randomUUID();
      uploads.set(uploadId, { bucket, key, parts: new Map(), contentType, metadata: metadataOf(req) });
      return send(res, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
    }
    const uploadId = q.get('uploadId');
    if (uploadId) {
      const upload = uploads.get(uploadId);
      if (!upload || upload.bucket !== bucket || upload.key !== key) throw new S3Error(404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
      if (method === 'PUT') {
        upload.parts.set(Number(q.get('partNumber')), body);
        return send(res, 200, null, { etag: `"${md5(body)}"` });
      }
      if (method === 'DELETE') {
        uploads.delete(uploadId);
        return send(res, 204, null);
      }
      if (method === 'POST') {
        const numbers = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const missing = numbers.find((n) => !upload.parts.has(n));
        if (missing !== undefined || numbers.length === 0) throw new S3Error(400, 'InvalidPart', `One or more of the specified parts could not be found (part ${missing ?? 'none'}).`);
        const whole = Buffer.concat(numbers.map((n) => upload.parts.get(n)!));
        uploads.delete(uploadId);
        const object = {
          body: whole,
          etag: `${md5(Buffer.concat(numbers.map((n) => Buffer.from(md5(upload.parts.get(n)!), 'hex'))))}-${numbers.length}`,
          lastModified: new Date(),
          contentType: upload.contentType,
          metadata: upload.metadata,
        };
        objects.set(key, object);
        created(bucket, key, object, 'ObjectCreated:CompleteMultipartUpload');
        return send(res, 200, `<CompleteMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>"${object.etag}"</ETag></CompleteMultipartUploadResult>`);
      }
    }
    if (method === 'PUT') {
      const copySource = header(req, 'x-amz-copy-source');
      if (copySource) {
        const [fromBucket, ...rest] = decodeURIComponent(copySource.replace(/^\//, '').split('?')[0]!).split('/');
        const from = bucketOf(fromBucket!).get(rest.join('/'));
        if (!from) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
        // MetadataDirective COPY (the default): the copy keeps the source's metadata.
        const object = put(bucket, key, Buffer.from(from.body), from.contentType, 'ObjectCreated:Copy', { ...from.metadata });
        return send(res, 200, `<CopyObjectResult><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>"${object.etag}"</ETag></CopyObjectResult>`);
      }
      const object = put(bucket, key, body, contentType, 'ObjectCreated:Put', metadataOf(req));
      return send(res, 200, null, { etag: `"${object.etag}"` });
    }
    if (method === 'DELETE') {
      objects.delete(key);
      return send(res, 204, null);
    }
    if (method === 'GET' || method === 'HEAD') {
      const object = objects.get(key);
      if (!object) {
        if (method === 'HEAD') return send(res, 404, null);
        throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      const ifMatch = header(req, 'if-match');
      if (ifMatch && ifMatch.replace(/"/g, '') !== object.etag) throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      res.writeHead(200, objectHeaders(object));
      res.end(method === 'GET' ? object.body : undefined);
      return;
    }
    throw new S3Error(405, 'MethodNotAllowed', `${method} is not supported by the local S3.`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof S3Error ? error : new S3Error(500, 'InternalError', error instanceof Error ? error.message : String(error));
      if (res.headersSent) return void res.destroy();
      if (req.method === 'HEAD') return send(res, e.status, null);
      send(res, e.status, `<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message><RequestId>local</RequestId></Error>`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    read: (bucket, key) => buckets.get(bucket)?.get(key)?.body,
    keys: (bucket) => [...(buckets.get(bucket)?.keys() ?? [])].sort(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
