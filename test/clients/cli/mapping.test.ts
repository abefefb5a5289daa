/**
 * `foreman ingest --map/--map-file`: the plan shows the mapping, bad mappings exit 2 naming what
 * to change, and a mapped file's values land in the right fields on the real local stack.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable, startTestStack, type TestStack } from '../../helpers/localStack';
import { ROOT, runCli } from './run';

const FILE = 'samples/customers_german_headers.csv';
const MAP = ['--map', 'Kontakt E-Mail=email', '--map', 'Kunde=name', '--map', 'Telefonnummer=phone', '--map', 'Firma=company', '--map', 'Interne Nummer='];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-map-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('foreman ingest --map (dry run)', () => {
  it('refuses the file without a mapping, and reads it with one, showing the mapping in the plan', async () => {
    const [without, mapped] = await Promise.all([runCli(['ingest', FILE, '--dry-run']), runCli(['ingest', FILE, '--dry-run', ...MAP])]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('none of the columns in row 1');
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toMatch(/^ {2}Kontakt E-Mail +→ email {2}\(your mapping\)$/m);
    expect(mapped.stdout).toMatch(/^ {2}Firma +→ company {2}\(your mapping\)$/m);
    expect(mapped.stdout).toContain('ignored (your mapping): "Interne Nummer"');
    expect(mapped.stdout).toContain('3 valid rows, 0 invalid rows');
  });

  it('takes the same mapping from --map-file, and lets --map win over it', async () => {
    const file = path.join(dir, 'mapping.json');
    // "Firma" to the wrong field in the file, corrected on the command line.
    writeFileSync(file, JSON.stringify({ 'Kontakt E-Mail': 'email', Kunde: 'name', Telefonnummer: 'phone', Firma: 'notes', 'Interne Nummer': null }));
    const r = await runCli(['ingest', FILE, '--dry-run', '--json', '--map-file', file, '--map', 'Firma=company']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { mapping: { column: string; field: string | null; explicit: boolean }[] };
    expect(summary.mapping).toEqual([
      { column: 'Kontakt E-Mail', field: 'email', explicit: true },
      { column: 'Kunde', field: 'name', explicit: true },
      { column: 'Telefonnummer', field: 'phone', explicit: true },
      { column: 'Firma', field: 'company', explicit: true },
      { column: 'Interne Nummer', field: null, explicit: true },
    ]);
  });

  it('says which column another column displaced', async () => {
    const r = await runCli(['ingest', 'samples/customers_small.csv', '--dry-run', '--map', 'company=email']);
    expect(r.stdout).toContain('ignored: "email" (your mapping gives email to "company")');
    // Company names are not email addresses: every row invalid, exit 1.
    expect(r.code).toBe(1);
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown field, listing the model fields', ['--map', 'Kunde=kunde'], /"Kunde" to "kunde", which is not a field of customer .*The customer fields are: email, name, phone, company, country, signupDate, notes/],
    ['a column the file does not have', ['--map', 'Customer=name'], /the mapping names "Customer", but row 1 \(the header\) has no such column\. Its columns are: "Kontakt E-Mail", "Kunde"/],
    ['a required field left without a column', ['--map', 'Kontakt E-Mail=email', '--map', 'Kunde=-'], /no column maps to the required Name .*--map "Column=name"/],
    ['a flag without "="', ['--map', 'Kunde'], /--map .*expected "Column=field" \(or "Column=" to ignore the column\), got "Kunde"/],
    ['a missing mapping file', ['--map-file', 'no-such-mapping.json'], /cannot read the mapping file no-such-mapping\.json: no such file/],
  ];
  it.each(bad)('exits 2 for %s', async (_, args, expected) => {
    const r = await runCli(['ingest', FILE, '--dry-run', ...MAP.slice(0, 4), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
  });

  it('exits 2 for a mapping file that is not a JSON object of strings and nulls', async () => {
    const cases: [string, RegExp][] = [
      ['{"Kunde": "name",', /is not valid JSON/],
      ['[["Kunde", "name"]]', /must hold a JSON object of column → field/],
      ['{"Kunde": 7}', /column "Kunde" maps to 7; use a field name, or null/],
    ];
    const results = await Promise.all(
      cases.map(([text], i) => {
        const file = path.join(dir, `bad${i}.json`);
        writeFileSync(file, text);
        return runCli(['ingest', FILE, '--dry-run', '--map-file', file]);
      }),
    );
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  });
});

describe('foreman ingest --map on the local stack', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('creates the customers with the mapped columns in the right fields and nothing from the ignored one', { timeout: 120_000 }, async () => {
    const token = await stack.tokenFor('foreman-admin', ['admins']);
    const r = await runCli(['ingest', path.join(ROOT, FILE), ...MAP, '--endpoint', stack.graphqlUrl], { cwd: dir, env: { FOREMAN_ID_TOKEN: token } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Done in .*: 3 rows — 3 created, 0 duplicate, 0 invalid\.$/m);
    const items = await scanTable(stack, stack.tableNames.Customers);
    const anna = items.find((c) => c.email === 'anna.schmidt@remap.example');
    expect(anna).toMatchObject({ name: 'Anna Schmidt', phone: '+49 30 1234567', company: 'Schmidt GmbH' });
    expect(JSON.stringify(items)).not.toContain('K-1001');
    expect(items.find((c) => c.email === 'lena.fischer@remap.example')!.phone).toBeUndefined();
  });
});
