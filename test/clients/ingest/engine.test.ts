import { describe, expect, it } from 'vitest';
import { GraphQLResponseError } from '../../../clients/api/client';
import { ImportCustomersDocument } from '../../../clients/api/generated';
import { FileProblemError, RETRY_STRIDE, ingestFile, type IngestOptions, type RejectedRow } from '../../../clients/ingest';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

function customers(n: number, domain = 'x.example', extra = ''): string {
  let s = 'email,name\n';
  for (let i = 0; i < n; i++) s += `c${i}@${domain},Customer ${i}\n`;
  return s + extra;
}

const noSleep = async () => undefined;

function run(server: FakeServer, text: string, opts: Partial<IngestOptions> = {}) {
  const rejected: RejectedRow[] = [];
  const promise = ingestFile({
    fileName: 'c.csv',
    source: bytesSource(text, 64),
    createHasher: nodeSha256,
    client: server.client(),
    sleep: noSleep,
    onRejected: (r) => rejected.push(r),
    ...opts,
  });
  return promise.then((summary) => ({ summary, rejected }));
}

describe('ingestFile', () => {
  it('accounts for every row: created + duplicates + invalid = rows', async () => {
    const server = new FakeServer();
    const text = customers(100) + 'C5@X.EXAMPLE,Dup of row 7\nnot-an-email,Bad\n';
    const { summary, rejected } = await run(server, text, { batchSize: 10 });
    expect(summary.outcome).toBe('COMPLETED');
    expect(summary.rows).toBe(102);
    expect([summary.created, summary.duplicates, summary.invalid]).toEqual([100, 1, 1]);
    expect(summary.created + summary.duplicates + summary.invalid + summary.alreadyImported + summary.unsent).toBe(summary.rows);
    const dup = rejected.find((r) => r.status === 'DUPLICATE')!;
    // c5 is data row 6 of the file, i.e. spreadsheet row 7 (header is row 1).
    expect(dup).toMatchObject({ row: 102, conflict: { rowNumber: 7 } });
    expect(server.calls.at(-1)!.op).toBe('FinishIngestion');
  });

  it('sends at most batchSize rows per mutation and numbers batches the same way on every run', async () => {
    const text = customers(95) + 'bad,Bad\n';
    const a = new FakeServer();
    await run(a, text, { batchSize: 20, concurrency: 3 });
    const b = new FakeServer();
    await run(b, text, { batchSize: 20, concurrency: 1 });
    const shape = (s: FakeServer) =>
      s.calls
        .filter((c) => c.op === 'ImportCustomers' || c.op === 'RecordRejectedRows')
        .map((c) => `${c.op}#${c.input.batchNumber as number}:${(c.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber).join('-')}`)
        .sort();
    expect(shape(a)).toEqual(shape(b));
    expect(a.importCalls().every((c) => (c.input.rows as unknown[]).length <= 20)).toBe(true);
    expect(a.importCalls().map((c) => c.input.batchNumber).sort((x, y) => (x as number) - (y as number))).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps no more than `concurrency` batches in flight', async () => {
    const server = new FakeServer();
    await run(server, customers(300), { batchSize: 10, concurrency: 3 });
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it('re-sends RETRY rows in a later batch with a deterministic retry number', async () => {
    const server = new FakeServer();
    server.retryOnce = new Set([3, 4]);
    const { summary } = await run(server, customers(10), { batchSize: 49 });
    expect(summary.created).toBe(10);
    expect(summary.retriedRows).toBe(2);
    const retry = server.importCalls().find((c) => c.input.batchNumber === RETRY_STRIDE + 1)!;
    expect((retry.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber)).toEqual([3, 4]);
  });

  it('retries transient failures with backoff and creates nothing twice', async () => {
    const server = new FakeServer();
    server.failNext = 3;
    const delays: number[] = [];
    const { summary } = await run(server, customers(30), { batchSize: 10, concurrency: 1, sleep: async (ms) => void delays.push(ms), random: () => 1 });
    expect(summary.created).toBe(30);
    // Full jitter with random()=1 gives the cap of each step: 200, 400, 800 ms.
    expect(delays).toEqual([200, 400, 800]);
  });

  it('treats throttling errorTypes as transient', async () => {
    const server = new FakeServer();
    server.failNext = 1;
    server.failWith = () => new GraphQLResponseError([{ message: 'slow down', errorType: 'DynamoDB:ProvisionedThroughputExceededException' }], null);
    const { summary } = await run(server, customers(5));
    expect(summary.created).toBe(5);
  });

  it('does not retry a refused API key and says to check it', async () => {
    const denied = new FakeServer();
    denied.unauthorized = true;
    const error = await run(denied, customers(5)).catch((e: unknown) => e);
    expect(String(error)).toMatch(/refused the credentials.*--api-key/);
    expect(denied.calls.length).toBe(1);
  });

  it('reports a failing batch as unsent and the run as FAILED', async () => {
    const server = new FakeServer();
    server.failNext = 1000;
    const { summary, rejected } = await run(server, customers(25), { batchSize: 10, concurrency: 1, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    expect(summary.outcome).toBe('FAILED');
    expect(summary.unsent).toBe(25);
    // With one batch in flight the first batch (10 rows) fails for good and reading stops: those
    // 10 rows are reported unsent because sending failed; the 15 never read count in summary.unsent only.
    const unsent = rejected.filter((r) => r.status === 'UNSENT');
    expect(unsent.map((r) => r.errors?.[0]?.code)).toEqual(Array(10).fill('SEND_FAILED'));
    expect(new Set(unsent.map((r) => r.row)).size).toBe(10);
    expect(server.calls.some((c) => c.op === 'FinishIngestion')).toBe(false);
  });

  it('answers a duplicate file with the first ingestion (resuming: resume.test.ts)', async () => {
    const server = new FakeServer();
    const text = customers(30);
    const first = await run(server, text, { batchSize: 10 });
    const again = await run(server, text, { batchSize: 10, fileName: 'copy.csv' });
    expect(again.summary.outcome).toBe('DUPLICATE_FILE');
    expect(again.summary.duplicateOf?.ingestionId).toBe(first.summary.ingestionId);
    expect(again.summary.thisRun).toBeNull();
  });

  it('sends no batch after an interruption: the batch waiting for a slot stays unsent, the one in flight finishes', async () => {
    const server = new FakeServer();
    const inner = server.client();
    const ac = new AbortController();
    // The interruption comes while batch 1 is on its way and batch 2, read from memory (microtasks
    // only), waits for the slot: a macrotask later, every pending microtask has run.
    const client = {
      ...inner,
      request: (async (doc: Parameters<typeof inner.request>[0], variables?: Record<string, unknown>) => {
        if (doc === ImportCustomersDocument && !ac.signal.aborted) {
          await new Promise((r) => setImmediate(r));
          ac.abort();
        }
        return (inner.request as (d: unknown, v?: Record<string, unknown>) => Promise<unknown>)(doc, variables);
      }) as typeof inner.request,
    };
    const { summary } = await run(server, customers(50), { batchSize: 10, concurrency: 1, client, signal: ac.signal });
    expect(server.importCalls().map((c) => c.input.batchNumber)).toEqual([1]);
    expect(summary).toMatchObject({ outcome: 'FAILED', created: 10, unsent: 40, failure: 'interrupted before the end of the file' });
    // Left open, so the same file resumes.
    expect(server.calls.map((c) => c.op)).not.toContain('FinishIngestion');
    expect([...server.ingestions.values()][0]!.status).toBe('RUNNING');
  });

  it('validates without writing on a dry run, and asks only read-only questions (./check.test.ts)', async () => {
    const server = new FakeServer();
    const { summary, rejected } = await run(server, customers(3) + 'x,\n', { dryRun: true });
    expect(summary.outcome).toBe('DRY_RUN');
    expect(summary.invalid).toBe(1);
    expect(rejected[0]!.errors.map((e) => e.code)).toEqual(['FORMAT', 'REQUIRED']);
    expect(server.calls.map((c) => c.op)).toEqual(['CheckFile', 'CheckCustomers']);
    // without a client nothing is asked at all
    const offline = await run(server, customers(3), { dryRun: true, client: undefined });
    expect(offline.summary.check?.status).toBe('SKIPPED');
    expect(server.calls).toHaveLength(2);
  });

  it('refuses unusable files before writing anything', async () => {
    const server = new FakeServer();
    for (const [file, code] of [
      ['samples/bad/empty.csv', 'EMPTY'],
      ['samples/bad/header_only.csv', 'HEADER_ONLY'],
      ['samples/bad/unknown_model.csv', 'UNKNOWN_MODEL'],
      ['samples/bad/unmappable_headers.csv', 'MISSING_REQUIRED'],
      ['samples/bad/duplicate_headers.csv', 'DUPLICATE_HEADERS'],
      ['samples/bad/unterminated_quote.csv', 'MALFORMED'],
      ['samples/bad/binary_garbage.csv', 'BINARY'],
    ] as const) {
      const error = await ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, client: server.client() }).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(FileProblemError);
      expect((error as FileProblemError).code, file).toBe(code);
      expect((error as Error).message, file).toContain(file);
    }
    expect(server.calls).toEqual([]);
  });
});

describe('a file that changes between the scan and the send', () => {
  it('stops before sending a row of the changed bytes, leaves the ingestion open, and says FILE_CHANGED', async () => {
    const server = new FakeServer();
    // Big enough that the reader (which sniffs the first 64 KiB) parses rows before the change.
    const original = customers(5000);
    // Same length, other emails from data line 4,000 on: the kind of swap a rewrite in place makes.
    const lines = original.split('\n');
    const swapped = lines.map((l, i) => (i >= 4000 && l ? l.replace('@x.example', '@y.example') : l)).join('\n');
    expect(swapped.length).toBe(original.length);
    let opens = 0;
    // Opened by inspect, scan, send: the third open reads the swapped file.
    const source = () => (++opens >= 3 ? bytesSource(swapped, 50)() : bytesSource(original, 50)());
    const { summary } = await run(server, original, { source, batchSize: 49, concurrency: 2, verifyBlockBytes: 1024 });
    expect(summary.outcome).toBe('FAILED');
    expect(summary.failureCode).toBe('FILE_CHANGED');
    expect(summary.failure).toMatch(/^c\.csv changed while it was being ingested: bytes [\d,]+–[\d,]+ differ from the bytes that were scanned\. Nothing from the changed bytes was sent/);
    // Every email the server received is from the original file.
    const sent = server.importCalls().flatMap((c) => (c.input.rows as { email: string }[]).map((r) => r.email));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((e) => e.endsWith('@x.example'))).toBe(true);
    // Rows wholly before the changed block may be sent; data line 4,000 (row 4,001) and after never are.
    expect(summary.created).toBe(sent.length);
    expect(sent.length).toBeLessThan(4000);
    expect(summary.created + summary.unsent).toBe(5000);
    // Not finished: the ingestion stays open for the scanned bytes.
    expect(server.calls.some((c) => c.op === 'FinishIngestion')).toBe(false);
  });

  it('stops with FileChangedError when the header changed before the scan', async () => {
    const server = new FakeServer();
    const original = customers(5);
    let opens = 0;
    const source = () => (++opens >= 2 ? bytesSource(original.replace('email,name', 'email,company'))() : bytesSource(original)());
    await expect(run(server, original, { source })).rejects.toThrow('c.csv changed while it was being ingested: its header row is no longer the one that was inspected');
    expect(server.calls).toHaveLength(0);
  });
});

describe('blank lines', () => {
  it('skips empty lines and lines of spaces or delimiters and counts them, row numbers as a spreadsheet shows them', async () => {
    // Row 1 header; 2 empty; 3 data; 4 spaces; 5 delimiters; 6 CRLF-empty; 7 data (invalid); 8, 9 trailing empty.
    const text = 'email,name\n\nc1@x.example,One\n   \n,\n\r\nbad,Two\n\n\n';
    const { summary, rejected } = await run(new FakeServer(), text, { dryRun: true });
    expect({ rows: summary.rows, blankRows: summary.blankRows, invalid: summary.invalid }).toEqual({ rows: 2, blankRows: 6, invalid: 1 });
    expect(rejected.map((r) => r.row)).toEqual([7]);
  });

  it('reads a million empty lines without a record each (dry run)', async () => {
    const text = `email,name\n${'\n'.repeat(1_000_000)}c1@x.example,One\n`;
    const { summary } = await run(new FakeServer(), text, { dryRun: true, source: bytesSource(text, 256 * 1024) });
    expect({ rows: summary.rows, blankRows: summary.blankRows }).toEqual({ rows: 1, blankRows: 1_000_000 });
  });
});

describe('repeated emails within a file', () => {
  it('sends the repeats after every other batch has answered, so the first row in file order owns the email', async () => {
    const server = new FakeServer();
    // Rows 2–61: 60 customers; rows 62–64 repeat rows 2, 31 and 61 (in another case, with spaces, in NFD).
    const text = `${customers(60)}C0@X.EXAMPLE,Repeat of row 2\n  c29@x.example ,Repeat of row 31\nc59@x.example,Repeat of row 61\n`;
    const { summary, rejected } = await run(server, text, { batchSize: 7, concurrency: 8 });
    expect([summary.created, summary.duplicates]).toEqual([60, 3]);
    const owners = rejected.filter((r) => r.status === 'DUPLICATE').map((r) => [r.row, r.conflict?.rowNumber]);
    expect(owners.sort()).toEqual([
      [62, 2],
      [63, 31],
      [64, 61],
    ]);
    // The held rows went in the last batch, numbered after every first-pass batch (9 of 7 rows → 10th).
    const imports = server.importCalls();
    const last = imports.at(-1)!;
    expect((last.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber)).toEqual([62, 63, 64]);
    expect(last.input.batchNumber).toBe(10);
  });

  it('treats NFC and NFD spellings as one value when holding rows back', async () => {
    const { normalizeUnique } = await import('../../../clients/ingest/repeats');
    expect(normalizeUnique(' Caf\u00e9@X.example ')).toBe(normalizeUnique('cafe\u0301@x.example'));
  });
});

/** An invoice file: `numbers[i]` is the invoice number of data row i + 2. */
function invoices(numbers: string[]): string {
  let s = 'Invoice number,Customer email,Amount,Currency,Issue date,Due date\n';
  numbers.forEach((n, i) => (s += `${n},c${i}@x.example,${i}.50,eur,2024-02-01,2024-03-01\n`));
  return s;
}

describe('invoices (a model declared only in the schema)', () => {
  it('detects the model, sends ImportInvoices in batches of its batchRows and reads the answer under importInvoices', async () => {
    const server = new FakeServer();
    const numbers = Array.from({ length: 50 }, (_, i) => `INV-${i + 1}`);
    const { summary } = await run(server, invoices(numbers), { fileName: 'i.csv' });
    expect(summary).toMatchObject({ model: 'invoice', outcome: 'COMPLETED', rows: 50, created: 50, duplicates: 0, invalid: 0 });
    const start = server.calls.find((c) => c.op === 'StartIngestion')!;
    expect(start.input.model).toBe('INVOICE');
    // Invoice.batchRows is 24 (2 items a row for the record and its invoice-number claim, plus reference checks).
    expect(server.importCalls().map((c) => [c.op, (c.input.rows as unknown[]).length])).toEqual([
      ['ImportInvoices', 24],
      ['ImportInvoices', 24],
      ['ImportInvoices', 2],
    ]);
    // Cells go as the file has them (trimmed): the server normalises the currency itself.
    expect((server.importCalls()[0]!.input.rows as Record<string, unknown>[])[0]).toEqual({
      rowNumber: 2,
      invoiceNumber: 'INV-1',
      customerEmail: 'c0@x.example',
      amount: '0.50',
      currency: 'eur',
      issueDate: '2024-02-01',
      dueDate: '2024-03-01',
    });
  });

  it('decides invoice numbers repeated within the file in file order, whatever the batch timing', async () => {
    const server = new FakeServer();
    // Rows 2–41 hold INV-1…INV-40; rows 42–44 repeat INV-1 (row 2), INV-20 (row 21) and INV-40 (row 41),
    // the second one with spaces around it (TRIM). "inv-5" differs in case: another number (TRIM keeps case).
    const numbers = [...Array.from({ length: 40 }, (_, i) => `INV-${i + 1}`), 'INV-1', '  INV-20 ', 'INV-40', 'inv-5'];
    const { summary, rejected } = await run(server, invoices(numbers), { fileName: 'i.csv', batchSize: 3, concurrency: 8 });
    expect([summary.created, summary.duplicates, summary.invalid]).toEqual([41, 3, 0]);
    const owners = rejected.filter((r) => r.status === 'DUPLICATE').map((r) => [r.row, r.conflict?.field, r.conflict?.rowNumber]);
    expect(owners).toEqual([
      [42, 'invoiceNumber', 2],
      [43, 'invoiceNumber', 21],
      [44, 'invoiceNumber', 41],
    ]);
    // The repeats were held back and sent last, after every first-pass batch (41 rows in 14 batches of 3).
    const last = server.importCalls().at(-1)!;
    expect((last.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber)).toEqual([42, 43, 44]);
    expect(last.input.batchNumber).toBe(15);
  });

  it('rejects invalid invoices before sending, with the server\'s codes and messages', async () => {
    const server = new FakeServer();
    const text =
      'Invoice number,Customer email,Customer id,Amount,Currency,Issue date,Due date\n' +
      'INV-1,a@x.example,,10,EUR,2024-02-01,2024-01-01\n' +
      'INV-2,,,10,EUR,2024-02-01,2024-03-01\n' +
      'INV-3,a@x.example,,10,XYZ,2024-02-01,2024-03-01\n' +
      'INV-4,a@x.example,,-1,usd,2024-02-01,2024-03-01\n' +
      'INV\u202e-5,a@x.example,,1,usd,2024-02-01,2024-03-01\n' +
      'INV-6,,cust-1,1,usd,2024-02-01,2024-03-01\n';
    const { summary, rejected } = await run(server, text, { fileName: 'i.csv' });
    expect([summary.created, summary.invalid]).toEqual([1, 5]);
    expect(rejected.map((r) => [r.row, r.by, r.errors.map((e) => `${e.field}:${e.code}`).join(' ')])).toEqual([
      [2, 'client', 'dueDate:RANGE'],
      [3, 'client', 'customerEmail:REQUIRED'],
      [4, 'client', 'currency:ENUM'],
      [5, 'client', 'amount:RANGE'],
      [6, 'client', 'invoiceNumber:FORMAT'],
    ]);
    expect(rejected[0]!.errors[0]!.message).toBe('Due date 2024-01-01 is before issue date 2024-02-01.');
    expect(rejected[1]!.errors[0]!.message).toBe('Customer email or customer id is required.');
  });

  it('names the missing reference columns when an invoice file has neither', async () => {
    const text = 'Invoice number,Amount,Currency,Issue date,Due date\nINV-1,1,EUR,2024-02-01,2024-03-01\n';
    const error = await run(new FakeServer(), text, { fileName: 'i.csv', model: 'invoice' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblemError);
    expect((error as FileProblemError).code).toBe('MISSING_REQUIRED');
    expect((error as Error).message).toContain('no column maps to the required Customer email or customer id (a column named "customerEmail", "client email", "bill to email", "billing email", "customerId", …)');
  });
});

describe('an endpoint that stops answering', () => {
  it('waits with backoff past the usual attempts while nothing answers, then finishes with exact counts', async () => {
    const server = new FakeServer();
    // 20 refused connections in a row (a database restarting): more than the 7 usual attempts.
    server.failNext = 20;
    const waits: number[] = [];
    const { summary } = await run(server, customers(30), { batchSize: 10, concurrency: 1, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(summary.outcome).toBe('COMPLETED');
    expect([summary.created, summary.unsent]).toEqual([30, 0]);
    // Past the 6 backoff waits, each wait is between 5 and 10 s (DEFAULT_RETRY.maxDelayMs / 2 … maxDelayMs).
    expect(waits.length).toBe(20);
    expect(waits.slice(6).every((w) => w >= 5000 && w <= 10_000)).toBe(true);
  });

  it('gives up once it has waited the documented 2 minutes', async () => {
    const server = new FakeServer();
    server.failNext = 1000;
    const waits: number[] = [];
    const { summary } = await run(server, customers(5), { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(summary.outcome).toBe('FAILED');
    expect(summary.failureCode).toBe('SEND_FAILED');
    const total = waits.reduce((a, b) => a + b, 0);
    // It stops at the first attempt after 120 s of waiting: at most one wait (≤ 10 s) beyond.
    expect(total).toBeGreaterThanOrEqual(120_000);
    expect(total).toBeLessThan(130_000);
  });
});
