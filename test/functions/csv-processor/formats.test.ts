/**
 * The S3 processor on .xlsx and JSON uploads (issue 10 point 6), against the real local stack with
 * the real engine and an IAM-signed client, S3 and Step Functions mocked (as in ./localStack.test.ts).
 * The processor picks the reader by the key's extension and the object's first bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument } from '../../../clients/api/generated';
import { ingestEngine } from '../../../functions/csv-processor/defaultEngine';
import { processUpload, type ProcessorDeps } from '../../../functions/csv-processor/process';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { csvRows, dateCell, writeCompoundFile, writeXlsx, type XCell } from '../../helpers/xlsx';
import { objectFrom, putBody as putBodyOf, sample } from './fakes';

const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);
const BUCKET = 'foreman-ingest';
const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-processor-formats-'));

let stack: TestStack;
let client: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  client = createClient({ url: stack.graphqlUrl, auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey } } });
});
afterAll(() => stack?.stop());

beforeEach(() => {
  s3Mock.reset();
  sfnMock.reset();
  s3Mock.on(CopyObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
});

const deps = (largeFileBytes = 50 * 1024 * 1024): ProcessorDeps => ({ s3: new S3Client({}), sfn: new SFNClient({}), client, engine: ingestEngine, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:LargeFileImport', largeFileBytes });

function upload(key: string, bytes: Uint8Array | string) {
  const file = path.join(dir, key.replace(/\//g, '_'));
  writeFileSync(file, bytes);
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).callsFake(() => objectFrom(file));
  return { bucket: BUCKET, key, size: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength };
}

const putBody = (key: string) => putBodyOf(s3Mock.commandCalls(PutObjectCommand), key);

const [header, ...rows] = csvRows(sample('customers_valid.csv')) as [string[], ...string[][]];
/** The sample's customers under another domain, so each upload's customers are new. */
const sheetRows = (domain: string): XCell[][] => [header, ...rows.map((r) => r.map((cell, c) => (c === 0 ? cell.replace('northwind.example', domain) : c === 5 && cell ? dateCell(cell) : cell || null)))];

describe('csv-processor on Excel and JSON uploads', () => {
  it('ingests an .xlsx upload and moves it to processed/, the sample’s counts on the server', async () => {
    const result = await processUpload(deps(), upload('uploads/team/customers.xlsx', writeXlsx([{ name: 'Customers', rows: sheetRows('xlsx.example') }])));
    expect(result).toMatchObject({ route: 'lambda', outcome: 'PROCESSED', movedTo: 'processed/team/customers.xlsx', reportKey: undefined, counts: { created: 20, duplicates: 0, invalid: 0 } });
    const { getIngestion } = await client.request(GetIngestionDocument, { id: (result as { ingestionId: string }).ingestionId });
    expect(getIngestion).toMatchObject({ status: 'COMPLETED', source: 'S3', fileName: 'team/customers.xlsx', created: 20, processed: 20 });
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'processed/team/customers.xlsx' });
  });

  it('writes the report of an .xlsx upload’s invalid rows, naming the cell', async () => {
    const data = sheetRows('xlsx-report.example');
    data[3]![1] = { v: '#REF!', t: 'e', f: 'Sheet2!B4' };
    const result = await processUpload(deps(), upload('uploads/customers-report.xlsx', writeXlsx([{ name: 'Customers', rows: data }])));
    expect(result).toMatchObject({ outcome: 'PROCESSED', reportKey: 'processed/customers-report.xlsx.errors.csv', counts: { created: 19, duplicates: 0, invalid: 1 } });
    const report = putBody('processed/customers-report.xlsx.errors.csv').trim().split('\r\n');
    expect(report).toHaveLength(2);
    expect(report[1]).toMatch(/^4,INVALID,.*cell B4 holds the error value #REF! \(its formula =Sheet2!B4 failed\)/);
  });

  it('picks the JSON reader by content for a key without an extension', async () => {
    const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? r[i]!.replace('northwind.example', 'json.example') : r[i] || null])));
    const result = await processUpload(deps(), upload('uploads/export-2024', JSON.stringify(objects)));
    expect(result).toMatchObject({ outcome: 'PROCESSED', counts: { created: 20, duplicates: 0, invalid: 0 } });
  });

  it('moves a password-protected workbook to failed/ with the reason', async () => {
    const result = await processUpload(deps(), upload('uploads/locked.xlsx', writeCompoundFile({ EncryptionInfo: new Uint8Array(4096).fill(1), EncryptedPackage: new Uint8Array(8192).fill(2) })));
    expect(result).toMatchObject({ route: 'lambda', outcome: 'FAILED', movedTo: 'failed/locked.xlsx', reasonKey: 'failed/locked.xlsx.reason.txt' });
    expect(putBody('failed/locked.xlsx.reason.txt')).toContain('Reason: locked.xlsx: the workbook is password-protected (encrypted)');
  });

  it('refuses a workbook above the big-file threshold (Step Functions reads CSV only), before claiming it', async () => {
    const result = await processUpload(deps(1000), upload('uploads/big.xlsx', writeXlsx([{ name: 'Customers', rows: sheetRows('big.example') }])));
    expect(result).toMatchObject({ route: 'lambda', outcome: 'FAILED', movedTo: 'failed/big.xlsx' });
    expect(putBody('failed/big.xlsx.reason.txt')).toContain("read by Step Functions' CSV reader, which reads CSV only, and this is an Excel workbook. Save it as CSV");
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
