/**
 * The engine and the CLI against the real local stack (APPSYNC_JS resolvers over DynamoDB Local):
 * counts add up on every sample, the same bytes are a duplicate file under any name, an interrupted
 * run resumes to exactly the state of a clean run, and overlapping ingestions at once leave one
 * customer per email, and one invoice per number (Invoice: a model declared only in the schema).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { ingestFile, type IngestSummary, type RejectedRow } from '../../../clients/ingest';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { scanTable, startTestStack, type TestStack, stackClients } from '../../helpers/localStack';
import { generateCustomers } from '../../bench/generate';
import { BIN, ROOT, runCli } from '../cli/run';

let stack: TestStack;
let client: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  client = stackClients(stack).api;
});
afterAll(() => stack?.stop());

async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  return scanTable(stack, table);
}

function ingest(file: string, extra: Partial<Parameters<typeof ingestFile>[0]> = {}): Promise<IngestSummary> {
  return ingestFile({ fileName: file, source: fileSource(path.join(ROOT, file)), createHasher: nodeSha256, client, batchSize: 49, concurrency: 4, ...extra });
}

function accounted(s: IngestSummary): number {
  return s.created + s.duplicates + s.invalid + s.alreadyImported + s.unsent;
}

/** The CLI signs in with FOREMAN_ID_TOKEN: the built-in admin, the same caller as the engine's client here. */
async function tokenEnv(): Promise<Record<string, string>> {
  return { FOREMAN_ID_TOKEN: await stack.tokenFor('foreman-admin', ['admins']) };
}

