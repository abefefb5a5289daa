/**
 * The big-file state machine's last step reads the Distributed Map's failure record (ResultWriter
 * manifest + FAILED result files, S3 mocked with aws-sdk-client-mock) and reports failed batches
 * instead of finishing COMPLETED.
 */
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { finish, type Job } from '../../../functions/csv-import/importer';
import { readMapFailures } from '../../../functions/csv-import/mapFailures';
import { fakeClient, putBody } from '../csv-processor/fakes';

const s3Mock = mockClient(S3Client);
const body = (value: unknown) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(value))])) });

// What Step Functions writes (input-output-resultwriter.html): a manifest naming the result files.
const manifest = { DestinationBucket: 'b', MapRunArn: 'arn:map-run', ResultFiles: { FAILED: [{ Key: 'map-results/run/FAILED_0.json', Size: 1 }], PENDING: [], SUCCEEDED: [{ Key: 'map-results/run/SUCCEEDED_0.json', Size: 1 }] } };
const failedChild = (firstIndex: number, rows: number) => ({
  Input: JSON.stringify({ BatchInput: { ingestionId: 'ing-big', model: 'CUSTOMER' }, Items: Array.from({ length: rows }, (_, i) => ({ index: firstIndex + i, row: { Email: `secret${i}@example.com` } })) }),
  Error: 'RowsLeftUnsentError',
  Cause: 'rows lost 4 races with concurrent writers',
  Status: 'FAILED',
});

const job: Job = { bucket: 'b', key: 'uploads/big.csv', fileName: 'big.csv', ingestionId: 'ing-big', model: 'CUSTOMER', mapResult: { ResultWriterDetails: { Bucket: 'b', Key: 'map-results/run/manifest.json' } } };

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(GetObjectCommand, { Key: 'map-results/run/manifest.json' }).callsFake(() => body(manifest));
  s3Mock.on(GetObjectCommand, { Key: 'map-results/run/FAILED_0.json' }).callsFake(() => body([failedChild(0, 490), failedChild(980, 10)]));
  s3Mock.on(PutObjectCommand).resolves({});
  s3Mock.on(CopyObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
});

describe('the Distributed Map failure record', () => {
  it('lists each failed batch by its rows (data rows start at file row 2), error and cause', async () => {
    const failed = await readMapFailures(new S3Client({}), job.mapResult);
    expect(failed).toEqual([
      { firstRow: 2, lastRow: 491, rows: 490, error: 'RowsLeftUnsentError', cause: 'rows lost 4 races with concurrent writers' },
      { firstRow: 982, lastRow: 991, rows: 10, error: 'RowsLeftUnsentError', cause: 'rows lost 4 races with concurrent writers' },
    ]);
    // only the manifest and the FAILED file were read, never the SUCCEEDED results
    expect(s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['map-results/run/manifest.json', 'map-results/run/FAILED_0.json']);
  });

  it('makes the last step close the ingestion FAILED, write the record without cell values and move the file to failed/', async () => {
    const client = fakeClient({
      FinishIngestion: () => ({ finishIngestion: { status: 'FAILED' } }),
      ListIngestionRowErrors: () => ({ listIngestionRowErrors: { items: [], nextToken: null } }),
    });
    const result = await finish({ s3: new S3Client({}), client }, job);
    // FAILED, with a reason naming the failed rows and the record
    const input = (client.calls[0]!.variables as { input: { status: string; failureReason: string } }).input;
    expect(input.status).toBe('FAILED');
    expect(input.failureReason).toContain('2 batches of the big-file import failed after their retries (500 rows: rows 2–491, rows 982–991)');
    expect(input.failureReason).toContain('failed/big.csv.map-failures.json');
    // the record is in failed/, and holds row numbers, not the rows' cells
    const record = putBody(s3Mock.commandCalls(PutObjectCommand), 'failed/big.csv.map-failures.json');
    expect(JSON.parse(record)).toMatchObject({ ingestionId: 'ing-big', failedBatches: [{ firstRow: 2 }, { firstRow: 982 }] });
    expect(record).not.toContain('secret');
    // the file went to failed/, not processed/
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'failed/big.csv' });
    expect(result).toMatchObject({ movedTo: 'failed/big.csv', failureRecordKey: 'failed/big.csv.map-failures.json', status: 'FAILED' });
  });

  it('reads nothing and finishes COMPLETED when the map wrote no results (no ResultWriter details)', async () => {
    expect(await readMapFailures(new S3Client({}), {})).toEqual([]);
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
