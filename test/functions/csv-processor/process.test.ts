/**
 * The processor's rules for one upload, with S3 and Step Functions mocked (aws-sdk-client-mock)
 * and S3 bodies streamed from the sample files.
 *
 * GraphQL side: the real engine (clients/ingest, through ./defaultEngine) wherever it decides the
 * outcome on its own — malformed files, duplicate files, the big-file plan — against a fake client
 * answering by operation name; and a fake engine at the processor's seam (./engine) where the test
 * is about what the processor does with an engine result (moves, report).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { EndpointUnreachableError } from '../../../clients/api/client';
import { ingestEngine } from '../../../functions/csv-processor/defaultEngine';
import type { EngineRunResult, IngestionEngine } from '../../../functions/csv-processor/engine';
import { processUpload, processUploadOnce, type ProcessorDeps } from '../../../functions/csv-processor/process';
import { bytesOf, fakeClient, ingestion, objectFrom, putBody as putBodyOf, sample, type Handlers } from './fakes';

const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);
const BUCKET = 'foreman-ingest';
const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:LargeFileImport';

beforeEach(() => {
  s3Mock.reset();
  sfnMock.reset();
  s3Mock.on(CopyObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE.replace('stateMachine', 'execution')}:ingestion-ing-big` });
});

/** S3 serves `file` at `key` (a fresh stream per GetObject, as S3 does). */
function serve(key: string, file: string) {
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).callsFake(() => objectFrom(file));
}

function deps(engine: IngestionEngine, handlers: Handlers, largeFileBytes = 50 * 1024 * 1024): ProcessorDeps & { client: ReturnType<typeof fakeClient> } {
  return { s3: new S3Client({}), sfn: new SFNClient({}), client: fakeClient(handlers), engine, stateMachineArn: STATE_MACHINE, largeFileBytes };
}

/** The body of the PutObject to `key`, as text. */
function putBody(key: string): string {
  return putBodyOf(s3Mock.commandCalls(PutObjectCommand), key);
}

/** An engine at the seam that reads the whole object (proving it streams from S3) and answers `result`. */
function engineAnswering(result: Partial<EngineRunResult>, seen: { bytes?: Buffer } = {}): IngestionEngine {
  return {
    async run({ source }) {
      const chunks: Buffer[] = [];
      for await (const c of source()) chunks.push(Buffer.from(c));
      seen.bytes = Buffer.concat(chunks);
      return { outcome: 'STARTED', ingestionId: 'ing-9', sha256: 'abc', model: 'CUSTOMER', status: 'COMPLETED', rows: 20, created: 20, duplicates: 0, invalid: 0, alreadyImported: 0, ...result };
    },
    scan: ingestEngine.scan,
  };
}

const noRowErrors: Handlers = { ListIngestionRowErrors: () => ({ listIngestionRowErrors: { items: [], nextToken: null } }) };

