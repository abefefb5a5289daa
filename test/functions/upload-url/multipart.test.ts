/**
 * createUpload's multipart answer, without S3 (a recording MultipartApi): the threshold, part
 * sizes that cover the file exactly and never exceed MAX_PARTS, the metadata on the upload, and
 * completeUpload / abortUpload's own-key and parts checks before S3 is asked.
 */
import { describe, expect, it } from 'vitest';
import { abortUpload, completeUpload, createUpload, MAX_PARTS, MAX_UPLOAD_BYTES, PART_BYTES, partSizeFor, type MultipartApi, type UploadAnswer, type UploadTarget } from '../../../functions/upload-url/upload';

const MiB = 1024 ** 2;
const calls: unknown[][] = [];
const api: MultipartApi = {
  create: async (key, metadata) => (calls.push(['create', key, metadata]), 'upload-1'),
  complete: async (key, uploadId, parts) => (calls.push(['complete', key, uploadId, parts]), '"abc-2"'),
  abort: async (key, uploadId) => void calls.push(['abort', key, uploadId]),
};
const target = (partBytes?: number): UploadTarget => ({
  bucket: 'b',
  region: 'eu-west-1',
  base: 'https://b.s3.eu-west-1.amazonaws.com',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  partBytes,
  multipart: api,
});
const identity = { sub: 'sub-1', groups: ['importers'] };
const input = (size: number) => ({ fileName: 'f.csv', size, sha256: 'a'.repeat(64), model: 'CUSTOMER', mapping: { Mail: 'email' } });
const create = async (size: number, partBytes?: number) => (await createUpload(target(partBytes), { identity, input: input(size) }, new Date('2026-01-01T00:00:00Z'), () => 'id')) as UploadAnswer;

describe('createUpload, multipart', () => {
  it('answers one PUT below the part size, and a multipart upload from it up, with the metadata on the upload', async () => {
    calls.length = 0;
    expect(await create(PART_BYTES - 1)).toMatchObject({ uploadId: null, parts: null, url: expect.stringContaining('X-Amz-Signature') });
    expect(calls).toEqual([]);
    const answer = await create(PART_BYTES);
    expect({ url: answer.url, headers: answer.headers, uploadId: answer.uploadId, parts: answer.parts!.map((p) => [p.partNumber, p.offset, p.size]) }).toEqual({ url: null, headers: '{}', uploadId: 'upload-1', parts: [[1, 0, PART_BYTES]] });
    expect(calls).toEqual([
      ['create', 'uploads/sub-1/id/f.csv', { 'foreman-owner': 'cognito:sub-1', 'foreman-model': 'CUSTOMER', 'foreman-sha256': 'a'.repeat(64), 'foreman-mapping': encodeURIComponent(JSON.stringify({ Mail: 'email' })) }],
    ]);
    const url = new URL(answer.parts![0]!.url);
    expect([url.pathname, url.searchParams.get('partNumber'), url.searchParams.get('uploadId'), url.searchParams.get('X-Amz-SignedHeaders')]).toEqual(['/uploads/sub-1/id/f.csv', '1', 'upload-1', 'content-length;host']);
  });

  it('covers the file exactly: 10 GiB in 160 parts of 64 MiB; with 5 MiB parts it grows them to 11 MiB so there are at most 1,000', async () => {
    const whole = await create(MAX_UPLOAD_BYTES);
    expect(whole.parts).toHaveLength(160);
    expect(new Set(whole.parts!.map((p) => p.size))).toEqual(new Set([64 * MiB]));
    expect(partSizeFor(MAX_UPLOAD_BYTES, 5 * MiB)).toBe(11 * MiB);
    const grown = await create(MAX_UPLOAD_BYTES, 5 * MiB);
    // ceil(10,240 / 11) = 931 parts: 930 of 11 MiB and the rest (10 MiB).
    expect(grown.parts).toHaveLength(931);
    expect(grown.parts!.length).toBeLessThanOrEqual(MAX_PARTS);
    expect(grown.parts!.at(-1)).toMatchObject({ partNumber: 931, offset: 930 * 11 * MiB, size: 10 * MiB });
    let offset = 0;
    for (const [i, p] of grown.parts!.entries()) {
      expect([p.partNumber, p.offset]).toEqual([i + 1, offset]);
      offset += p.size;
    }
    expect(offset).toBe(MAX_UPLOAD_BYTES);
  });

  it('checks the caller, the key and the parts before asking S3 to complete or abort', async () => {
    calls.length = 0;
    const key = 'uploads/sub-1/id/f.csv';
    const parts = [{ partNumber: 1, etag: '"e1"' }, { partNumber: 2, etag: 'e2' }];
    expect(await completeUpload(target(), { identity: { sub: 'sub-1', groups: ['viewers'] }, input: { key, uploadId: 'u', parts } })).toMatchObject({ error: { type: 'Unauthorized' } });
    expect(await completeUpload(target(), { identity: { sub: 'sub-2', groups: ['admins'] }, input: { key, uploadId: 'u', parts } })).toMatchObject({ error: { type: 'Unauthorized', field: 'key' } });
    expect(await abortUpload(target(), { identity, input: { key: 'uploads/sub-1/../sub-2/id/f.csv', uploadId: 'u' } })).toMatchObject({ error: { type: 'Unauthorized', field: 'key' } });
    expect(await completeUpload(target(), { identity, input: { key, uploadId: 'u', parts: [parts[1]!, parts[0]!] } })).toMatchObject({ error: { type: 'BadRequest', field: 'parts' } });
    expect(await completeUpload(target(), { identity, input: { key, uploadId: '', parts } })).toMatchObject({ error: { type: 'BadRequest', field: 'uploadId' } });
    expect(calls).toEqual([]);
    // ETags go to S3 quoted, come back without quotes.
    expect(await completeUpload(target(), { identity, input: { key, uploadId: 'u', parts } })).toEqual({ key, etag: 'abc-2' });
    expect(await abortUpload(target(), { identity, input: { key, uploadId: 'u' } })).toBe(true);
    expect(calls).toEqual([
      ['complete', key, 'u', [{ partNumber: 1, etag: '"e1"' }, { partNumber: 2, etag: '"e2"' }]],
      ['abort', key, 'u'],
    ]);
  });
});
