/**
 * The big-file state machine's Lambda steps, with S3 mocked and a fake GraphQL client: what one
 * Distributed Map batch turns into, and the finish/fail steps.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_ROW_RETRIES, RETRY_STRIDE } from '../../../clients/ingest';
import { RowsLeftUnsentError, fail, finish, importBatch, type MapBatch } from '../../../functions/csv-import/importer';
import { fakeClient, type Handlers } from '../csv-processor/fakes';

const s3Mock = mockClient(S3Client);
beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(CopyObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
});

const progress = (outcomes: { rowNumber: number; status: string }[]) => ({
  ingestionId: 'ing-big',
  stage: 'IMPORTING',
  status: 'RUNNING',
  batchNumber: 1,
  replayed: false,
  rowCount: null,
  created: 0,
  duplicates: 0,
  invalid: 0,
  alreadyImported: 0,
  processed: 0,
  batches: 1,
  outcomes: outcomes.map((o) => ({ ...o, id: null, errors: null, conflict: null })),
  durationMs: null,
  rowsPerSecond: null,
  failureReason: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** Items as the Map delivers them: CSV rows keyed by the header (the first one with a BOM), with their index. */
function batchOf(rows: Record<string, string>[], firstIndex = 0): MapBatch {
  return { BatchInput: { ingestionId: 'ing-big', model: 'CUSTOMER' }, Items: rows.map((row, i) => ({ index: firstIndex + i, row })) };
}

const customer = (n: number, email = `c${n}@example.com`) => ({ '\uFEFFEmail': email, 'Full Name': `Customer ${n}`, Country: 'DE' });