describe('a file one Lambda can finish', () => {
  it('streams the object to the engine and moves it to processed/ when every row went in', async () => {
    // GIVEN a valid customers file uploaded under uploads/2026/
    const key = 'uploads/2026/customers_valid.csv';
    serve(key, sample('customers_valid.csv'));
    const seen: { bytes?: Buffer } = {};
    // WHEN processed
    const result = await processUpload(deps(engineAnswering({}, seen), noRowErrors), { bucket: BUCKET, key, size: 1000 });
    // THEN the engine read exactly the object's bytes
    expect(seen.bytes!.equals(bytesOf(sample('customers_valid.csv')))).toBe(true);
    // the object is copied to processed/ with the same relative path and the upload deleted
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: BUCKET, Key: 'processed/2026/customers_valid.csv', CopySource: `${BUCKET}/${key}` });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: key });
    // no report: nothing was rejected
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    // and the engine's counts come back for the metrics
    expect(result).toEqual({
      route: 'lambda',
      outcome: 'PROCESSED',
      ingestionId: 'ing-9',
      movedTo: 'processed/2026/customers_valid.csv',
      reportKey: undefined,
      counts: { created: 20, duplicates: 0, invalid: 0 },
    });
  });

  it('writes the row-error report next to the processed file, with formula-looking cells neutralised', async () => {
    const key = 'uploads/customers_with_duplicates.csv';
    serve(key, sample('customers_with_duplicates.csv'));
    // GIVEN the server recorded an invalid row (two pages) and a duplicate row
    const pages: Handlers = {
      ListIngestionRowErrors: (v) =>
        v.nextToken === null || v.nextToken === undefined
          ? {
              listIngestionRowErrors: {
                items: [
                  {
                    ingestionId: 'ing-9',
                    rowNumber: 7,
                    status: 'DUPLICATE',
                    raw: JSON.stringify({ Email: 'ana@x.example', 'Full Name': 'Ana' }),
                    errors: null,
                    conflict: { field: 'email', value: 'ana@x.example', existingId: 'cust-1', ingestionId: 'ing-9', rowNumber: 3 },
                  },
                ],
                nextToken: 'page2',
              },
            }
          : {
              listIngestionRowErrors: {
                items: [
                  {
                    ingestionId: 'ing-9',
                    rowNumber: 4,
                    status: 'INVALID',
                    raw: JSON.stringify({ Email: 'not-an-email', 'Full Name': '=HYPERLINK("http://evil.example","x")' }),
                    errors: [{ field: 'email', code: 'FORMAT', message: 'is not an email address' }],
                    conflict: null,
                  },
                ],
                nextToken: null,
              },
            },
    };
    // WHEN processed
    const result = await processUpload(deps(engineAnswering({ created: 12, duplicates: 1, invalid: 1 }), pages), { bucket: BUCKET, key, size: 900 });
    // THEN the report sits next to the file in processed/
    expect(result).toMatchObject({ outcome: 'PROCESSED', reportKey: 'processed/customers_with_duplicates.csv.errors.csv' });
    const report = putBody('processed/customers_with_duplicates.csv.errors.csv').split('\r\n');
    // header: our columns then the file's, rows in row order across both pages
    expect(report[0]).toBe('row,status,reasons,Email,Full Name');
    expect(report[1]).toBe('4,INVALID,email: is not an email address [FORMAT],not-an-email,"\'=HYPERLINK(""http://evil.example"",""x"")"');
    // the duplicate names the owner and the row that claimed the email
    expect(report[2]).toBe('7,DUPLICATE,email ana@x.example already belongs to cust-1 (row 3 of ingestion ing-9),ana@x.example,Ana');
    // and the file itself moved to processed/
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'processed/customers_with_duplicates.csv' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: key });
  });

  it('records a duplicate file next to it in processed/ and does not import it again (real engine)', async () => {
    // GIVEN bytes the server has seen before under another name
    const key = 'uploads/customers_valid_copy.csv';
    serve(key, sample('customers_valid_copy.csv'));
    const expectedSha = createHash('sha256').update(bytesOf(sample('customers_valid_copy.csv'))).digest('hex');
    const d = deps(ingestEngine, {
      StartIngestion: () => ({ startIngestion: { outcome: 'DUPLICATE', ingestion: ingestion({ id: 'ing-first', fileName: 'customers_valid.csv' }) } }),
    });
    // WHEN processed
    const result = await processUpload(d, { bucket: BUCKET, key, size: 2000 });
    // THEN the engine claimed the file by its SHA-256, as an S3 ingestion
    expect(d.client.calls[0]).toMatchObject({ operation: 'StartIngestion', variables: { input: { sha256: expectedSha, source: 'S3', model: 'CUSTOMER' } } });
    // and sent nothing else: no import, no finish
    expect(d.client.calls.map((c) => c.operation)).toEqual(['StartIngestion']);
    // the duplicate answer points at the first ingestion
    const answer = JSON.parse(putBody('processed/customers_valid_copy.csv.duplicate.json')) as Record<string, unknown>;
    expect(answer).toMatchObject({ outcome: 'DUPLICATE', sha256: expectedSha, firstIngestion: { id: 'ing-first' } });
    // the file went to processed/, not failed/
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'processed/customers_valid_copy.csv' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: key });
    expect(result).toMatchObject({ route: 'lambda', outcome: 'DUPLICATE', ingestionId: 'ing-first' });
  });

  it('ingests a file of any model the schema declares: invoices, detected from the headers (real engine)', async () => {
    // GIVEN samples/invoices_invalid.csv: rows 2 and 12 valid, rows 3–11 one fault each (samples/README.md)
    const key = 'uploads/invoices_invalid.csv';
    serve(key, sample('invoices_invalid.csv'));
    const answer = (extra: Record<string, unknown>) => ({ ...ingestion({ id: 'ing-inv', model: 'INVOICE', status: 'RUNNING' }), ingestionId: 'ing-inv', stage: 'IMPORTING', batchNumber: 1, replayed: false, owner: null, outcomes: null, ...extra });
    const d = deps(ingestEngine, {
      StartIngestion: () => ({ startIngestion: { outcome: 'STARTED', ingestion: ingestion({ id: 'ing-inv', model: 'INVOICE', status: 'RUNNING' }) } }),
      ImportInvoices: (v) => {
        const rows = (v.input as { rows: { rowNumber: number }[] }).rows;
        return { importInvoices: answer({ outcomes: rows.map((r) => ({ rowNumber: r.rowNumber, status: 'CREATED', id: `inv-${r.rowNumber}`, errors: null, conflict: null })) }) };
      },
      RecordRejectedRows: () => ({ recordRejectedRows: answer({ stage: 'REJECTED_ROWS' }) }),
      // The server's counters when it closes the ingestion: what the engine reports (docs/ingestion.md, "Resuming").
      FinishIngestion: () => ({ finishIngestion: answer({ stage: 'FINISHED', status: 'COMPLETED', rowCount: 11, created: 2, duplicates: 0, invalid: 9, processed: 11, batches: 2 }) }),
      ...noRowErrors,
    });
    // WHEN processed
    const result = await processUpload(d, { bucket: BUCKET, key, size: 2000 });
    // THEN the ingestion is an INVOICE one, the two valid rows went through importInvoices
    expect(d.client.calls[0]).toMatchObject({ operation: 'StartIngestion', variables: { input: { model: 'INVOICE', source: 'S3', rowCount: 11 } } });
    const imported = d.client.calls.filter((c) => c.operation === 'ImportInvoices').flatMap((c) => (c.variables.input as { rows: { rowNumber: number; currency: string }[] }).rows);
    expect(imported.map((r) => [r.rowNumber, r.currency])).toEqual([
      [2, 'CAD'],
      [12, 'gbp'],
    ]);
    // and the engine recorded the nine faulty rows with the codes the table in samples/README.md gives
    const rejected = d.client.calls
      .filter((c) => c.operation === 'RecordRejectedRows')
      .flatMap((c) => (c.variables.input as { rows: { rowNumber: number; errors: { field: string; code: string }[] }[] }).rows)
      .map((r) => [r.rowNumber, r.errors.map((e) => `${e.field}:${e.code}`).join(' ')]);
    expect(rejected).toEqual([
      [3, 'issueDate:FORMAT'],
      [4, 'dueDate:FORMAT'],
      [5, 'dueDate:RANGE'],
      [6, 'amount:RANGE'],
      [7, 'currency:ENUM'],
      [8, 'invoiceNumber:REQUIRED'],
      [9, 'invoiceNumber:FORMAT'],
      [10, 'customerEmail:REQUIRED'],
      [11, 'amount:FORMAT'],
    ]);
    expect(result).toMatchObject({ route: 'lambda', outcome: 'PROCESSED', ingestionId: 'ing-inv', movedTo: 'processed/invoices_invalid.csv', counts: { created: 2, duplicates: 0, invalid: 9 } });
  });

  it('moves a malformed file to failed/ with a readable reason, having written nothing (real engine)', async () => {
    // GIVEN a file whose quote never closes
    const key = 'uploads/bad/unterminated_quote.csv';
    serve(key, sample('bad/unterminated_quote.csv'));
    const d = deps(ingestEngine, {});
    // WHEN processed
    const result = await processUpload(d, { bucket: BUCKET, key, size: 200 });
    // THEN no GraphQL call was made at all (the engine refuses the file before starting)
    expect(d.client.calls).toEqual([]);
    // the reason names the file and says what is wrong
    const reason = putBody('failed/bad/unterminated_quote.csv.reason.txt');
    expect(reason).toContain('bad/unterminated_quote.csv could not be ingested');
    expect(reason).toMatch(/never closed/);
    // and the file moved to failed/
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'failed/bad/unterminated_quote.csv' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: key });
    expect(result).toMatchObject({ outcome: 'FAILED', reasonKey: 'failed/bad/unterminated_quote.csv.reason.txt' });
  });

  it('moves an empty file to failed/ saying it is empty (real engine)', async () => {
    const key = 'uploads/empty.csv';
    serve(key, sample('bad/empty.csv'));
    // WHEN an empty upload is processed THEN the reason says so
    await processUpload(deps(ingestEngine, {}), { bucket: BUCKET, key, size: 0 });
    expect(putBody('failed/empty.csv.reason.txt')).toMatch(/empty/);
  });

  it('moves a file whose ingestion ended FAILED to failed/ with the server reason and its report', async () => {
    const key = 'uploads/customers_small.csv';
    serve(key, sample('customers_small.csv'));
    const errors: Handlers = {
      ListIngestionRowErrors: () => ({
        listIngestionRowErrors: {
          items: [{ ingestionId: 'ing-9', rowNumber: 3, status: 'INVALID', raw: null, errors: [{ field: 'name', code: 'REQUIRED', message: 'is required' }], conflict: null }],
          nextToken: null,
        },
      }),
    };
    // GIVEN the engine gave up sending (the endpoint kept refusing)
    await processUpload(deps(engineAnswering({ status: 'FAILED', failureReason: 'the API kept answering 503' }), errors), { bucket: BUCKET, key, size: 10 });
    // THEN the reason carries the failure, the report what was rejected so far
    expect(putBody('failed/customers_small.csv.reason.txt')).toContain('the API kept answering 503');
    expect(putBody('failed/customers_small.csv.errors.csv')).toContain('3,INVALID,name: is required [REQUIRED]');
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'failed/customers_small.csv' });
  });

  it('leaves the upload in place and throws when the failure is worth retrying', async () => {
    const key = 'uploads/customers_small.csv';
    serve(key, sample('customers_small.csv'));
    const engine: IngestionEngine = {
      run: () => Promise.reject(new EndpointUnreachableError('https://x/graphql', new Error('ECONNRESET'))),
      scan: ingestEngine.scan,
    };
    // WHEN the endpoint cannot be reached THEN the Lambda invocation fails (S3 retries it)
    await expect(processUpload(deps(engine, {}), { bucket: BUCKET, key, size: 10 })).rejects.toThrow(EndpointUnreachableError);
    // and the upload was neither moved nor deleted
    expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
  });
});

