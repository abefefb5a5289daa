/**
 * `foreman ingest` on Excel workbooks, JSON and NDJSON (issue 10 point 6), the files generated from
 * samples/customers_valid.csv's rows. Dry runs: no endpoint is needed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run';
import { csvRows, dateCell, writeCompoundFile, writeXlsx, type XCell } from '../../helpers/xlsx';

const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-formats-'));
const file = (name: string) => path.join(dir, name);
const sample = csvRows('samples/customers_valid.csv');
const header = sample[0]!;
const rows = sample.slice(1);
const asSheet = (): XCell[][] => [header, ...rows.map((r) => r.map((cell, c) => (c === 5 && cell ? dateCell(cell) : cell || null)))];
const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] || null])));

interface Summary {
  outcome: string;
  format: string;
  sheet: string | null;
  rows: number;
  invalid: number;
  exitCode: number;
  rejected: { row: number; errors: { column: string | null; code: string; message: string }[] }[];
}

beforeAll(() => {
  writeFileSync(file('customers.xlsx'), writeXlsx([{ name: 'Customers', rows: asSheet() }, { name: 'Notes', rows: [['name'], ['not customers']] }]));
  writeFileSync(file('two.xlsx'), writeXlsx([{ name: 'Empty', rows: [] }, { name: 'Customers 2024', rows: asSheet() }]));
  const broken = asSheet();
  broken[2]![1] = { v: '#N/A', t: 'e', f: 'VLOOKUP(A3,Sheet2!A:B,2,FALSE)' };
  broken[4]![5] = { f: 'TODAY()' };
  writeFileSync(file('broken.xlsx'), writeXlsx([{ name: 'Customers', rows: broken }]));
  writeFileSync(file('locked.xlsx'), writeCompoundFile({ EncryptionInfo: new Uint8Array(4096).fill(4), EncryptedPackage: new Uint8Array(8192).fill(7) }));
  writeFileSync(file('customers.json'), JSON.stringify(objects, null, 2));
  writeFileSync(file('customers.ndjson'), objects.map((o) => JSON.stringify(o)).join('\n') + '\n');
  const lines = objects.map((o) => JSON.stringify(o));
  lines[2] = lines[2]!.slice(0, 30);
  writeFileSync(file('broken.ndjson'), lines.join('\n') + '\n');
  writeFileSync(file('wrapped.json'), JSON.stringify({ customers: objects }, null, 2));
  writeFileSync(file('nested.json'), JSON.stringify(objects.map((o, i) => (i === 1 ? { ...o, Company: { name: 'Contoso' } } : o))));
});

describe('foreman ingest on .xlsx, .json and .ndjson files', () => {
  it('reads an .xlsx workbook’s first sheet: --dry-run --json counts the sample’s rows, all valid', async () => {
    const r = await runCli(['ingest', file('customers.xlsx'), '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s).toMatchObject({ outcome: 'DRY_RUN', format: 'xlsx', sheet: 'Customers', rows: 20, invalid: 0, exitCode: 0 });
    expect(r.stderr).toContain('Format     Excel workbook, sheet "Customers" (1 of 2)');
    // The dates were Excel date cells; they come out as the model's YYYY-MM-DD.
    expect(r.stderr).toMatch(/2018-12-09/);
  });

  it('reads the sheet --sheet names, by name in any case or by number', async () => {
    const [byName, byNumber] = await Promise.all([runCli(['ingest', file('two.xlsx'), '--sheet', 'customers 2024', '--dry-run', '--json']), runCli(['ingest', file('two.xlsx'), '--sheet', '2', '--dry-run', '--json'])]);
    for (const r of [byName, byNumber]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ format: 'xlsx', sheet: 'Customers 2024', rows: 20, invalid: 0 });
    }
  });

  it('exits 2 for a --sheet the workbook does not have, listing its sheets', async () => {
    const r = await runCli(['ingest', file('customers.xlsx'), '--sheet', 'Invoices', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`foreman: ${file('customers.xlsx')}: the workbook has no sheet "Invoices". Its sheets are: 1 "Customers", 2 "Notes". Pass --sheet with one of these names or numbers.`);
    const json = await runCli(['ingest', file('customers.xlsx'), '--sheet', '3', '--dry-run', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'UNUSABLE_FILE', problem: 'NO_SUCH_SHEET', exitCode: 2 });
  });

  it('exits 2 for an empty first sheet, pointing at the others, and for --sheet on a CSV file', async () => {
    const [empty, csv] = await Promise.all([runCli(['ingest', file('two.xlsx'), '--dry-run']), runCli(['ingest', 'samples/customers_valid.csv', '--sheet', '1', '--dry-run'])]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toBe(`foreman: ${file('two.xlsx')}: sheet "Empty" is empty: it has no header row and no data. Pick another sheet with --sheet (its sheets: 1 "Empty", 2 "Customers 2024").`);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--sheet is for Excel workbooks (.xlsx), and this is a CSV file, which has no sheets. Leave --sheet out.');
  });

  it('exits 2 for a password-protected workbook, saying how to remove the password', async () => {
    const r = await runCli(['ingest', file('locked.xlsx'), '--dry-run', '--json']);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout) as { problem: string; message: string };
    expect(s.problem).toBe('ENCRYPTED');
    expect(s.message).toContain('the workbook is password-protected (encrypted)');
  });

  it('names an error value and a formula without a saved value by row and column, and exits 1', async () => {
    const r = await runCli(['ingest', file('broken.xlsx'), '--dry-run', '--json']);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s).toMatchObject({ rows: 20, invalid: 2 });
    expect(s.rejected.map((x) => [x.row, x.errors.map((e) => [e.column, e.code])])).toEqual([
      [3, [['Full Name', 'CELL_ERROR']]],
      [5, [['Signup Date', 'NO_CACHED_VALUE']]],
    ]);
    expect(s.rejected[0]!.errors[0]!.message).toBe('cell B3 holds the error value #N/A (its formula =VLOOKUP(A3,Sheet2!A:B,2,FALSE) failed): fix or clear the cell');
  });

  it('reads a JSON array and NDJSON with the sample’s counts', async () => {
    const [json, ndjson] = await Promise.all([runCli(['ingest', file('customers.json'), '--dry-run', '--json']), runCli(['ingest', file('customers.ndjson'), '--dry-run', '--json'])]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'json', rows: 20, invalid: 0, blankRows: 0 });
    expect(json.stderr).toContain('Format     JSON array of objects, UTF-8');
    expect(ndjson.code).toBe(0);
    expect(JSON.parse(ndjson.stdout)).toMatchObject({ format: 'ndjson', rows: 20, invalid: 0, blankRows: 0 });
  });

  it('makes a broken NDJSON line and a nested value invalid rows, by row number', async () => {
    const [broken, nested] = await Promise.all([runCli(['ingest', file('broken.ndjson'), '--dry-run']), runCli(['ingest', file('nested.json'), '--dry-run', '--json'])]);
    expect(broken.code).toBe(1);
    // The line's start, and nothing else: a line that is no object has no cells to check.
    expect(broken.stdout).toMatch(/Invalid rows \(1\):\n  row 3: line 3 is not valid JSON \(.+\): \{"Email":"chloe\.jensen@northwi \[MALFORMED_JSON\]\n/);
    expect(broken.stdout).not.toContain('[REQUIRED]');
    expect(nested.code).toBe(1);
    const s = JSON.parse(nested.stdout) as Summary;
    expect(s.rejected).toHaveLength(1);
    expect(s.rejected[0]).toMatchObject({ row: 2, errors: [{ column: 'Company', code: 'NESTED_VALUE' }] });
  });

  it('exits 2 for a JSON object that is not an array', async () => {
    const r = await runCli(['ingest', file('wrapped.json'), '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrapped.json: the file holds a JSON object, not an array of objects.');
  });
});