describe('importBatch', () => {
  it('maps the rows with the engine, numbers them as the file does and sends batches of at most 49', async () => {
    // GIVEN 60 valid rows that start at item index 100 (file row 102)
    const rows = Array.from({ length: 60 }, (_, i) => customer(i));
    const handlers: Handlers = {
      ImportCustomers: (v) => {
        const input = v.input as { rows: { rowNumber: number }[] };
        return { importCustomers: progress(input.rows.map((r) => ({ rowNumber: r.rowNumber, status: 'CREATED' }))) };
      },
    };
    const client = fakeClient(handlers);
    // WHEN imported
    const result = await importBatch({ s3: new S3Client({}), client }, batchOf(rows, 100));
    // THEN two mutations: 49 rows then 11, batch numbers = first row numbers (unique, stable on retry)
    const sent = client.calls.map((c) => c.variables.input as { batchNumber: number; rows: Record<string, unknown>[] });
    expect(sent.map((s) => [s.batchNumber, s.rows.length])).toEqual([
      [102, 49],
      [151, 11],
    ]);
    // the BOM and header names are mapped to model fields, the index to the spreadsheet row number
    expect(sent[0]!.rows[0]).toEqual({ rowNumber: 102, email: 'c0@example.com', name: 'Customer 0', country: 'DE' });
    expect(result).toMatchObject({ rows: 60, created: 60, recordedRejected: 0 });
  });

  it('imports any model: invoices go through importInvoices in batches of the model\'s batchRows (24)', async () => {
    // GIVEN 30 invoice rows as the Map hands them (header-keyed), starting at file row 2
    const rows = Array.from({ length: 30 }, (_, i) => ({ 'Invoice number': `INV-${i}`, 'Customer email': `c${i}@example.com`, Amount: '10.00', Currency: 'eur', 'Issue date': '2024-01-01', 'Due date': '2024-01-31' }));
    const client = fakeClient({
      ImportInvoices: (v) => {
        const input = v.input as { rows: { rowNumber: number }[] };
        return { importInvoices: progress(input.rows.map((r) => ({ rowNumber: r.rowNumber, status: r.rowNumber === 5 ? 'DUPLICATE' : 'CREATED' }))) };
      },
    });
    const result = await importBatch({ s3: new S3Client({}), client }, { BatchInput: { ingestionId: 'ing-big', model: 'INVOICE' }, Items: rows.map((row, i) => ({ index: i, row })) });
    const sent = client.calls.map((c) => [c.operation, (c.variables.input as { batchNumber: number }).batchNumber, (c.variables.input as { rows: unknown[] }).rows.length]);
    expect(sent).toEqual([
      ['ImportInvoices', 2, 24],
      ['ImportInvoices', 26, 6],
    ]);
    expect((client.calls[0]!.variables.input as { rows: Record<string, unknown>[] }).rows[0]).toEqual({
      rowNumber: 2,
      invoiceNumber: 'INV-0',
      customerEmail: 'c0@example.com',
      amount: '10.00',
      currency: 'eur',
      issueDate: '2024-01-01',
      dueDate: '2024-01-31',
    });
    expect(result).toMatchObject({ rows: 30, created: 29, duplicates: 1, recordedRejected: 0 });
  });

  it('fails the Map batch when rows keep losing races (Step Functions retries it)', async () => {
    const client = fakeClient({ ImportCustomers: (v) => ({ importCustomers: progress((v.input as { rows: { rowNumber: number }[] }).rows.map((r) => ({ rowNumber: r.rowNumber, status: 'RETRY' }))) }) });
    const error = await importBatch({ s3: new S3Client({}), client, sleep: async () => undefined }, batchOf([customer(1)])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RowsLeftUnsentError);
    expect((error as Error).message).toBe(`rows 2 lost ${MAX_ROW_RETRIES + 1} races with concurrent writers`);
    // the first try and MAX_ROW_RETRIES re-sends, each under its own number
    expect(client.calls.map((c) => (c.variables.input as { batchNumber: number }).batchNumber)).toEqual(Array.from({ length: MAX_ROW_RETRIES + 1 }, (_, a) => a * RETRY_STRIDE + 2));
  });

  it('records rows the rules reject with their raw cells instead of importing them', async () => {
    const client = fakeClient({
      ImportCustomers: () => ({ importCustomers: progress([{ rowNumber: 2, status: 'CREATED' }]) }),
      RecordRejectedRows: () => ({ recordRejectedRows: progress([]) }),
    });
    // GIVEN one valid row and one without an email
    await importBatch({ s3: new S3Client({}), client }, batchOf([customer(1), { '\uFEFFEmail': '', 'Full Name': 'No Mail', Country: 'DE' }]));
    const rejected = client.calls.find((c) => c.operation === 'RecordRejectedRows')!.variables.input as { batchNumber: number; rows: { rowNumber: number; raw: string; errors: { field: string }[] }[] };
    // THEN the invalid row (file row 3) is recorded with the email error and its raw cells
    expect(rejected.rows).toHaveLength(1);
    expect(rejected.rows[0]!.rowNumber).toBe(3);
    expect(rejected.rows[0]!.errors.map((e) => e.field)).toContain('email');
    expect(JSON.parse(rejected.rows[0]!.raw)).toEqual({ Email: '', 'Full Name': 'No Mail', Country: 'DE' });
    // and only the valid row was imported
    const imported = client.calls.find((c) => c.operation === 'ImportCustomers')!.variables.input as { rows: unknown[] };
    expect(imported.rows).toHaveLength(1);
  });

  it('sends rows that lost a race again under a new batch number', async () => {
    let call = 0;
    const client = fakeClient({
      ImportCustomers: (v) => {
        const input = v.input as { rows: { rowNumber: number }[] };
        call++;
        // the first attempt answers RETRY for row 3
        return { importCustomers: progress(input.rows.map((r) => ({ rowNumber: r.rowNumber, status: call === 1 && r.rowNumber === 3 ? 'RETRY' : 'DUPLICATE' }))) };
      },
    });
    const result = await importBatch({ s3: new S3Client({}), client }, batchOf([customer(1), customer(2)]));
    const sent = client.calls.map((c) => c.variables.input as { batchNumber: number; rows: { rowNumber: number }[] });
    // THEN the second send carries only row 3, numbered RETRY_STRIDE + the first batch number
    expect(sent.map((s) => [s.batchNumber, s.rows.map((r) => r.rowNumber)])).toEqual([
      [2, [2, 3]],
      [RETRY_STRIDE + 2, [3]],
    ]);
    // and every row is accounted for once
    expect(result).toMatchObject({ rows: 2, duplicates: 2, created: 0 });
  });

  it('marks the rows the processor found ragged invalid and skips blank lines', async () => {
    const client = fakeClient({
      ImportCustomers: (v) => ({ importCustomers: progress((v.input as { rows: { rowNumber: number }[] }).rows.map((r) => ({ rowNumber: r.rowNumber, status: 'CREATED' }))) }),
      RecordRejectedRows: () => ({ recordRejectedRows: progress([]) }),
    });
    // GIVEN items 0..2 where item 1 (row 3) was ragged in the file and item 2 is a blank line
    const batch = batchOf([customer(1), customer(2), { '\uFEFFEmail': '', 'Full Name': '', Country: '' }]);
    batch.BatchInput.raggedRows = [3];
    const result = await importBatch({ s3: new S3Client({}), client }, batch);
    const rejected = client.calls.find((c) => c.operation === 'RecordRejectedRows')!.variables.input as { rows: { rowNumber: number; errors: { code: string }[] }[] };
    // THEN row 3 is recorded with COLUMN_COUNT although Step Functions handed it over looking whole
    expect(rejected.rows.map((r) => [r.rowNumber, r.errors[0]!.code])).toEqual([[3, 'COLUMN_COUNT']]);
    // the blank line is not a row: only row 2 was imported, and 2 rows are counted
    const imported = client.calls.find((c) => c.operation === 'ImportCustomers')!.variables.input as { rows: { rowNumber: number }[] };
    expect(imported.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(result.rows).toBe(2);
  });
});

describe('finish and fail', () => {
  const job = { bucket: 'b', key: 'uploads/big.csv', fileName: 'big.csv', ingestionId: 'ing-big', model: 'CUSTOMER' as const };

  it('finishes the ingestion with its duration, writes the report and moves the file to processed/', async () => {
    const client = fakeClient({
      FinishIngestion: () => ({ finishIngestion: { ...progress([]), status: 'COMPLETED' } }),
      ListIngestionRowErrors: () => ({
        listIngestionRowErrors: { items: [{ ingestionId: 'ing-big', rowNumber: 9, status: 'INVALID', raw: null, errors: [{ field: 'email', code: 'REQUIRED', message: 'is required' }], conflict: null }], nextToken: null },
      }),
    });
    // WHEN the map is done, 90 s after the execution started
    const result = await finish({ s3: new S3Client({}), client, now: () => Date.parse('2026-01-01T00:01:30.000Z') }, job, '2026-01-01T00:00:00.000Z');
    // THEN finishIngestion COMPLETED with the measured duration
    expect(client.calls[0]).toEqual({ operation: 'FinishIngestion', variables: { input: { ingestionId: 'ing-big', status: 'COMPLETED', durationMs: 90_000 } } });
    // the report and the file are in processed/
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'processed/big.csv.errors.csv' });
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'processed/big.csv', CopySource: 'b/uploads/big.csv' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: 'uploads/big.csv' });
    expect(result).toEqual({ movedTo: 'processed/big.csv', reportKey: 'processed/big.csv.errors.csv', status: 'COMPLETED' });
  });

  it('moves an object over 5 GB with a multipart copy (CopyObject stops at 5 GB)', async () => {
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3Mock.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => ({ CopyPartResult: { ETag: `"etag-${input.PartNumber}"` } }));
    s3Mock.on(CompleteMultipartUploadCommand).resolves({});
    const client = fakeClient({ FailIngestion: () => ({ failIngestion: { ...progress([]), status: 'FAILED' } }) });
    // GIVEN a 6 GiB object WHEN it is moved to failed/
    const size = 6 * 1024 ** 3;
    await fail({ s3: new S3Client({}), client }, { ...job, size }, { Error: 'X' });
    // THEN 12 parts of 512 MiB cover every byte, the last ending at size - 1, and no single CopyObject is tried
    const ranges = s3Mock.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input.CopySourceRange);
    expect(ranges).toHaveLength(12);
    expect(ranges[0]).toBe(`bytes=0-${512 * 1024 ** 2 - 1}`);
    expect(ranges[11]).toBe(`bytes=${11 * 512 * 1024 ** 2}-${size - 1}`);
    expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3Mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, { UploadId: 'up-1', MultipartUpload: { Parts: expect.arrayContaining([{ ETag: '"etag-12"', PartNumber: 12 }]) } });
    // and the upload is deleted only after the copy completed
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: 'uploads/big.csv' });
  });

  it('fails the ingestion with the Map error and moves the file to failed/ with the reason', async () => {
    const client = fakeClient({ FailIngestion: () => ({ failIngestion: { ...progress([]), status: 'FAILED' } }) });
    // WHEN a batch failed for good
    await fail({ s3: new S3Client({}), client }, job, { Error: 'RowsLeftUnsentError', Cause: 'rows 5, 6 lost 9 races' });
    // THEN the server and the reason file both say why
    expect(client.calls[0]).toEqual({ operation: 'FailIngestion', variables: { ingestionId: 'ing-big', reason: 'RowsLeftUnsentError: rows 5, 6 lost 9 races' } });
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'failed/big.csv.reason.txt' });
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'failed/big.csv' });
  });
});
