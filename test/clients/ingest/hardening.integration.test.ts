/**
 * Issue 12's failure modes, reproduced against the real local stack (APPSYNC_JS resolvers over
 * DynamoDB Local): a file swapped between scan and send, very wide rejected rows, mixed line
 * endings, and which row owns a repeated email under concurrency.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument, ListIngestionRowErrorsDocument, RecordRejectedRowsDocument, StartIngestionDocument } from '../../../clients/api/generated';
import { ROW_ERROR_LIMITS } from '../../../resolvers/lib/rules';
import { runCli } from '../cli/run';
import { ingestFile, type IngestOptions, type IngestSummary } from '../../../clients/ingest';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { scanTable, startTestStack, type TestStack, stackClients } from '../../helpers/localStack';
import { generateCustomers } from '../../bench/generate';

let stack: TestStack;
let client: GraphQLClient;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  client = stackClients(stack).api;
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-hardening-'));
});
afterAll(() => stack?.stop());

function ingest(file: string, extra: Partial<IngestOptions> = {}): Promise<IngestSummary> {
  return ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, client, batchSize: 49, concurrency: 4, ...extra });
}

async function customersOf(domain: string): Promise<Record<string, unknown>[]> {
  return (await scanTable(stack, stack.tableNames.Customers)).filter((c) => String(c.email).endsWith(`@${domain}`));
}

describe('the bytes scanned are the bytes sent', () => {
  it('stops when the file is replaced between scan and send, writes nothing of the new file, and resumes with the original', async () => {
    const file = path.join(dir, 'swap.csv');
    const original = path.join(dir, 'swap-original.csv');
    const other = path.join(dir, 'swap-other.csv');
    await generateCustomers(original, 3000, { domain: 'swap-a.example' });
    await generateCustomers(other, 3000, { domain: 'swap-b.example' });
    copyFileSync(original, file);

    // WHEN the file is replaced on disk right after the scan (as `mv other file` would)
    const first = await ingest(file, { verifyBlockBytes: 64 * 1024, onScanned: () => copyFileSync(other, file) });
    // THEN the run stops, nothing is finished and no row of the other file was written
    expect(first.outcome).toBe('FAILED');
    expect(first.failureCode).toBe('FILE_CHANGED');
    expect(first.failure).toContain('changed while it was being ingested: bytes 0–65,535 differ from the bytes that were scanned');
    expect(first.created + first.duplicates + first.invalid).toBe(0);
    expect(first.unsent).toBe(3000);
    expect(await customersOf('swap-b.example')).toHaveLength(0);
    expect(await customersOf('swap-a.example')).toHaveLength(0);
    const open = await client.request(GetIngestionDocument, { id: first.ingestionId! });
    expect(open.getIngestion?.status).toBe('RUNNING');
    expect(open.getIngestion?.sha256).toBe(first.sha256);

    // The original bytes again: the same ingestion resumes and completes.
    copyFileSync(original, file);
    const again = await ingest(file);
    expect(again.ingestionId).toBe(first.ingestionId);
    expect(again.resumed).toBe(true);
    expect(again.outcome).toBe('COMPLETED');
    expect(again.created).toBe(3000);
    expect(await customersOf('swap-a.example')).toHaveLength(3000);
    // The other file is other bytes: a new ingestion of its own.
    const b = await ingest(other);
    expect(b.ingestionId).not.toBe(first.ingestionId);
    expect(b.created).toBe(3000);
  }, 180_000);

  it('sends only the verified blocks when the file changes in the middle of the send', async () => {
    const file = path.join(dir, 'midswap.csv');
    const original = path.join(dir, 'midswap-original.csv');
    await generateCustomers(original, 3000, { domain: 'mid-a.example' });
    copyFileSync(original, file);
    let opens = 0;
    const disk = fileSource(file, 16 * 1024);
    // The send pass (third open) sees the file rewritten after its first 100 KiB: a writer mid-way.
    const source = () => {
      opens++;
      if (opens < 3) return disk();
      return (async function* () {
        let at = 0;
        for await (const chunk of disk()) {
          const bytes = Buffer.from(chunk);
          if (at >= 100 * 1024) bytes.write('X', 0);
          at += bytes.length;
          yield bytes;
        }
      })();
    };
    const s = await ingest(file, { source, verifyBlockBytes: 32 * 1024 });
    expect(s.outcome).toBe('FAILED');
    expect(s.failureCode).toBe('FILE_CHANGED');
    // The first changed byte is at 100 KiB, in block 3 (96–128 KiB).
    expect(s.failure).toContain('bytes 98,304–131,071 differ');
    const stored = await customersOf('mid-a.example');
    expect(stored.length).toBe(s.created);
    expect(s.created).toBeGreaterThan(0);
    // Every stored row lies wholly within the verified first 96 KiB of the file.
    const bytes = readFileSync(original);
    const verifiedRows = bytes.subarray(0, 96 * 1024).toString().split('\n').length - 2; // minus the header and the cut line
    const numbers = stored.map((c) => Number(/customer(\d+)@/.exec(String(c.email))![1]));
    expect(Math.max(...numbers)).toBeLessThan(verifiedRows);
    const server = await client.request(GetIngestionDocument, { id: s.ingestionId! });
    expect(server.getIngestion?.status).toBe('RUNNING');
    expect(server.getIngestion?.created).toBe(s.created);
  }, 120_000);
});

describe('rejected rows of any width', () => {
  it('records a 100,000-column invalid row within the item limit and keeps the whole row in the client report', async () => {
    const file = path.join(dir, 'wide.csv');
    const wide = ['wide1@wide.example', 'Wide One', ...Array.from({ length: 99_998 }, (_, i) => `cell${i}`)];
    const long = 'L'.repeat(50_000);
    writeFileSync(file, `email,name\nok@wide.example,Fine\n${wide.join(',')}\nlong@wide.example,${long}\n`);
    const report = path.join(dir, 'wide-report.csv');
    const r = await runCli(['ingest', file, '--endpoint', stack.graphqlUrl, '--api-key', stack.apiKey, '--json', '--errors-out', report]);
    const s = JSON.parse(r.stdout) as IngestSummary;
    // THEN the run completes (exit 1: rows were rejected) with both bad rows recorded invalid
    expect(r.code).toBe(1);
    expect({ outcome: s.outcome, created: s.created, invalid: s.invalid, unsent: s.unsent }).toEqual({ outcome: 'COMPLETED', created: 1, invalid: 2, unsent: 0 });
    const errors = await client.request(ListIngestionRowErrorsDocument, { ingestionId: s.ingestionId! });
    const [row3, row4] = errors.listIngestionRowErrors.items;
    if (!row3?.errors || !row4?.errors || !row3.raw || !row4.raw) throw new Error('both rows should be stored with errors and raw cells');
    expect(row3.rowNumber).toBe(3);
    expect(row3.errors.map((e) => e.code)).toEqual(['COLUMN_COUNT']);
    const raw3 = JSON.parse(row3.raw as string) as Record<string, string>;
    // Stored cut: about rawChars of JSON, the cells that did not fit counted under "…"
    expect((row3.raw as string).length).toBeLessThanOrEqual(ROW_ERROR_LIMITS.rawChars + 100);
    expect(raw3.email).toBe('wide1@wide.example');
    const more = /^(\d+) more cells not stored \(the client's error report has the whole row\)$/.exec(raw3['…']!);
    expect(more).not.toBeNull();
    expect(Object.keys(raw3).length - 1 + Number(more![1])).toBe(100_000);
    // A 50,000-character cell is stored cut to cellChars with how much was cut.
    expect(row4.errors.map((e) => e.code)).toEqual(['TOO_LONG']);
    expect(JSON.parse(row4.raw as string).name).toBe(`${'L'.repeat(ROW_ERROR_LIMITS.cellChars)}… [${50_000 - ROW_ERROR_LIMITS.cellChars} more characters]`);
    // The client's report keeps the whole rows: our 3 columns, then every cell of the file.
    const lines = readFileSync(report, 'utf8').split('\r\n');
    const wideLine = lines.find((l) => l.startsWith('3,INVALID,'))!;
    expect(wideLine.split(',').slice(-100_000)).toEqual(wide);
    expect(lines.find((l) => l.startsWith('4,INVALID,'))!.endsWith(`,${long}`)).toBe(true);
  }, 120_000);

  it('caps what a direct API caller sends: wide raw rows, many errors, long messages', async () => {
    const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'direct.csv', sha256: 'd'.repeat(63) + '1', model: 'CUSTOMER', source: 'API', rowCount: 1 } });
    const raw: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) raw[`c${i}`] = 'v'.repeat(100);
    const errors = Array.from({ length: 40 }, (_, i) => ({ field: 'row', code: `E${i}`, message: 'm'.repeat(5000) }));
    const answer = await client.request(RecordRejectedRowsDocument, { input: { ingestionId: startIngestion.ingestion!.id, batchNumber: 1, rows: [{ rowNumber: 2, errors, raw: JSON.stringify(raw) }] } });
    expect(answer.recordRejectedRows).toMatchObject({ invalid: 1, processed: 1 });
    const stored = (await client.request(ListIngestionRowErrorsDocument, { ingestionId: startIngestion.ingestion!.id })).listIngestionRowErrors.items[0]!;
    if (!stored.errors) throw new Error('the row should be stored with its errors');
    // errors: the first `errors`, messages cut, then one MORE_ERRORS counting the rest
    expect(stored.errors).toHaveLength(ROW_ERROR_LIMITS.errors + 1);
    expect(stored.errors[0]!.message).toBe(`${'m'.repeat(ROW_ERROR_LIMITS.messageChars)}… [${5000 - ROW_ERROR_LIMITS.messageChars} more characters]`);
    expect(stored.errors.at(-1)).toEqual({ field: 'row', code: 'MORE_ERRORS', message: `${40 - ROW_ERROR_LIMITS.errors} more errors in this row were not stored.` });
    expect((stored.raw as string).length).toBeLessThanOrEqual(ROW_ERROR_LIMITS.rawChars + 100);
  }, 60_000);
});

describe('line endings', () => {
  it('ingests a file mixing LF, CR and CRLF row for row (the review saw 3 rows merged into 1 COLUMN_COUNT row)', async () => {
    const file = path.join(dir, 'mixed-endings.csv');
    writeFileSync(file, 'email,name,notes\r\nlf@endings.example,Lf Row,plain\ncr@endings.example,Cr Row,"quoted\r\nthree\nline\rbreaks"\rcrlf@endings.example,Crlf Row,last\r\n');
    const s = await ingest(file);
    expect({ outcome: s.outcome, rows: s.rows, created: s.created, invalid: s.invalid }).toEqual({ outcome: 'COMPLETED', rows: 3, created: 3, invalid: 0 });
    const stored = await customersOf('endings.example');
    expect(stored.map((c) => [c.email, c.name]).sort()).toEqual([
      ['cr@endings.example', 'Cr Row'],
      ['crlf@endings.example', 'Crlf Row'],
      ['lf@endings.example', 'Lf Row'],
    ]);
    expect(stored.find((c) => c.email === 'cr@endings.example')?.notes).toBe('quoted\r\nthree\nline\rbreaks');
  }, 60_000);
});