describe('ingesting the samples', () => {
  it('accounts for every row of every sample, and the server agrees', async () => {
    // Expected counts come from reading the samples (see samples/README.md), in this order.
    const expected: [string, { rows: number; created: number; duplicates: number; invalid: number }][] = [
      ['samples/customers_valid.csv', { rows: 20, created: 20, duplicates: 0, invalid: 0 }],
      ['samples/customers_small.csv', { rows: 5, created: 5, duplicates: 0, invalid: 0 }],
      ['samples/customers_medium.csv', { rows: 60, created: 60, duplicates: 0, invalid: 0 }],
      ['samples/customers_large.csv', { rows: 160, created: 160, duplicates: 0, invalid: 0 }],
      // rows 5, 8 and 15 repeat emails of rows 2, 4 and 9; rows 12-14 are customers_valid.csv emails.
      ['samples/customers_with_duplicates.csv', { rows: 14, created: 8, duplicates: 6, invalid: 0 }],
      ['samples/customers_invalid.csv', { rows: 11, created: 2, duplicates: 0, invalid: 9 }],
      // 2 rows invalid before sending (budget, dates), 2 name customers that do not exist.
      ['samples/projects.csv', { rows: 10, created: 6, duplicates: 0, invalid: 4 }],
      ['samples/bad/bom_utf8.csv', { rows: 5, created: 5, duplicates: 0, invalid: 0 }],
      ['samples/bad/latin1.csv', { rows: 6, created: 6, duplicates: 0, invalid: 0 }],
      ['samples/bad/utf16le.csv', { rows: 5, created: 5, duplicates: 0, invalid: 0 }],
      ['samples/bad/semicolon.csv', { rows: 5, created: 5, duplicates: 0, invalid: 0 }],
      ['samples/bad/gigantic_field.csv', { rows: 4, created: 3, duplicates: 0, invalid: 1 }],
      ['samples/bad/ragged_rows.csv', { rows: 4, created: 2, duplicates: 0, invalid: 2 }],
      ['samples/bad/formula_cells.csv', { rows: 5, created: 4, duplicates: 0, invalid: 1 }],
    ];
    let createdCustomers = 0;
    for (const [file, want] of expected) {
      const s = await ingest(file);
      expect({ file, outcome: s.outcome, rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid }).toEqual({ file, outcome: 'COMPLETED', ...want });
      expect(accounted(s), file).toBe(s.rows);
      expect(s.server?.processed, file).toBe(s.rows);
      if (s.model === 'customer') createdCustomers += s.created;
    }
    const customers = await scanAll(stack.tableNames.Customers);
    expect(customers).toHaveLength(createdCustomers);
    const emails = customers.map((c) => c.email as string);
    expect(new Set(emails).size).toBe(emails.length);
    // Latin-1 decoded, not mangled.
    expect(customers.find((c) => c.email === 'jose0@latin1.example')?.name).toBe('José Müller');
    // Projects link to the customers they name (in another case, too).
    const projects = await scanAll(stack.tableNames.Projects);
    const chloe = customers.find((c) => c.email === 'chloe.jensen@northwind.example')!;
    expect(projects.find((p) => p.name === 'Data warehouse')?.customerId).toBe(chloe.id);
  }, 180_000);

  it('ingests the invoice samples with the documented counts, one invoice per number, unknown customers invalid', async () => {
    // After customers_valid.csv (the first test), in this order: samples/README.md, "Invoices".
    const expected: [string, { rows: number; created: number; duplicates: number; invalid: number }][] = [
      ['samples/invoices_valid.csv', { rows: 20, created: 20, duplicates: 0, invalid: 0 }],
      ['samples/invoices_duplicates.csv', { rows: 14, created: 6, duplicates: 8, invalid: 0 }],
      ['samples/invoices_invalid.csv', { rows: 11, created: 2, duplicates: 0, invalid: 9 }],
      ['samples/invoices_unknown_customer.csv', { rows: 8, created: 2, duplicates: 0, invalid: 6 }],
    ];
    const rejected = new Map<string, RejectedRow[]>();
    for (const [file, want] of expected) {
      const rows: RejectedRow[] = [];
      const s = await ingest(file, { batchSize: undefined, onRejected: (r) => rows.push(r) });
      rejected.set(file, rows);
      expect({ file, model: s.model, outcome: s.outcome, rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid }).toEqual({ file, model: 'invoice', outcome: 'COMPLETED', ...want });
      expect(s.server?.processed, file).toBe(s.rows);
    }
    const invoices = await scanAll(stack.tableNames.Invoices!);
    expect(invoices).toHaveLength(30);
    const numbers = invoices.map((i) => i.invoiceNumber as string);
    expect(new Set(numbers).size).toBe(30);
    // Row 7 of invoices_duplicates.csv (" INV-2024-0007 ", trimmed) is a duplicate of row 8 of invoices_valid.csv.
    const dup7 = rejected.get('samples/invoices_duplicates.csv')!.find((r) => r.row === 7)!;
    expect(dup7).toMatchObject({ status: 'DUPLICATE', by: 'server', conflict: { field: 'invoiceNumber', value: 'INV-2024-0007', rowNumber: 8 } });
    expect(dup7.errors[0]!.code).toBe('DUPLICATE_INVOICE_NUMBER');
    // Unknown customers and projects: INVALID rows the server decides, with a clear message.
    const unknown = rejected.get('samples/invoices_unknown_customer.csv')!;
    expect(unknown.map((r) => [r.row, r.status, r.by, r.errors.map((e) => e.code).join(' ')])).toEqual([
      [2, 'INVALID', 'server', 'UNKNOWN_CUSTOMER'],
      [4, 'INVALID', 'server', 'UNKNOWN_CUSTOMER'],
      [5, 'INVALID', 'server', 'UNKNOWN_CUSTOMER'],
      [6, 'INVALID', 'server', 'UNKNOWN_PROJECT'],
      [8, 'INVALID', 'server', 'UNKNOWN_CUSTOMER'],
      [9, 'INVALID', 'server', 'UNKNOWN_CUSTOMER'],
    ]);
    expect(unknown[0]!.errors[0]).toMatchObject({ code: 'UNKNOWN_CUSTOMER', message: 'No customer with email nobody@nowhere.example.' });
    expect(unknown[3]!.errors[0]).toMatchObject({ code: 'UNKNOWN_PROJECT', message: 'No project with id PRJ-0000-NOPE.' });
    // Row 7 names its customer in another case, padded: linked to the stored customer.
    const customers = await scanAll(stack.tableNames.Customers);
    const mateo = customers.find((c) => c.email === 'mateo.larsen@northwind.example')!;
    expect(invoices.find((i) => i.invoiceNumber === 'INV-2024-0306')?.customerId).toBe(mateo.id);
  }, 180_000);

  it('answers the same bytes under another name with the first ingestion and exit code 3', async () => {
    const first = await ingest('samples/customers_valid.csv');
    expect(first.outcome).toBe('DUPLICATE_FILE');
    const r = await runCli(['ingest', 'samples/customers_valid_copy.csv', '--endpoint', stack.graphqlUrl, '--json'], { env: await tokenEnv() });
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout) as IngestSummary;
    expect(summary.outcome).toBe('DUPLICATE_FILE');
    expect(summary.duplicateOf?.ingestionId).toBe(first.duplicateOf?.ingestionId);
    expect(summary.duplicateOf?.fileName).toBe('samples/customers_valid.csv');
  });
});

