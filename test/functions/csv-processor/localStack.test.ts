/**
 * The processor and the big-file steps end to end against the real local stack (the same
 * resolver bundles AWS runs, over DynamoDB Local), with the real engine and an IAM-signed
 * client, as in AWS. Only S3 and Step Functions are mocked: they cannot run here. The
 * Distributed Map is emulated by reading the CSV into header-keyed rows with their index and
 * batching them as the state machine's ItemReader/ItemSelector/ItemBatcher do.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument, type ModelName } from '../../../clients/api/generated';
import { fail, finish, importBatch, type Job, type MapBatch } from '../../../functions/csv-import/importer';
import { ingestEngine } from '../../../functions/csv-processor/defaultEngine';
import { processUpload, type ProcessorDeps } from '../../../functions/csv-processor/process';
import { MAP_ITEMS_PER_BATCH } from '../../../infra/aws/stack';
import { startTestStack, type TestStack } from '../../helpers/localStack';
import { objectFrom, putBody as putBodyOf, sample } from './fakes';

const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);
const BUCKET = 'foreman-ingest';

let stack: TestStack;
let client: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  // signed with SigV4 like the Lambda's role, with the credentials the local stack verifies
  client = createClient({ url: stack.graphqlUrl, auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey } } });
});
afterAll(() => stack?.stop());

beforeEach(() => {
  s3Mock.reset();
  sfnMock.reset();
  s3Mock.on(CopyObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:LargeFileImport:x' });
});

function deps(largeFileBytes = 50 * 1024 * 1024): ProcessorDeps {
  return { s3: new S3Client({}), sfn: new SFNClient({}), client, engine: ingestEngine, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:LargeFileImport', largeFileBytes };
}

function upload(key: string, file: string) {
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).callsFake(() => objectFrom(file));
  return { bucket: BUCKET, key, size: readFileSync(file).length };
}

function putBody(key: string): string {
  return putBodyOf(s3Mock.commandCalls(PutObjectCommand), key);
}

describe('csv-processor on the local stack', () => {
  let firstId: string;

  it('ingests a valid file and moves it to processed/ with no report', async () => {
    const result = await processUpload(deps(), upload('uploads/customers_valid.csv', sample('customers_valid.csv')));
    // every row went in: processed/, no report
    expect(result).toMatchObject({ route: 'lambda', outcome: 'PROCESSED', movedTo: 'processed/customers_valid.csv', reportKey: undefined });
    firstId = (result as { ingestionId: string }).ingestionId;
    const { getIngestion } = await client.request(GetIngestionDocument, { id: firstId });
    // the server counted the 20 rows as created, source S3
    expect(getIngestion).toMatchObject({ status: 'COMPLETED', source: 'S3', created: 20, processed: 20 });
  });

  it('writes the report of duplicate rows, each naming the row that owns the email', async () => {
    const result = await processUpload(deps(), upload('uploads/customers_with_duplicates.csv', sample('customers_with_duplicates.csv')));
    expect(result).toMatchObject({ outcome: 'PROCESSED', reportKey: 'processed/customers_with_duplicates.csv.errors.csv' });
    const lines = putBody('processed/customers_with_duplicates.csv.errors.csv')!.trim().split('\r\n');
    // row 5 repeats row 2's email (case and spaces aside), so it is a duplicate owned by row 2
    const row5 = lines.find((l) => l.startsWith('5,'));
    expect(row5).toMatch(/^5,DUPLICATE,.*alice\.petrov@dupes\.example.*row 2/);
    const { getIngestion } = await client.request(GetIngestionDocument, { id: (result as { ingestionId: string }).ingestionId });
    // every row of the file is accounted for and each non-created row is in the report
    expect(getIngestion!.created + getIngestion!.duplicates + getIngestion!.invalid).toBe(14);
    expect(lines.length - 1).toBe(getIngestion!.duplicates + getIngestion!.invalid);
  });

  it('answers the same bytes under another name as a duplicate of the first ingestion', async () => {
    const result = await processUpload(deps(), upload('uploads/copy/customers_valid_copy.csv', sample('customers_valid_copy.csv')));
    // duplicate, pointing at the first ingestion, recorded next to the file in processed/
    expect(result).toMatchObject({ outcome: 'DUPLICATE', ingestionId: firstId, movedTo: 'processed/copy/customers_valid_copy.csv' });
    expect(JSON.parse(putBody('processed/copy/customers_valid_copy.csv.duplicate.json')!)).toMatchObject({ firstIngestion: { id: firstId, status: 'COMPLETED' } });
  });
});

describe('the big-file route on the local stack', () => {
  /** What the Distributed Map hands the import Lambda: header-keyed rows with their index, in batches. */
  function mapBatches(file: string, input: { ingestionId: string; model: ModelName }): MapBatch[] {
    const rows = parse(readFileSync(file), { columns: true, bom: false }) as Record<string, string>[];
    const batches: MapBatch[] = [];
    for (let i = 0; i < rows.length; i += MAP_ITEMS_PER_BATCH) {
      batches.push({ BatchInput: input, Items: rows.slice(i, i + MAP_ITEMS_PER_BATCH).map((row, n) => ({ index: i + n, row })) });
    }
    return batches;
  }

  it('imports every row through the Map steps and ends COMPLETED in processed/, the same counts as the file', async () => {
    // GIVEN a threshold that makes the medium sample "big"
    const file = sample('customers_medium.csv');
    const up = upload('uploads/big/customers_medium.csv', file);
    const started = await processUpload(deps(1000), up);
    expect(started).toMatchObject({ route: 'stateMachine', outcome: 'STARTED' });
    const job = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as Job;

    // WHEN the Map runs each batch (one batch twice, as a Step Functions retry would) and then finish
    const batches = mapBatches(file, job);
    const results = [];
    for (const b of batches) results.push(await importBatch({ s3: new S3Client({}), client }, b));
    await importBatch({ s3: new S3Client({}), client }, batches[0]!);
    const done = await finish({ s3: new S3Client({}), client }, job, new Date().toISOString());

    // THEN the server's counts cover every row exactly once despite the replayed batch
    const rows = batches.reduce((n, b) => n + b.Items.length, 0);
    const { getIngestion } = await client.request(GetIngestionDocument, { id: job.ingestionId });
    expect(getIngestion).toMatchObject({ status: 'COMPLETED', source: 'S3' });
    expect(getIngestion!.created + getIngestion!.duplicates + getIngestion!.invalid + getIngestion!.alreadyImported).toBe(rows);
    expect(getIngestion!.created).toBe(results.reduce((n, r) => n + r.created, 0));
    // and the file moved to processed/
    expect(done.movedTo).toBe('processed/big/customers_medium.csv');
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: 'uploads/big/customers_medium.csv' });
  });

  it('fails the ingestion (an IAM-only mutation) and moves the file to failed/ when the Map fails', async () => {
    const file = sample('customers_small.csv');
    await processUpload(deps(10), upload('uploads/big/customers_small.csv', file));
    const job = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as Job;
    // WHEN the Map reports an error
    await fail({ s3: new S3Client({}), client }, job, { Error: 'States.Timeout', Cause: 'the map ran out of time' });
    // THEN the ingestion is FAILED with that reason and the file is in failed/
    const { getIngestion } = await client.request(GetIngestionDocument, { id: job.ingestionId });
    expect(getIngestion).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('the map ran out of time') });
    expect(putBody('failed/big/customers_small.csv.reason.txt')).toContain('States.Timeout');
  });
});
