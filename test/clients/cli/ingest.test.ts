import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run';

describe.concurrent('foreman ingest: files that cannot be ingested exit 2 with a message naming the file', () => {
  const cases: [file: string, expected: RegExp][] = [
    ['samples/bad/empty.csv', /empty\.csv: the file is empty/],
    ['samples/bad/header_only.csv', /header_only\.csv: the file has a header row .* but no data rows/],
    ['samples/bad/unknown_model.csv', /unknown_model\.csv: none of the columns in row 1 \("sku", "warehouse", "quantity", "unit_price"\) matches/],
    ['samples/bad/unmappable_headers.csv', /unmappable_headers\.csv: .*no column maps to the required Email.*"Email opt-in date"/],
    ['samples/bad/duplicate_headers.csv', /duplicate_headers\.csv: row 1 \(the header\) has two columns named "email" \(columns 1 and 3\)/],
    ['samples/bad/unterminated_quote.csv', /unterminated_quote\.csv: a quoted cell opened in row 3 is never closed/],
    ['samples/bad/binary_garbage.csv', /binary_garbage\.csv: this is not a text file/],
    ['samples/no_such_file.csv', /cannot read samples\/no_such_file\.csv: no such file/],
  ];
  it.each(cases)('%s', async (file, expected) => {
    const r = await runCli(['ingest', file, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('foreman ingest --dry-run on readable files', () => {
  it('reads BOM, Latin-1, UTF-16 and semicolon files and exits 0', async () => {
    const results = await Promise.all(['bom_utf8', 'latin1', 'utf16le', 'semicolon'].map((f) => runCli(['ingest', `samples/bad/${f}.csv`, '--dry-run', '--json'])));
    const [bom, latin1, utf16, semi] = results.map((r) => ({ code: r.code, json: JSON.parse(r.stdout) as { encoding: string; bom: boolean; delimiter: string; invalid: number; rows: number } }));
    expect(bom).toMatchObject({ code: 0, json: { encoding: 'utf-8', bom: true, invalid: 0, rows: 5 } });
    expect(latin1).toMatchObject({ code: 0, json: { encoding: 'windows-1252', invalid: 0, rows: 6 } });
    expect(utf16).toMatchObject({ code: 0, json: { encoding: 'utf-16le', bom: true, invalid: 0, rows: 5 } });
    expect(semi).toMatchObject({ code: 0, json: { delimiter: 'semicolon', invalid: 0, rows: 5 } });
    expect(results[1]!.stderr).toContain('José Müller');
  });

  it('names each bad cell by row and column and exits 1', async () => {
    const r = await runCli(['ingest', 'samples/customers_invalid.csv', '--dry-run']);
    expect(r.code).toBe(1);
    // The server's messages (the engine validates with the same model table and words), named by the file's column.
    expect(r.stdout).toContain('row 3, column "Email": Email "not-an-email" is not an email address like name@example.com. [FORMAT]');
    expect(r.stdout).toContain('row 4, column "Full Name": Name is required. [REQUIRED]');
    expect(r.stdout).toContain('row 5, column "Signup Date": Signup date "2024-13-45" is not a date as YYYY-MM-DD. [FORMAT]');
    expect(r.stdout).toContain('row 7, column "Full Name": Name is 248 characters long; at most 200 are allowed. [TOO_LONG]');
    expect(r.stdout).toContain('row 12, column "Notes": Notes is 2,100 characters long; at most 2,000 are allowed. [TOO_LONG]');
  });

  it('reports a gigantic cell as one invalid row and ragged rows by row', async () => {
    const [giant, ragged] = await Promise.all([runCli(['ingest', 'samples/bad/gigantic_field.csv', '--dry-run']), runCli(['ingest', 'samples/bad/ragged_rows.csv', '--dry-run'])]);
    expect(giant.code).toBe(1);
    expect(giant.stdout).toContain('row 3, column "notes": Notes is 300,000 characters long; at most 2,000 are allowed. [TOO_LONG]');
    expect(ragged.code).toBe(1);
    expect(ragged.stdout).toMatch(/row 3: 3 cells where the header has 4 columns/);
    expect(ragged.stdout).toMatch(/row 4: 6 cells where the header has 4 columns/);
  });

  it('prints a JSON object naming the problem for an unusable file with --json', async () => {
    const r = await runCli(['ingest', 'samples/bad/unterminated_quote.csv', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'UNUSABLE_FILE', problem: 'MALFORMED', where: { row: 3 }, exitCode: 2 });
  });

  it('prints only one JSON object on stdout with --json', async () => {
    const r = await runCli(['ingest', 'samples/customers_invalid.csv', '--dry-run', '--json']);
    const summary = JSON.parse(r.stdout) as { outcome: string; rows: number; invalid: number; exitCode: number; rejected: { row: number; errors: { column: string; code: string }[] }[] };
    expect(summary).toMatchObject({ outcome: 'DRY_RUN', rows: 11, invalid: 9, exitCode: 1 });
    expect(summary.rejected.find((x) => x.row === 3)!.errors[0]).toMatchObject({ column: 'Email', code: 'FORMAT' });
    expect(r.stderr).toContain('Mapping');
  });

  it('writes formula-looking cells into the error report as text', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'foreman-report-')), 'report.csv');
    const r = await runCli(['ingest', 'samples/bad/formula_cells.csv', '--dry-run', '--errors-out', out]);
    expect(r.code).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('row,status,reasons,email,name,company,notes');
    expect(lines).toHaveLength(2);
    // The bad email starts with "=", and its notes with "@": both get a leading quote; a cell
    // holding "|" (a DDE separator) is also quoted, which any CSV reader reads back as the same text.
    expect(lines[1]).toMatch(/^4,INVALID,"email: Email ""=cmd\|' \/C calc'!A0"" is not an email address like name@example\.com\. \[FORMAT\]","'=cmd\|' \/C calc'!A0",Mallory,Evil Corp,'@danger$/);
  });
});

describe('foreman ingest: endpoint problems', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // AppSync answers a missing, invalid or expired API key with HTTP 401 and errorType UnauthorizedException.
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('exits 1 and says to check the key when the endpoint refuses it', async () => {
    const r = await runCli(['ingest', 'samples/customers_small.csv', '--endpoint', url, '--api-key', 'da2-expired']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/customers_small\.csv: could not start the ingestion: the endpoint refused the credentials \(HTTP 401 UnauthorizedException\): sign in again — set FOREMAN_ID_TOKEN/);
  });

  it('exits 2 when an endpoint is given without any API key', async () => {
    const r = await runCli(['ingest', path.join(ROOT, 'samples/customers_small.csv'), '--endpoint', url], { cwd: mkdtempSync(path.join(os.tmpdir(), 'foreman-cwd-')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no credentials for');
  });

  it('exits 1 and names the endpoint when nothing answers there', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const r = await runCli(['ingest', 'samples/customers_small.csv', '--endpoint', `http://127.0.0.1:${port}/graphql`, '--api-key', 'k']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Nothing answered at http://127.0.0.1:${port}/graphql`);
  });
});

describe('foreman ingest usage', () => {
  it('documents the exit codes in --help', async () => {
    const r = await runCli(['ingest', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n[\s\S]*\s+2 .*\n[\s\S]*\s+3 /);
  });

  it('refuses an out-of-range batch size and an unknown model with exit 2', async () => {
    const [batch, model, flag] = await Promise.all([
      runCli(['ingest', 'samples/customers_small.csv', '--batch-size', '50']),
      runCli(['ingest', 'samples/customers_small.csv', '--model', 'vendor']),
      runCli(['ingest', 'samples/customers_small.csv', '--no-such-flag']),
    ]);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('--batch-size must be a whole number from 1 to 49');
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/Allowed choices are customer, project, invoice \(any case\)/);
    expect(flag.code).toBe(2);
  });
});

describe('foreman models', () => {
  it('lists every model of the schema with its columns, required marks, uniques and references', async () => {
    const r = await runCli(['models']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Customer \(--model customer, CUSTOMER\): importCustomers, 49 rows a batch$/m);
    expect(r.stdout).toMatch(/^Project \(--model project, PROJECT\): importProjects, 49 rows a batch$/m);
    expect(r.stdout).toMatch(/^Invoice \(--model invoice, INVOICE\): importInvoices, 24 rows a batch$/m);
    expect(r.stdout).toMatch(/^ {2}email +required {2}email, at most 254 characters; unique \(trimmed, any case\)$/m);
    expect(r.stdout).toContain('"email address"');
    // Invoice, declared only in the schema: its unique number, its references and its date rule
    expect(r.stdout).toMatch(/^ {2}invoiceNumber +required {2}text, at most 64 characters; unique \(trimmed, case matters\)$/m);
    expect(r.stdout).toMatch(/^ {2}customerEmail +optional {2}email, at most 254 characters; names the customer by email$/m);
    expect(r.stdout).toMatch(/^ {2}amount +required {2}number ≥ 0, at most 24 characters$/m);
    expect(r.stdout).toMatch(/^ {2}currency +required {2}one of AED, .*… \(\d+ values\), at most 3 characters$/m);
    expect(r.stdout).toContain(
      '  reference customerId → Customer: required (Customer email or customer id), named by customerEmail or customerId; a row naming no existing customer is invalid (UNKNOWN_CUSTOMER)',
    );
    expect(r.stdout).toContain('  reference projectId → Project: optional, named by projectId; a row naming no existing project is invalid (UNKNOWN_PROJECT)');
    expect(r.stdout).toContain('  rule: Due date is not before issue date');
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['models', '--json']);
    const models = JSON.parse(r.stdout) as { model: string; name: string; fields: { field: string; required: boolean; unique?: unknown; values?: string[] }[]; references: { field: string; required: boolean }[] }[];
    expect(models.map((m) => [m.model, m.name])).toEqual([
      ['customer', 'Customer'],
      ['project', 'Project'],
      ['invoice', 'Invoice'],
    ]);
    expect(models[0]!.fields.find((f) => f.field === 'email')!.required).toBe(true);
    const invoice = models[2]!;
    expect(invoice.fields.find((f) => f.field === 'invoiceNumber')!.unique).toEqual({ normalize: 'TRIM', with: [], code: 'DUPLICATE_INVOICE_NUMBER' });
    expect(invoice.fields.find((f) => f.field === 'currency')!.values).toContain('EUR');
    expect(invoice.references.map((x) => [x.field, x.required])).toEqual([
      ['customerId', true],
      ['projectId', false],
    ]);
  });
});

describe('foreman ingest of invoices (a model declared only in the schema)', () => {
  it('detects invoices, or takes --model Invoice, and validates them in a dry run', async () => {
    const [detected, forced] = await Promise.all([
      runCli(['ingest', 'samples/invoices_invalid.csv', '--dry-run', '--json']),
      runCli(['ingest', 'samples/invoices_invalid.csv', '--dry-run', '--model', 'Invoice']),
    ]);
    // samples/README.md: 11 rows, 9 of them invalid (one fault each)
    expect(detected.code).toBe(1);
    expect(JSON.parse(detected.stdout)).toMatchObject({ model: 'invoice', rows: 11, invalid: 9 });
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain('row 5, column "Due date": Due date 2024-06-01 is before issue date 2024-06-15. [RANGE]');
    expect(forced.stdout).toContain('row 6, column "Amount": Amount must be at least 0 (it is -250.00). [RANGE]');
    expect(forced.stdout).toContain('row 10, column "Customer email": Customer email or customer id is required. [REQUIRED]');
  });
});
