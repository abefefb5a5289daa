/**
 * .xlsx, .json and .ndjson files through the engine against the real local stack: generated from
 * samples/customers_valid.csv's rows, each imports with the CSV sample's counts and stores the same
 * values (issue 10 point 6).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { ingestFile, type IngestSummary } from '../../../clients/ingest';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { scanTable, startTestStack, stackClients, type TestStack } from '../../helpers/localStack';
import { csvRows, dateCell, writeXlsx } from '../../helpers/xlsx';

let stack: TestStack;
let client: GraphQLClient;
const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-formats-int-'));

beforeAll(async () => {
  stack = await startTestStack();
  client = stackClients(stack).api;
});
afterAll(() => stack?.stop());

const sample = csvRows('samples/customers_valid.csv');
const [header, ...rows] = sample as [string[], ...string[][]];
/** The sample's rows with each email's local part tagged, so each file's customers are new ones. */
const tagged = (tag: string) => rows.map((r) => [tag ? r[0]!.replace('@', `+${tag}@`) : r[0]!, ...r.slice(1)]);

function write(name: string, tag: string): string {
  const file = path.join(dir, name);
  const data = tagged(tag);
  const objects = data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] || null])));
  if (name.endsWith('.xlsx')) writeFileSync(file, writeXlsx([{ name: 'Customers', rows: [header, ...data.map((r) => r.map((cell, c) => (c === 5 && cell ? dateCell(cell) : cell || null)))] }]));
  else if (name.endsWith('.ndjson')) writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n') + '\n');
  else writeFileSync(file, JSON.stringify(objects, null, 2));
  return file;
}

function ingest(file: string): Promise<IngestSummary> {
  return ingestFile({ fileName: path.basename(file), source: fileSource(file), createHasher: nodeSha256, client });
}

/** Stored customers of a tag, by the sample's email, without the fields every record has its own of. */
async function stored(tag: string): Promise<Record<string, unknown>> {
  const all = await scanTable(stack, stack.tableNames.Customers);
  const out: Record<string, unknown> = {};
  for (const c of all) {
    const email = String(c.email);
    if (tag ? !email.includes(`+${tag}@`) : email.includes('+')) continue;
    out[email.replace(`+${tag}@`, '@')] = { name: c.name, phone: c.phone ?? null, company: c.company ?? null, country: c.country ?? null, signupDate: c.signupDate ?? null, notes: c.notes ?? null };
  }
  return out;
}

describe('Excel and JSON files import as the CSV does', () => {
  it('imports the sample as CSV, .xlsx, .json and .ndjson with the same counts and the same stored values', async () => {
    const csv = await ingestFile({ fileName: 'customers_valid.csv', source: fileSource('samples/customers_valid.csv'), createHasher: nodeSha256, client });
    const counts = (s: IngestSummary) => ({ outcome: s.outcome, rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid, unsent: s.unsent, server: s.server });
    expect(counts(csv)).toEqual({ outcome: 'COMPLETED', rows: 20, created: 20, duplicates: 0, invalid: 0, unsent: 0, server: { created: 20, duplicates: 0, invalid: 0, alreadyImported: 0, processed: 20 } });
    const fromCsv = await stored('');
    expect(Object.keys(fromCsv)).toHaveLength(20);
    for (const [name, tag, format] of [
      ['customers.xlsx', 'xlsx', 'xlsx'],
      ['customers.json', 'json', 'json'],
      ['customers.ndjson', 'ndjson', 'ndjson'],
    ] as const) {
      const s = await ingest(write(name, tag));
      expect({ format: s.format, ...counts(s) }, name).toEqual({ format, ...counts(csv) });
      expect(await stored(tag), name).toEqual(fromCsv);
    }
  });

  it('treats the workbook of the CSV’s own customers as theirs: every row a duplicate; the same bytes again a duplicate file', async () => {
    const file = write('same-customers.xlsx', '');
    const s = await ingest(file);
    expect({ rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid }).toEqual({ rows: 20, created: 0, duplicates: 20, invalid: 0 });
    expect((await ingest(file)).outcome).toBe('DUPLICATE_FILE');
  });
});
