/**
 * The local S3 route (issue 10, point 4): the AWS SDK v3, pointed at the local S3 endpoint with the
 * stack's IAM credentials, puts files under uploads/; the processor code of functions/csv-processor
 * ingests them over the real local AppSync and DynamoDB Local and moves them to processed/ or failed/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetIngestionDocument } from '../../../../clients/api/generated';
import { startS3Route, type S3Route } from '../../../../infra/local/s3/route';
import { decodeAwsChunked } from '../../../../infra/local/s3/server';
import { stackClients, startTestStack, type TestStack } from '../../../helpers/localStack';
import { ROOT, runCli } from '../../../clients/cli/run';

let stack: TestStack;
let route: S3Route;
let s3: S3Client;
const results = new Map<string, unknown>();

beforeAll(async () => {
  stack = await startTestStack();
  route = await startS3Route({ graphqlUrl: stack.graphqlUrl, iam: stack.iam, port: 0, onResult: (key, r) => results.set(key, r) });
  s3 = new S3Client({ endpoint: route.endpoint, region: stack.iam.region, forcePathStyle: true, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey } });
});
afterAll(async () => {
  s3?.destroy();
  await route?.close();
  await stack?.stop();
});

const sample = (file: string) => readFileSync(path.join(ROOT, file));

async function text(key: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: 'foreman-local', Key: key }));
  return r.Body!.transformToString();
}

async function keys(prefix: string): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: 'foreman-local', Prefix: prefix }));
  return (r.Contents ?? []).map((c) => c.Key!);
}

describe('the local S3 route', () => {
  it('ingests a streamed upload with the counts foreman ingest gives, and moves it to processed/ with its report', { timeout: 180_000 }, async () => {
    // A stream body: the SDK sends it aws-chunked, with a trailing CRC32 checksum.
    await s3.send(new PutObjectCommand({ Bucket: 'foreman-local', Key: 'uploads/customers_invalid.csv', Body: Readable.from([sample('samples/customers_invalid.csv')]), ContentLength: sample('samples/customers_invalid.csv').length }));
    await route.idle();
    expect(await keys('uploads/')).toEqual([]);
    expect(await keys('processed/')).toEqual(['processed/customers_invalid.csv', 'processed/customers_invalid.csv.errors.csv']);
    // The object arrived byte for byte (no chunk framing inside).
    expect(Buffer.from(await text('processed/customers_invalid.csv'))).toEqual(sample('samples/customers_invalid.csv'));

    const result = results.get('uploads/customers_invalid.csv') as { outcome: string; ingestionId: string; counts: { created: number; invalid: number } };
    expect(result.outcome).toBe('PROCESSED');
    const cli = JSON.parse((await runCli(['ingest', 'samples/customers_invalid.csv', '--dry-run', '--json'])).stdout) as { rows: number; invalid: number };
    const { iam } = stackClients(stack);
    const ingestion = (await iam.request(GetIngestionDocument, { id: result.ingestionId })).getIngestion!;
    expect({ rows: ingestion.rowCount, created: ingestion.created, invalid: ingestion.invalid, source: ingestion.source, status: ingestion.status }).toEqual({
      rows: cli.rows,
      created: cli.rows - cli.invalid,
      invalid: cli.invalid,
      source: 'S3',
      status: 'COMPLETED',
    });
    // One report line per invalid row, after the header.
    expect((await text('processed/customers_invalid.csv.errors.csv')).trim().split(/\r?\n/)).toHaveLength(1 + cli.invalid);
  });

  it('answers the same bytes again as a duplicate, next to the first ingestion', { timeout: 120_000 }, async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'foreman-local', Key: 'uploads/again/customers_invalid copy.csv', Body: sample('samples/customers_invalid.csv') }));
    await route.idle();
    const first = results.get('uploads/customers_invalid.csv') as { ingestionId: string };
    expect(results.get('uploads/again/customers_invalid copy.csv')).toMatchObject({ outcome: 'DUPLICATE', ingestionId: first.ingestionId });
    expect(await keys('processed/again/')).toEqual(['processed/again/customers_invalid copy.csv', 'processed/again/customers_invalid copy.csv.duplicate.json']);
    expect(JSON.parse(await text('processed/again/customers_invalid copy.csv.duplicate.json'))).toMatchObject({ outcome: 'DUPLICATE', firstIngestion: { id: first.ingestionId } });
  });

  it('moves a file that cannot be ingested to failed/ with the reason', { timeout: 120_000 }, async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'foreman-local', Key: 'uploads/unknown_model.csv', Body: sample('samples/bad/unknown_model.csv') }));
    await route.idle();
    expect(results.get('uploads/unknown_model.csv')).toMatchObject({ outcome: 'FAILED', movedTo: 'failed/unknown_model.csv' });
    expect(await keys('failed/')).toEqual(['failed/unknown_model.csv', 'failed/unknown_model.csv.reason.txt']);
    expect(await text('failed/unknown_model.csv.reason.txt')).toContain('none of the columns in row 1 ("sku", "warehouse", "quantity", "unit_price") matches');
  });

  it('takes a multipart upload as one object', { timeout: 120_000 }, async () => {
    const body = sample('samples/customers_small.csv');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'foreman-local', Key: 'uploads/parts.csv' }));
    // Parts in S3 are ≥ 5 MiB except the last; the local endpoint takes any size, as tests need.
    const cut = 100;
    const one = await s3.send(new UploadPartCommand({ Bucket: 'foreman-local', Key: 'uploads/parts.csv', UploadId, PartNumber: 1, Body: body.subarray(0, cut) }));
    const two = await s3.send(new UploadPartCommand({ Bucket: 'foreman-local', Key: 'uploads/parts.csv', UploadId, PartNumber: 2, Body: body.subarray(cut) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'foreman-local', Key: 'uploads/parts.csv', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] } }));
    await route.idle();
    // customers_small.csv: 5 customers, all valid and new.
    expect(results.get('uploads/parts.csv')).toMatchObject({ outcome: 'PROCESSED', counts: { created: 5, duplicates: 0, invalid: 0 } });
    expect(Buffer.from(await text('processed/parts.csv'))).toEqual(body);
  });

  it('refuses a request signed with another secret, and an unknown bucket', async () => {
    const wrong = new S3Client({ endpoint: route.endpoint, region: stack.iam.region, forcePathStyle: true, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await expect(wrong.send(new PutObjectCommand({ Bucket: 'foreman-local', Key: 'uploads/x.csv', Body: 'email,name\n' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    wrong.destroy();
    await expect(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'uploads/x.csv', Body: 'email,name\n' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(route.keys('foreman-local')).not.toContain('uploads/x.csv');
  });
});

describe('decodeAwsChunked', () => {
  it('joins the chunks and drops signatures and trailers', () => {
    const raw = Buffer.from('5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
    expect(decodeAwsChunked(raw).toString()).toBe('hello world');
  });

  it('refuses a body cut inside a chunk', () => {
    expect(() => decodeAwsChunked(Buffer.from('a\r\nhello'))).toThrow('shorter than its chunks say');
  });
});