describe('a file too big for one Lambda run', () => {
  it('claims the file by the SHA-256 of all its bytes and starts the Distributed Map, leaving the object for it', async () => {
    // GIVEN a threshold below the sample's size, so the sample counts as big
    const key = 'uploads/customers_large.csv';
    serve(key, sample('customers_large.csv'));
    const size = bytesOf(sample('customers_large.csv')).length;
    const expectedSha = createHash('sha256').update(bytesOf(sample('customers_large.csv'))).digest('hex');
    // the sample has no quotes and no blank lines: its data rows are its non-empty lines but the header
    const expectedRows = bytesOf(sample('customers_large.csv')).toString('utf8').split('\n').filter((l) => l.trim()).length - 1;
    const d = deps(ingestEngine, { StartIngestion: () => ({ startIngestion: { outcome: 'STARTED', ingestion: ingestion({ id: 'ing-big', status: 'RUNNING' }) } }) }, 1024);
    // WHEN processed
    const result = await processUpload(d, { bucket: BUCKET, key, size });
    // THEN the ingestion was started with the whole file's hash, its row count and the detected model
    expect(d.client.calls).toEqual([
      { operation: 'StartIngestion', variables: { input: { fileName: 'customers_large.csv', sha256: expectedSha, model: 'CUSTOMER', source: 'S3', rowCount: expectedRows } } },
    ]);
    // the state machine got the object's location, the ingestion and the model
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, name: 'ingestion-ing-big' });
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as Record<string, unknown>;
    expect(input).toEqual({ bucket: BUCKET, key, size, fileName: 'customers_large.csv', ingestionId: 'ing-big', model: 'CUSTOMER', raggedRows: [] });
    // the object stays in uploads/ for the Map to read
    expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
    expect(result).toMatchObject({ route: 'stateMachine', outcome: 'STARTED', ingestionId: 'ing-big' });
  });

  it('hands a big file of invoices to the Map with the INVOICE model', async () => {
    const key = 'uploads/invoices_valid.csv';
    serve(key, sample('invoices_valid.csv'));
    const size = bytesOf(sample('invoices_valid.csv')).length;
    const d = deps(ingestEngine, { StartIngestion: () => ({ startIngestion: { outcome: 'STARTED', ingestion: ingestion({ id: 'ing-big', model: 'INVOICE', status: 'RUNNING' }) } }) }, 100);
    await processUpload(d, { bucket: BUCKET, key, size });
    expect(d.client.calls[0]).toMatchObject({ operation: 'StartIngestion', variables: { input: { model: 'INVOICE', rowCount: 20 } } });
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as Record<string, unknown>;
    expect(input).toMatchObject({ ingestionId: 'ing-big', model: 'INVOICE' });
  });

  it('answers a big duplicate in processed/ without starting the state machine', async () => {
    const key = 'uploads/again.csv';
    serve(key, sample('customers_large.csv'));
    const d = deps(ingestEngine, { StartIngestion: () => ({ startIngestion: { outcome: 'DUPLICATE', ingestion: ingestion({ id: 'ing-big' }) } }) }, 1024);
    // WHEN the same big file arrives again
    await processUpload(d, { bucket: BUCKET, key, size: 5000 });
    // THEN no execution, and the duplicate answer sits next to the file in processed/
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(JSON.parse(putBody('processed/again.csv.duplicate.json'))).toMatchObject({ firstIngestion: { id: 'ing-big' } });
    expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, { Key: 'processed/again.csv' });
  });

  it('hands the rows whose cell count is off to the Map, which would otherwise pad or cut them silently', async () => {
    // GIVEN a file whose rows 3 and 5 have one cell too few and one too many (a trailing empty cell is fine)
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'foreman-ragged-')), 'ragged.csv');
    writeFileSync(file, 'email,name,country\na@x.example,A,DE\nb@x.example,B\nc@x.example,C,FR,\nd@x.example,D,US,extra\n');
    const key = 'uploads/ragged.csv';
    serve(key, file);
    const d = deps(ingestEngine, { StartIngestion: () => ({ startIngestion: { outcome: 'STARTED', ingestion: ingestion({ id: 'ing-r', status: 'RUNNING' }) } }) }, 1);
    await processUpload(d, { bucket: BUCKET, key, size: 200 });
    // THEN the execution input names rows 3 and 5 (spreadsheet numbering, header = 1)
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as { raggedRows: number[] };
    expect(input.raggedRows).toEqual([3, 5]);
  });

  it('refuses a big file with a backslash, which Step Functions would read as an escape character', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'foreman-backslash-')), 'paths.csv');
    writeFileSync(file, 'email,name,notes\na@x.example,A,C:\\temp\\x\n');
    const key = 'uploads/paths.csv';
    serve(key, file);
    const d = deps(ingestEngine, {}, 1);
    // WHEN processed as a big file THEN nothing is claimed and the reason says why
    await processUpload(d, { bucket: BUCKET, key, size: 100 });
    expect(d.client.calls).toEqual([]);
    expect(putBody('failed/paths.csv.reason.txt')).toMatch(/backslash/);
  });

  it('refuses a big file Step Functions cannot read (semicolons) with a reason saying what to do', async () => {
    const key = 'uploads/semicolon.csv';
    serve(key, sample('bad/semicolon.csv'));
    const d = deps(ingestEngine, {}, 10);
    // WHEN processed as a big file
    await processUpload(d, { bucket: BUCKET, key, size: 10_000 });
    // THEN nothing was claimed or started, and the reason explains the limit
    expect(d.client.calls).toEqual([]);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(putBody('failed/semicolon.csv.reason.txt')).toMatch(/comma-separated UTF-8/);
  });
});

