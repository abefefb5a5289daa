/**
 * Upload and walk away (issue 10, point 4), over the real local stack: createUpload presigns a
 * size-limited PUT into the caller's own uploads/<sub>/; the PUT (plain fetch, as the page does)
 * lands in the local S3 route, whose processor ingests it on the uploader's behalf with the mapping
 * that travelled as metadata, and moves it to processed/. Refusals: viewers, sizes over the limit,
 * bodies longer than declared, another user's key, an expired URL, a user setting an owner.
 * Multipart (from the part size up; FOREMAN_UPLOAD_PART_BYTES makes it small here): presigned
 * UploadPart URLs → completeUpload → processed/; refusals: another user's key, a wrong uploadId, a
 * part longer than signed; abortUpload.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { AbortUploadDocument, CompleteUploadDocument, CreateUploadDocument, GetIngestionDocument, ListIngestionsDocument, StartIngestionDocument } from '../../../clients/api/generated';
import { MAX_UPLOAD_BYTES } from '../../../functions/upload-url/upload';
import { startS3Route, type S3Route } from '../../../infra/local/s3/route';
import { stackClients, startTestStack, type TestStack } from '../../helpers/localStack';
import { ROOT } from '../../clients/cli/run';

let stack: TestStack;
let route: S3Route;
let ada: GraphQLClient;
let adaSub: string;
let bob: GraphQLClient;
const results = new Map<string, unknown>();

const subOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  stack = await startTestStack();
  route = await startS3Route({ graphqlUrl: stack.graphqlUrl, iam: stack.iam, port: 0, onResult: (key, r) => results.set(key, r) });
  ada = await stack.clientFor('ada', ['importers']);
  adaSub = subOf(await stack.tokenFor('ada', ['importers']));
  bob = await stack.clientFor('bob', ['importers']);
}, 120_000);
afterAll(async () => {
  await route?.close();
  await stack?.stop();
});

async function put(url: string, headers: string, body: Buffer): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'PUT', headers: JSON.parse(headers) as Record<string, string>, body: new Uint8Array(body) });
  return { status: r.status, text: await r.text() };
}

describe('createUpload → PUT → the S3 processor', () => {
  it('ingests the upload for the uploader, with the mapping that travelled with it, and moves it to processed/', { timeout: 180_000 }, async () => {
    // customers_small.csv with its email column renamed: only the confirmed mapping says what it is.
    const body = Buffer.from(readFileSync(path.join(ROOT, 'samples/customers_small.csv'), 'utf8').replace(/^email,/, 'Mail addr,'));
    const { createUpload } = await ada.request(CreateUploadDocument, {
      input: { fileName: 'my customers.csv', size: body.length, sha256: sha(body), model: 'CUSTOMER', mapping: JSON.stringify({ 'Mail addr': 'email' }) },
    });
    expect(createUpload.key).toMatch(new RegExp(`^uploads/${adaSub}/[0-9a-f-]{36}/my customers\\.csv$`));
    expect(createUpload.maxBytes).toBe(MAX_UPLOAD_BYTES);
    expect({ uploadId: createUpload.uploadId, parts: createUpload.parts }).toEqual({ uploadId: null, parts: null });
    expect(JSON.parse(createUpload.headers)).toEqual({
      'x-amz-meta-foreman-owner': `cognito:${adaSub}`,
      'x-amz-meta-foreman-model': 'CUSTOMER',
      'x-amz-meta-foreman-sha256': sha(body),
      'x-amz-meta-foreman-mapping': encodeURIComponent(JSON.stringify({ 'Mail addr': 'email' })),
    });

    expect((await put(createUpload.url!, createUpload.headers, body)).status).toBe(200);
    await route.idle();
    const processed = createUpload.key.replace(/^uploads\//, 'processed/');
    expect(route.keys('foreman-local').filter((k) => k.includes(adaSub))).toEqual([processed]);
    const result = results.get(createUpload.key) as { outcome: string; ingestionId: string; counts: unknown };
    // customers_small.csv: 5 customers, all valid and new.
    expect(result).toMatchObject({ outcome: 'PROCESSED', counts: { created: 5, duplicates: 0, invalid: 0 } });

    // Ada's own: she reads it and it is in her list, under its own file name; Bob sees neither.
    const mine = (await ada.request(GetIngestionDocument, { id: result.ingestionId })).getIngestion!;
    expect({ owner: mine.owner, fileName: mine.fileName, source: mine.source, status: mine.status, created: mine.created, rowCount: mine.rowCount }).toEqual({
      owner: `cognito:${adaSub}`,
      fileName: 'my customers.csv',
      source: 'S3',
      status: 'COMPLETED',
      created: 5,
      rowCount: 5,
    });
    expect((await ada.request(ListIngestionsDocument, {})).listIngestions.items.map((i) => i.id)).toContain(result.ingestionId);
    expect((await bob.request(ListIngestionsDocument, {})).listIngestions.items.map((i) => i.id)).not.toContain(result.ingestionId);
    await expect(bob.request(GetIngestionDocument, { id: result.ingestionId })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
  });

  it('refuses viewers, and signed-in sizes beyond the limit or below 1 byte', { timeout: 60_000 }, async () => {
    const viewer = await stack.clientFor('vera', ['viewers']);
    const input = { fileName: 'a.csv', size: 10, sha256: 'a'.repeat(64), model: 'CUSTOMER' as const };
    await expect(viewer.request(CreateUploadDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
    await expect(ada.request(CreateUploadDocument, { input: { ...input, size: MAX_UPLOAD_BYTES + 1 } })).rejects.toMatchObject({
      errors: [{ errorType: 'PayloadTooLarge', message: `The file is ${MAX_UPLOAD_BYTES + 1} bytes; uploads take at most ${MAX_UPLOAD_BYTES} bytes (10 GiB). Split it, or ingest it with the CLI (foreman ingest).` }],
    });
    await expect(ada.request(CreateUploadDocument, { input: { ...input, size: 0 } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest' }] });
    await expect(ada.request(CreateUploadDocument, { input: { ...input, fileName: '../x.csv' } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest', message: 'fileName must be 1 to 255 characters, without slashes or control characters.' }] });
    await expect(ada.request(CreateUploadDocument, { input: { ...input, mapping: '["email"]' } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest' }] });
    // The back end (IAM) has no user to upload for.
    const { iam } = stackClients(stack);
    await expect(iam.request(CreateUploadDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
  });

  it('refuses a body longer or shorter than declared, other metadata, and the URL moved to another user’s key', { timeout: 60_000 }, async () => {
    const body = Buffer.from('email,name\nx@y.example,X\n');
    const { createUpload } = await ada.request(CreateUploadDocument, { input: { fileName: 'x.csv', size: body.length, sha256: sha(body), model: 'CUSTOMER' } });
    const longer = await put(createUpload.url!, createUpload.headers, Buffer.concat([body, Buffer.from('evil@y.example,E\n')]));
    expect(longer.status).toBe(403);
    expect(longer.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await put(createUpload.url!, createUpload.headers, body.subarray(1))).status).toBe(403);
    const forged = JSON.stringify({ ...JSON.parse(createUpload.headers), 'x-amz-meta-foreman-owner': 'cognito:someone-else' });
    expect((await put(createUpload.url!, forged, body)).status).toBe(403);
    const bobSub = subOf(await stack.tokenFor('bob', ['importers']));
    const moved = createUpload.url!.replace(`/uploads/${adaSub}/`, `/uploads/${bobSub}/`);
    expect(moved).not.toBe(createUpload.url);
    expect((await put(moved, createUpload.headers, body)).status).toBe(403);
    await route.idle();
    expect(route.keys('foreman-local').filter((k) => k.endsWith('/x.csv'))).toEqual([]);
  });

  it('refuses an expired URL', { timeout: 60_000 }, async () => {
    const body = Buffer.from('email,name\nx@y.example,X\n');
    const { createUpload } = await ada.request(CreateUploadDocument, { input: { fileName: 'late.csv', size: body.length, sha256: sha(body), model: 'CUSTOMER' } });
    // Signed 16 minutes ago for 15: re-sign nothing, only say so (the date is part of the signature).
    const url = new URL(createUpload.url!);
    url.searchParams.set('X-Amz-Date', '20200101T000000Z');
    const r = await put(url.toString(), createUpload.headers, body);
    expect(r.status).toBe(403);
    expect(r.text).toContain('Request has expired');
  });

  it('lets only the back end start an ingestion for someone else', { timeout: 60_000 }, async () => {
    const input = { fileName: 'o.csv', sha256: 'b'.repeat(64), model: 'CUSTOMER' as const, source: 'WEB' as const, rowCount: 1, owner: `cognito:${adaSub}` };
    await expect(bob.request(StartIngestionDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
    const { iam } = stackClients(stack);
    await expect(iam.request(StartIngestionDocument, { input: { ...input, owner: 'iam:arn:aws:iam::1:user/x' } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest' }] });
    const started = (await iam.request(StartIngestionDocument, { input })).startIngestion;
    expect(started.ingestion!.owner).toBe(`cognito:${adaSub}`);
  });
});

/** Multipart from `partBytes` bytes up, for the calls made inside `fn` (the handler reads the variable per call). */
async function withPartBytes<T>(partBytes: number, fn: () => Promise<T>): Promise<T> {
  process.env.FOREMAN_UPLOAD_PART_BYTES = String(partBytes);
  try {
    return await fn();
  } finally {
    delete process.env.FOREMAN_UPLOAD_PART_BYTES;
  }
}

