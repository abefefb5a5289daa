/**
 * Invoice, a model declared only in schema/schema.graphql, through the CLI against the local stack
 * (issue 9 "Must show"): the samples ingest with the counts samples/README.md reasons out row by
 * row; invoice numbers stay unique within a file, across files and under 8 concurrent ingestions;
 * invoices naming unknown customers are INVALID rows with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../clients/cli/run';
import { scanTable, startTestStack, type TestStack } from '../helpers/localStack';

interface Summary {
  model: string;
  created: number;
  duplicates: number;
  invalid: number;
  exitCode: number;
}

let stack: TestStack;
let token: string;

async function ingest(file: string, extra: string[] = []): Promise<{ code: number | null; summary: Summary; stdout: string }> {
  const r = await runCli(['ingest', file, '--endpoint', stack.graphqlUrl, '--json', ...extra], { env: { FOREMAN_ID_TOKEN: token } });
  expect(r.stdout, r.stderr).not.toBe('');
  return { code: r.code, summary: JSON.parse(r.stdout) as Summary, stdout: r.stdout };
}

const counts = (s: Summary): [number, number, number] => [s.created, s.duplicates, s.invalid];

beforeAll(async () => {
  stack = await startTestStack();
  token = await stack.tokenFor('invoice-importer', ['importers']);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('the Invoice samples, in the order samples/README.md gives', () => {
  it('customers, then invoices: valid, duplicates, invalid, unknown customers', async () => {
    const customers = await ingest('samples/customers_valid.csv');
    expect([customers.code, ...counts(customers.summary)]).toEqual([0, 20, 0, 0]);

    const valid = await ingest('samples/invoices_valid.csv');
    // detected from the headers, not told
    expect(valid.summary.model).toBe('invoice');
    expect([valid.code, ...counts(valid.summary)]).toEqual([0, 20, 0, 0]);

    const duplicates = await ingest('samples/invoices_duplicates.csv');
    expect([duplicates.code, ...counts(duplicates.summary)]).toEqual([1, 6, 8, 0]);
    expect(duplicates.stdout).toContain('DUPLICATE_INVOICE_NUMBER');

    const invalid = await ingest('samples/invoices_invalid.csv');
    expect([invalid.code, ...counts(invalid.summary)]).toEqual([1, 2, 0, 9]);
    expect(invalid.stdout).toContain('Due date 2024-06-01 is before issue date 2024-06-15.');
    expect(invalid.stdout).toContain('Customer email or customer id is required.');

    const unknown = await ingest('samples/invoices_unknown_customer.csv');
    expect([unknown.code, ...counts(unknown.summary)]).toEqual([1, 2, 0, 6]);
    expect(unknown.stdout).toContain('No customer with email nobody@nowhere.example.');
    expect(unknown.stdout).toContain('No project with id PRJ-0000-NOPE.');

    // 20 + 6 + 2 + 2 invoices, each its own number, each claimed once
    const invoices = await scanTable(stack, 'foreman-invoices');
    expect(invoices).toHaveLength(30);
    const numbers = invoices.map((i) => i.invoiceNumber as string);
    expect(new Set(numbers).size).toBe(30);
    const claims = (await scanTable(stack, 'foreman-uniques')).filter((c) => String(c.key).startsWith('invoice.invoiceNumber#'));
    expect(claims.map((c) => c.key).sort()).toEqual(numbers.map((n) => `invoice.invoiceNumber#${n.normalize('NFC')}`).sort());
    // every invoice points at an existing customer; currencies stored upper-case, amounts as numbers
    const customerIds = new Set((await scanTable(stack, 'foreman-customers')).map((c) => c.id));
    expect(invoices.filter((i) => !customerIds.has(i.customerId))).toEqual([]);
    expect(invoices.filter((i) => !/^[A-Z]{3}$/.test(String(i.currency)))).toEqual([]);
    expect(invoices.filter((i) => typeof i.amount !== 'number')).toEqual([]);
  }, 300_000);
});

describe('invoice numbers under 8 concurrent ingestions', () => {
  it('keeps one invoice per number, and every row is created or a duplicate', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-invoices-'));
    // 8 files of 40 rows drawing on 60 numbers: file k holds numbers k*7 … k*7+39 (mod 60), so
    // neighbouring files overlap on most of their numbers and every number is in some file.
    const files = Array.from({ length: 8 }, (_, k) => {
      const rows = Array.from({ length: 40 }, (_, i) => {
        const n = (k * 7 + i) % 60;
        return `RACE-${String(n).padStart(3, '0')},alice.petrov@northwind.example,${k}.${i},EUR,2024-03-01,2024-03-31`;
      });
      const file = path.join(dir, `race-${k}.csv`);
      writeFileSync(file, `Invoice number,Customer email,Amount,Currency,Issue date,Due date\n${rows.join('\n')}\n`);
      return file;
    });
    const covered = new Set(Array.from({ length: 8 }, (_, k) => Array.from({ length: 40 }, (_, i) => (k * 7 + i) % 60)).flat());
    const runs = await Promise.all(files.map((f) => ingest(f, ['--concurrency', '4'])));
    const created = runs.reduce((n, r) => n + r.summary.created, 0);
    const duplicates = runs.reduce((n, r) => n + r.summary.duplicates, 0);
    // each number is created exactly once across the 8 runs; every other row is its duplicate
    expect(created).toBe(covered.size);
    expect(created + duplicates).toBe(8 * 40);
    expect(runs.map((r) => r.summary.invalid)).toEqual(Array(8).fill(0));
    const race = (await scanTable(stack, 'foreman-invoices')).filter((i) => String(i.invoiceNumber).startsWith('RACE-'));
    expect(race).toHaveLength(covered.size);
    expect(new Set(race.map((i) => i.invoiceNumber)).size).toBe(covered.size);
  }, 300_000);
});