describe('resuming and racing', () => {
  it('resumes a run killed mid-file and ends with exactly the rows of a clean run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-resume-'));
    const file = path.join(dir, 'resume.csv');
    const rows = 2500;
    await generateCustomers(file, rows, { domain: 'resume.example' });
    const args = [BIN, 'ingest', file, '--endpoint', stack.graphqlUrl, '--concurrency', '2'];
    const childEnv = { ...process.env, FOREMAN_GRAPHQL_URL: '', ...(await tokenEnv()) };

    // First run: kill -9 as soon as progress shows some rows written (and not all).
    const killedAt = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: childEnv });
      let seen = 0;
      child.stderr.on('data', (d: Buffer) => {
        const m = /progress: (\d+)\/(\d+) rows/.exec(d.toString());
        if (m && Number(m[1]) > 0 && Number(m[1]) < rows && !seen) {
          seen = Number(m[1]);
          child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('close', () => (seen ? resolve(seen) : reject(new Error('the run ended before it could be interrupted'))));
    });
    expect(killedAt).toBeGreaterThan(0);
    const partial = (await scanAll(stack.tableNames.Customers)).filter((c) => String(c.email).endsWith('@resume.example'));
    // Progress counts only rows the server committed, so at least that many are stored.
    expect(partial.length).toBeGreaterThanOrEqual(killedAt);
    expect(partial.length).toBeLessThan(rows);

    // Second run of the same file: resumes, and every row ends up created exactly once.
    const r = await runCli(['ingest', file, '--endpoint', stack.graphqlUrl, '--json'], { env: await tokenEnv() });
    const s = JSON.parse(r.stdout) as IngestSummary;
    expect(r.code).toBe(0);
    expect(s.resumed).toBe(true);
    expect(s.rows).toBe(rows);
    expect(s.created + s.alreadyImported).toBe(rows);
    expect(s.duplicates + s.invalid + s.unsent).toBe(0);
    expect(s.server?.processed).toBe(rows);

    const after = (await scanAll(stack.tableNames.Customers)).filter((c) => String(c.email).endsWith('@resume.example'));
    const emails = after.map((c) => c.email as string).sort();
    const clean = Array.from({ length: rows }, (_, i) => `customer${i}@resume.example`).sort();
    expect(emails).toEqual(clean);
    // Nothing half-written: every customer has the row's name.
    expect(after.every((c) => typeof c.name === 'string' && (c.name as string).length > 0)).toBe(true);

    // A third run is a duplicate file.
    const third = await runCli(['ingest', file, '--endpoint', stack.graphqlUrl], { env: await tokenEnv() });
    expect(third.code).toBe(3);
  }, 240_000);

  it('leaves one customer per email when two overlapping files are ingested at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-race-'));
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    // a: 0..399, b: 200..599 → 200 emails in both, 600 distinct.
    await generateCustomers(a, 400, { domain: 'race.example', start: 0 });
    await generateCustomers(b, 400, { domain: 'race.example', start: 200 });
    const [sa, sb] = await Promise.all([
      ingestFile({ fileName: a, source: fileSource(a), createHasher: nodeSha256, client, batchSize: 20, concurrency: 4 }),
      ingestFile({ fileName: b, source: fileSource(b), createHasher: nodeSha256, client, batchSize: 20, concurrency: 4 }),
    ]);
    expect(accounted(sa)).toBe(400);
    expect(accounted(sb)).toBe(400);
    expect(sa.unsent + sb.unsent).toBe(0);
    expect(sa.created + sb.created).toBe(600);
    expect(sa.duplicates + sb.duplicates).toBe(200);
    const emails = (await scanAll(stack.tableNames.Customers)).map((c) => c.email as string).filter((e) => e.endsWith('@race.example'));
    expect(emails).toHaveLength(600);
    expect(new Set(emails).size).toBe(600);
  }, 120_000);

  it('leaves one invoice per number when 8 ingestions with overlapping numbers run at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-invoice-race-'));
    const buyers = path.join(dir, 'buyers.csv');
    writeFileSync(buyers, 'email,name\nbuyer@invoice-race.example,Race Buyer\n');
    expect((await ingestFile({ fileName: buyers, source: fileSource(buyers), createHasher: nodeSha256, client })).created).toBe(1);
    // File k holds numbers RACE-(50k) … RACE-(50k + 199): windows overlapping their neighbours,
    // 7 · 50 + 200 = 550 distinct numbers in 8 · 200 = 1,600 rows.
    const files = Array.from({ length: 8 }, (_, k) => {
      const file = path.join(dir, `invoices-${k}.csv`);
      let text = 'Invoice number,Customer email,Amount,Currency,Issue date,Due date\n';
      for (let n = 50 * k; n < 50 * k + 200; n++) text += `RACE-${n},buyer@invoice-race.example,${n}.00,EUR,2024-05-01,2024-06-01\n`;
      writeFileSync(file, text);
      return file;
    });
    const summaries = await Promise.all(files.map((f) => ingestFile({ fileName: f, source: fileSource(f), createHasher: nodeSha256, client, concurrency: 2 })));
    for (const s of summaries) {
      expect(s.model).toBe('invoice');
      expect(accounted(s)).toBe(200);
      expect(s.unsent).toBe(0);
    }
    expect(summaries.reduce((n, s) => n + s.created, 0)).toBe(550);
    expect(summaries.reduce((n, s) => n + s.duplicates, 0)).toBe(1050);
    const numbers = (await scanAll(stack.tableNames.Invoices!)).map((i) => i.invoiceNumber as string).filter((n) => n.startsWith('RACE-'));
    expect(numbers).toHaveLength(550);
    expect(new Set(numbers).size).toBe(550);
  }, 240_000);
});
