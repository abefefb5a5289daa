/**
 * Issue 12's failure modes, reproduced against the real local stack (APPSYNC_JS resolvers over
 * DynamoDB Local): a file swapped between scan and send, very wide rejected rows, mixed line
 * endings, and which row owns a repeated email under concurrency.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { CreateCustomerDocument, CustomerByEmailDocument, GetIngestionDocument, ImportCustomersDocument, ListCustomersDocument, ListIngestionRowErrorsDocument, RecordRejectedRowsDocument, StartIngestionDocument } from '../../../clients/api/generated';
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
    const r = await runCli(['ingest', file, '--endpoint', stack.graphqlUrl, '--json', '--errors-out', report], { env: { FOREMAN_ID_TOKEN: await stack.tokenFor('foreman-admin', ['admins']) } });
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

describe('values the schema will accept (issue 9, "also found")', () => {
  const nfc = 'caf\u00e9@unicode.example';
  const nfd = 'cafe\u0301@unicode.example';
  const emoji150 = '😀'.repeat(150);

  it('refuses poison@[10.0.0.1], counts lengths in characters and treats NFC/NFD as one email, through the engine', async () => {
    const file = path.join(dir, 'unicode.csv');
    // Row 2 NFC café, row 3 the same address in NFD, row 4 an address-literal domain, row 5 a
    // 150-emoji name (within the 200-character limit), row 6 a 201-emoji name, row 7 an RTL override.
    writeFileSync(file, `email,name\n${nfc},Café NFC\n${nfd},Café NFD\npoison@[10.0.0.1],Poison\nemoji@unicode.example,${emoji150}\nlong@unicode.example,${'😀'.repeat(201)}\nrtl\u202eelpmaxe@unicode.example,Rtl\n`);
    const rejected: { row: number; status: string; codes: string[] }[] = [];
    const s = await ingest(file, { onRejected: (r) => rejected.push({ row: r.row, status: r.status, codes: r.errors.map((e) => e.code) }) });
    expect({ created: s.created, duplicates: s.duplicates, invalid: s.invalid }).toEqual({ created: 2, duplicates: 1, invalid: 3 });
    expect(rejected.sort((a, b) => a.row - b.row)).toEqual([
      { row: 3, status: 'DUPLICATE', codes: ['DUPLICATE_EMAIL'] },
      { row: 4, status: 'INVALID', codes: ['FORMAT'] },
      { row: 6, status: 'INVALID', codes: ['TOO_LONG'] },
      { row: 7, status: 'INVALID', codes: ['FORMAT'] },
    ]);
    const stored = await customersOf('unicode.example');
    // The address is stored in NFC, once.
    expect(stored.map((c) => c.email).sort()).toEqual(['caf\u00e9@unicode.example', 'emoji@unicode.example']);
    expect(stored.find((c) => c.email === 'emoji@unicode.example')?.name).toBe(emoji150);
    // And every customer can still be listed (no value AppSync cannot serialise as AWSEmail).
    const listed = await client.request(ListCustomersDocument, { limit: 1000 });
    expect(listed.listCustomers.items.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('does the same in the resolvers for a caller that skips the engine', async () => {
    const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'direct-unicode.csv', sha256: 'e'.repeat(63) + '2', model: 'CUSTOMER', source: 'API', rowCount: 4 } });
    const answer = await client.request(ImportCustomersDocument, {
      input: {
        ingestionId: startIngestion.ingestion!.id,
        batchNumber: 1,
        rows: [
          { rowNumber: 2, email: 'poison2@[10.0.0.1]', name: 'Poison' },
          { rowNumber: 3, email: 'Zo\u00eb@server.example', name: emoji150 },
          { rowNumber: 4, email: 'zoe\u0308@server.example', name: 'NFD twin' },
          { rowNumber: 5, email: 'long@server.example', name: '😀'.repeat(201) },
        ],
      },
    });
    const byRow = Object.fromEntries((answer.importCustomers.outcomes ?? []).map((o) => [o.rowNumber, [o.status, o.errors?.map((e) => e.code) ?? []]]));
    expect(byRow).toEqual({ 2: ['INVALID', ['FORMAT']], 3: ['CREATED', []], 4: ['DUPLICATE', ['DUPLICATE_EMAIL']], 5: ['INVALID', ['TOO_LONG']] });
    // createCustomer and customerByEmail normalise the same way.
    await expect(client.request(CreateCustomerDocument, { input: { email: 'ZOE\u0308@server.example', name: 'Again' } })).rejects.toThrow(/DuplicateEmail|already/);
    const found = await client.request(CustomerByEmailDocument, { email: 'zoe\u0308@server.example' });
    expect(found.customerByEmail?.email).toBe('zo\u00eb@server.example');
    const created = await client.request(CreateCustomerDocument, { input: { email: 'emoji@server.example', name: emoji150 } });
    expect(created.createCustomer.name).toBe(emoji150);
    await expect(client.request(CreateCustomerDocument, { input: { email: 'emoji2@server.example', name: '😀'.repeat(201) } })).rejects.toThrow(/Name is longer than 200 characters/);
  }, 60_000);
});

describe('who owns a repeated email', () => {
  /**
   * 600 rows naming 150 emails, each 4 times, 10 rows apart: with batches of 10, the four rows of an
   * email sit in four consecutive batches that are in flight together under concurrency 8.
   */
  function repeatsFile(domain: string): { file: string; firstRow: Map<string, number> } {
    const file = path.join(dir, `repeats-${domain}.csv`);
    const firstRow = new Map<string, number>();
    let text = 'email,name\n';
    for (let i = 0; i < 600; i++) {
      const n = 10 * Math.floor(i / 40) + (i % 10);
      const email = `r${n}@${domain}`;
      if (!firstRow.has(email)) firstRow.set(email, i + 2);
      text += `${i % 3 === 0 ? email.toUpperCase() : email},Row ${i + 2}\n`;
    }
    writeFileSync(file, text);
    return { file, firstRow };
  }

  it('gives the first row in file order every repeated email, identically on two runs under concurrency 8', async () => {
    const owners: Map<number, number>[] = [];
    for (const domain of ['own-a.example', 'own-b.example']) {
      const { file, firstRow } = repeatsFile(domain);
      const duplicates = new Map<number, number>();
      const s = await ingest(file, { batchSize: 10, concurrency: 8, onRejected: (r) => duplicates.set(r.row, r.conflict?.rowNumber ?? -1) });
      expect({ outcome: s.outcome, created: s.created, duplicates: s.duplicates, unsent: s.unsent }).toEqual({ outcome: 'COMPLETED', created: 150, duplicates: 450, unsent: 0 });
      // Every repeat names the email's first row in the file as its owner.
      const text = readFileSync(file, 'utf8').trim().split('\n').slice(1);
      for (const [row, owner] of duplicates) expect(owner, `row ${row}`).toBe(firstRow.get(text[row - 2]!.split(',')[0]!.toLowerCase()));
      // And the stored customers are those first rows' (their names say which row they came from).
      const stored = await customersOf(domain);
      expect(stored.map((c) => c.name).sort()).toEqual([...firstRow.values()].map((r) => `Row ${r}`).sort());
      owners.push(duplicates);
    }
    expect([...owners[0]!.entries()].sort()).toEqual([...owners[1]!.entries()].sort());
  }, 120_000);
});