describe('a repeated delivery', () => {
  it('does nothing when the upload is already gone (an earlier delivery moved it)', async () => {
    // GIVEN S3 answers NoSuchKey for the upload
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    // WHEN the event is delivered again
    const result = await processUploadOnce(deps(ingestEngine, {}), { bucket: BUCKET, key: 'uploads/gone.csv', size: 10 });
    // THEN it reports the upload as handled and writes or moves nothing
    expect(result).toEqual({ route: 'none', outcome: 'ALREADY_HANDLED' });
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
  });
});

describe('an object overwritten while it is being read', () => {
  const key = 'uploads/customers_valid.csv';
  const started: Handlers = { StartIngestion: () => ({ startIngestion: { outcome: 'STARTED', ingestion: ingestion({ id: 'ing-pinned', status: 'RUNNING' }) } }) };

  /** S3 serving ETag "e1" / version v1; from GetObject number `overwrittenFrom` on, the key holds other bytes (ETag "e2"). */
  function serveVersions(overwrittenFrom: number, versioned = true) {
    let n = 0;
    s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).callsFake((input: { IfMatch?: string; VersionId?: string }) => {
      n++;
      if (n >= overwrittenFrom) {
        // As S3 answers a conditional GET whose ETag no longer matches (RFC 9110 412).
        if (input.IfMatch && input.IfMatch !== '"e2"') {
          throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' });
        }
        return { ...objectFrom(sample('customers_with_duplicates.csv')), ETag: '"e2"', VersionId: versioned ? 'v2' : undefined };
      }
      return { ...objectFrom(sample('customers_valid.csv')), ETag: '"e1"', VersionId: versioned ? 'v1' : undefined };
    });
  }

  it('reads the same object version on every pass (GetObject IfMatch + VersionId after the first)', async () => {
    serveVersions(Number.POSITIVE_INFINITY);
    const d = deps(ingestEngine, {
      ...started,
      ImportCustomers: (v) => ({
        importCustomers: {
          ...ingestion({ id: 'ing-pinned' }),
          outcomes: ((v.input as { rows: { rowNumber: number }[] }).rows).map((r) => ({ rowNumber: r.rowNumber, status: 'CREATED', id: `c${r.rowNumber}`, errors: null, conflict: null })),
        },
      }),
      FinishIngestion: () => ({ finishIngestion: ingestion({ id: 'ing-pinned' }) }),
      ...noRowErrors,
    });
    const result = await processUpload(d, { bucket: BUCKET, key, size: 2000 });
    expect(result).toMatchObject({ route: 'lambda', outcome: 'PROCESSED' });
    const gets = s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    // inspect, scan, send: three reads, the first unconditional, the others pinned to what it returned
    expect(gets).toHaveLength(3);
    expect(gets[0]).toEqual({ Bucket: BUCKET, Key: key, IfMatch: undefined, VersionId: undefined });
    expect(gets.slice(1)).toEqual([
      { Bucket: BUCKET, Key: key, IfMatch: '"e1"', VersionId: 'v1' },
      { Bucket: BUCKET, Key: key, IfMatch: '"e1"', VersionId: 'v1' },
    ]);
  });

  it('sends nothing of the new bytes and leaves the upload for its own event when the key is overwritten before the send', async () => {
    // An unversioned bucket: the pinned read (IfMatch alone) fails with 412 once the key holds other bytes.
    serveVersions(3, false);
    const d = deps(ingestEngine, started);
    const result = await processUploadOnce(d, { bucket: BUCKET, key, size: 2000 });
    // THEN the send pass asked for the first object by its ETag only
    expect(s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.IfMatch)).toEqual([undefined, '"e1"', '"e1"']);
    // nothing was imported (no ImportCustomers, no FinishIngestion): the start, and the ingestion read for its counts
    expect(d.client.calls.map((c) => c.operation)).toEqual(['StartIngestion', 'GetIngestion']);
    // the object is neither moved nor deleted: the new upload's own event will process it
    expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
    expect(result).toEqual({ route: 'none', outcome: 'SUPERSEDED', ingestionId: 'ing-pinned' });
  });
});