/** PUTs a part (no headers: the metadata is on the upload), answering the status and S3's ETag. */
async function putPart(url: string, body: Buffer): Promise<{ status: number; etag: string | null; text: string }> {
  const r = await fetch(url, { method: 'PUT', body: new Uint8Array(body) });
  return { status: r.status, etag: r.headers.get('etag'), text: await r.text() };
}

/** A customers CSV of `n` rows no other test ingests. */
function customers(tag: string, n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => `${tag}.${i}@multi.example,Multi ${tag} ${i},+1 555 000 ${String(1000 + i)},Contoso`);
  return Buffer.from(`email,name,phone,company\n${rows.join('\n')}\n`);
}

describe('multipart: createUpload (big file) → UploadPart URLs → completeUpload → the S3 processor', () => {
  it('answers an uploadId and one size-limited part URL per part; the completed object is ingested for the uploader', { timeout: 180_000 }, async () => {
    const body = customers('mp', 7);
    const partBytes = Math.ceil(body.length / 3);
    const { createUpload } = await withPartBytes(partBytes, () =>
      ada.request(CreateUploadDocument, { input: { fileName: 'big customers.csv', size: body.length, sha256: sha(body), model: 'CUSTOMER', mapping: JSON.stringify({ phone: null }) } }),
    );
    expect(createUpload.key).toMatch(new RegExp(`^uploads/${adaSub}/[0-9a-f-]{36}/big customers\\.csv$`));
    expect(createUpload.url).toBeNull();
    expect(JSON.parse(createUpload.headers)).toEqual({});
    expect(createUpload.uploadId).toEqual(expect.any(String));
    // ceil(size / partBytes) = 3 parts: two of partBytes, the last the rest.
    expect(createUpload.parts!.map((p) => ({ partNumber: p.partNumber, offset: p.offset, size: p.size }))).toEqual([
      { partNumber: 1, offset: 0, size: partBytes },
      { partNumber: 2, offset: partBytes, size: partBytes },
      { partNumber: 3, offset: 2 * partBytes, size: body.length - 2 * partBytes },
    ]);
    for (const p of createUpload.parts!) {
      const url = new URL(p.url);
      expect({ partNumber: url.searchParams.get('partNumber'), uploadId: url.searchParams.get('uploadId'), signed: url.searchParams.get('X-Amz-SignedHeaders') }).toEqual({
        partNumber: String(p.partNumber),
        uploadId: createUpload.uploadId,
        signed: 'content-length;host',
      });
    }

    // Parts in any order (the page sends 3 at a time); S3 answers each one's ETag.
    const etags = new Map<number, string>();
    for (const p of [...createUpload.parts!].reverse()) {
      const r = await putPart(p.url, body.subarray(p.offset, p.offset + p.size));
      expect(r.status).toBe(200);
      expect(r.etag).toBe(`"${createHash('md5').update(body.subarray(p.offset, p.offset + p.size)).digest('hex')}"`);
      etags.set(p.partNumber, r.etag!);
    }
    // Nothing is in the bucket (nor processed) before completion.
    await route.idle();
    expect(route.keys('foreman-local').filter((k) => k.endsWith('/big customers.csv'))).toEqual([]);

    const parts = createUpload.parts!.map((p) => ({ partNumber: p.partNumber, etag: etags.get(p.partNumber)! }));
    const { completeUpload } = await ada.request(CompleteUploadDocument, { input: { key: createUpload.key, uploadId: createUpload.uploadId!, parts } });
    expect(completeUpload.key).toBe(createUpload.key);
    expect(completeUpload.etag).toMatch(/^[0-9a-f]{32}-3$/);
    await route.idle();
    const processed = createUpload.key.replace(/^uploads\//, 'processed/');
    expect(route.keys('foreman-local').filter((k) => k.endsWith('/big customers.csv'))).toEqual([processed]);
    const result = results.get(createUpload.key) as { outcome: string; ingestionId: string; counts: unknown };
    // 7 new customers, all valid (the mapping ignored the phone column: it travelled on the upload).
    expect(result).toMatchObject({ outcome: 'PROCESSED', counts: { created: 7, duplicates: 0, invalid: 0 } });
    const mine = (await ada.request(GetIngestionDocument, { id: result.ingestionId })).getIngestion!;
    expect({ owner: mine.owner, fileName: mine.fileName, source: mine.source, status: mine.status, created: mine.created, rowCount: mine.rowCount }).toEqual({
      owner: `cognito:${adaSub}`,
      fileName: 'big customers.csv',
      source: 'S3',
      status: 'COMPLETED',
      created: 7,
      rowCount: 7,
    });
    // Completed once: again is an upload that no longer exists.
    await expect(ada.request(CompleteUploadDocument, { input: { key: createUpload.key, uploadId: createUpload.uploadId!, parts } })).rejects.toMatchObject({ errors: [{ errorType: 'NotFound' }] });
  });

  it('refuses someone else’s key, a wrong uploadId, parts out of order, a part longer than signed; abortUpload drops the parts', { timeout: 120_000 }, async () => {
    const body = customers('mx', 4);
    const partBytes = Math.ceil(body.length / 2);
    const { createUpload } = await withPartBytes(partBytes, () => ada.request(CreateUploadDocument, { input: { fileName: 'refused.csv', size: body.length, sha256: sha(body), model: 'CUSTOMER' } }));
    const [one, two] = createUpload.parts!;
    expect(createUpload.parts).toHaveLength(2);

    // A part one byte longer (or shorter) than its signed Content-Length.
    const longer = await putPart(one!.url, body.subarray(0, one!.size + 1));
    expect(longer.status).toBe(403);
    expect(longer.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await putPart(two!.url, body.subarray(two!.offset, two!.offset + two!.size - 1))).status).toBe(403);
    // Part 1's URL does not take part 2's number.
    expect((await putPart(one!.url.replace('partNumber=1', 'partNumber=2'), body.subarray(0, one!.size))).status).toBe(403);

    const etag1 = (await putPart(one!.url, body.subarray(0, one!.size))).etag!;
    const etag2 = (await putPart(two!.url, body.subarray(two!.offset))).etag!;
    const parts = [
      { partNumber: 1, etag: etag1 },
      { partNumber: 2, etag: etag2 },
    ];
    const input = { key: createUpload.key, uploadId: createUpload.uploadId!, parts };
    // Bob may not complete (nor abort) Ada's upload, even knowing its key and uploadId.
    const notYours = 'This upload is not yours: you may only complete or abort uploads under your own uploads/<sub>/ (the key createUpload answered).';
    await expect(bob.request(CompleteUploadDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized', message: notYours }] });
    await expect(bob.request(AbortUploadDocument, { input: { key: input.key, uploadId: input.uploadId } })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized', message: notYours }] });
    // …nor a path that climbs out of his own prefix.
    const bobSub = subOf(await stack.tokenFor('bob', ['importers']));
    const climbing = createUpload.key.replace(`uploads/${adaSub}/`, `uploads/${bobSub}/../${adaSub}/`);
    await expect(bob.request(CompleteUploadDocument, { input: { ...input, key: climbing } })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
    // A wrong uploadId; parts out of order or missing.
    await expect(ada.request(CompleteUploadDocument, { input: { ...input, uploadId: 'not-an-upload' } })).rejects.toMatchObject({
      errors: [{ errorType: 'NotFound', message: 'No such upload is in progress for this key (wrong uploadId, or already completed or aborted). Start again with createUpload.' }],
    });
    await expect(ada.request(CompleteUploadDocument, { input: { ...input, parts: [...parts].reverse() } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest' }] });
    await expect(ada.request(CompleteUploadDocument, { input: { ...input, parts: [] } })).rejects.toMatchObject({ errors: [{ errorType: 'BadRequest' }] });
    // Viewers may not call it at all.
    const viewer = await stack.clientFor('vera', ['viewers']);
    await expect(viewer.request(CompleteUploadDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });

    // Ada aborts (the page does, on a failure or cancel): the upload is gone, nothing lands in the bucket.
    expect((await ada.request(AbortUploadDocument, { input: { key: input.key, uploadId: input.uploadId } })).abortUpload).toBe(true);
    await expect(ada.request(CompleteUploadDocument, { input })).rejects.toMatchObject({ errors: [{ errorType: 'NotFound' }] });
    expect((await putPart(one!.url, body.subarray(0, one!.size))).status).toBe(404);
    await route.idle();
    expect(route.keys('foreman-local').filter((k) => k.endsWith('/refused.csv'))).toEqual([]);
  });
});
