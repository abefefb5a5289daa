/**
 * Saved mappings in the CLI (issue 10 point 1): `foreman ingest --save-mapping` saves the mapping
 * used, the next file with the same header row gets it ("Using your saved mapping from …"), `--map`
 * overrides it column by column, `--no-saved-mapping` ignores it; `foreman mappings list|show|delete`
 * with their exit codes. Against a real local stack as two users, and once against the embedded
 * stack a bare `foreman` starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingFingerprint, modelByKey } from '../../../clients/ingest';
import { nodeDigest } from '../../../clients/ingest/node';
import { scanTable, startTestStack, type TestStack } from '../../helpers/localStack';
import { ROOT, runCli } from './run';

const GERMAN_FILE = path.join(ROOT, 'samples/customers_german_headers.csv');
const HEADERS = ['Kontakt E-Mail', 'Kunde', 'Telefonnummer', 'Firma', 'Interne Nummer'];
const MAP = ['--map', 'Kontakt E-Mail=email', '--map', 'Kunde=name', '--map', 'Telefonnummer=phone', '--map', 'Firma=company', '--map', 'Interne Nummer='];
const WHEN = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/;

let dir: string;
let stack: TestStack;
let fingerprint: string;
let short: string;
/** Runs the CLI against the test stack as `user` (an importer). */
let as: (user: string) => (args: string[]) => ReturnType<typeof runCli>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-saved-'));
  stack = await startTestStack();
  fingerprint = await mappingFingerprint(modelByKey('customer')!, HEADERS, nodeDigest);
  short = fingerprint.slice(0, 12);
  as = (user) => async (args) => runCli([...args, '--endpoint', stack.graphqlUrl], { cwd: dir, env: { FOREMAN_ID_TOKEN: await stack.tokenFor(user, ['importers']), FOREMAN_OFFLINE: '' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Saves ines's mapping of the German sample (again: saving replaces it). Once the first test has
 * ingested the sample, the dry run's server check says so (exit 3, as the real run would); a
 * duplicate file still saves the mapping (docs/mappings.md).
 */
async function saveGerman(): Promise<void> {
  const r = await as('ines')(['ingest', GERMAN_FILE, ...MAP, '--dry-run', '--save-mapping']);
  expect([0, 3]).toContain(r.code);
  expect(r.stdout).toContain('Saved this mapping as yours for this header row (customer)');
}

/** `file` in the test's directory with `text`. */
function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('foreman ingest with saved mappings', { timeout: 300_000 }, () => {
  it('saves the mapping of a dry run with --save-mapping, then applies it to the same header row, and creates the rows with it', async () => {
    const ines = as('ines');
    const save = await ines(['ingest', GERMAN_FILE, ...MAP, '--dry-run', '--save-mapping']);
    expect(save.code).toBe(0);
    expect(save.stdout).toContain(`Saved this mapping as yours for this header row (customer): it is applied the next time. \`foreman mappings show ${short}\` shows it.`);
    const listed = JSON.parse((await ines(['mappings', 'list', '--json'])).stdout) as { fingerprint: string; model: string; headers: string[]; mapping: Record<string, string | null> }[];
    expect(listed).toEqual([
      expect.objectContaining({ fingerprint, model: 'CUSTOMER', headers: HEADERS, mapping: { 'Kontakt E-Mail': 'email', Kunde: 'name', Telefonnummer: 'phone', Firma: 'company', 'Interne Nummer': null } }),
    ]);

    // No --map: the saved mapping decides, and the plan says so.
    const run = await ines(['ingest', GERMAN_FILE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Using your saved mapping from ${WHEN.source} \\(foreman mappings show ${short}\\)$`, 'm'));
    expect(run.stdout).toMatch(/^Model {6}customer \(your saved mapping\)$/m);
    expect(run.stdout).toMatch(/^ {2}Kontakt E-Mail +→ email {2}\(your saved mapping\)$/m);
    expect(run.stdout).toContain('ignored (your saved mapping): "Interne Nummer"');
    expect(run.stdout).toMatch(/^Done in .*: 3 rows — 3 created, 0 duplicate, 0 invalid\.$/m);
    const anna = (await scanTable(stack, stack.tableNames.Customers)).find((c) => c.email === 'anna.schmidt@remap.example');
    expect(anna).toMatchObject({ name: 'Anna Schmidt', phone: '+49 30 1234567', company: 'Schmidt GmbH' });
  });

  it('applies it to a header row written differently (case, spacing, punctuation) and lets --map override a column', async () => {
    await saveGerman();
    const ines = as('ines');
    const file = csv('other_spelling.csv', 'kontakt_e_mail,KUNDE, telefonnummer ,firma,interne-nummer\nsame.header@remap.example,Same Header,,Header AG,K-9\n');
    const plain = JSON.parse((await ines(['ingest', file, '--dry-run', '--json'])).stdout) as { savedMapping: unknown; mapping: unknown[]; exitCode: number };
    expect(plain.exitCode).toBe(0);
    expect(plain.savedMapping).toEqual({ fingerprint, model: 'customer', updatedAt: expect.any(String), applied: true, problem: null });
    const over = await ines(['ingest', file, '--dry-run', '--map', 'firma=notes']);
    expect(over.code).toBe(0);
    expect(over.stdout).toMatch(/^ {2}firma +→ notes {2}\(your mapping\)$/m);
    expect(over.stdout).toMatch(/^ {2}KUNDE +→ name {2}\(your saved mapping\)$/m);
    // taking a field from the saved column leaves that column ignored
    const taken = await ines(['ingest', file, '--dry-run', '--map', 'interne-nummer=company']);
    expect(taken.stdout).toMatch(/^ {2}interne-nummer +→ company {2}\(your mapping\)$/m);
    expect(taken.stdout).toContain('ignored (your saved mapping): "firma"');
  });

  it('ignores it with --no-saved-mapping (these headers alone map nothing: exit 2)', async () => {
    await saveGerman();
    const r = await as('ines')(['ingest', GERMAN_FILE, '--dry-run', '--no-saved-mapping']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('none of the columns in row 1');
    expect(r.stdout).not.toContain('saved mapping');
  });

  it('is one user’s own: another importer’s file with the same header row is not mapped by it', async () => {
    await saveGerman();
    const r = await as('omar')(['ingest', GERMAN_FILE, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('none of the columns in row 1');
    expect((await as('omar')(['mappings', 'list'])).stdout).toBe(`You have no saved mappings at ${stack.graphqlUrl}. \`foreman ingest FILE --save-mapping\` saves one.\n`);
  });

  it('exits 1 saying why when --save-mapping cannot save (501 columns), after a run that was fine', async () => {
    const headers = ['email', 'name', ...Array.from({ length: 499 }, (_, i) => `extra ${i + 1}`)];
    const file = csv('wide.csv', `${headers.join(',')}\nwide@remap.example,Wide Row${','.repeat(499)}\n`);
    const r = await as('ines')(['ingest', file, '--dry-run', '--save-mapping']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 would be created, 0 duplicate, 0 invalid. Nothing was written.');
    expect(r.stderr).toContain('could not save the mapping: the mapping cannot be saved: headers holds 501 columns; a saved mapping takes at most 500');
  });
});

describe('foreman mappings', { timeout: 300_000 }, () => {
  it('lists, shows (by any unique prefix) and deletes a saved mapping, and then the file is refused again', async () => {
    await saveGerman();
    const ines = as('ines');
    const list = await ines(['mappings', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FINGERPRINT +MODEL +SAVED \(UTC\) +COLUMNS +MAPPED +HEADER ROW$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${short}  customer  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} +5 +4  "Kontakt E-Mail", "Kunde", "Telefonnummer", "Firma", "Interne Nummer"$`));

    for (const prefix of [short, fingerprint.slice(0, 6).toUpperCase(), fingerprint]) {
      const show = await ines(['mappings', 'show', prefix]);
      expect(show.code, prefix).toBe(0);
      expect(show.stdout.split('\n').slice(0, 4)).toEqual([`Fingerprint  ${fingerprint}`, 'Model        customer', expect.stringMatching(new RegExp(`^Saved {8}${WHEN.source}( \\(first saved ${WHEN.source}\\))?$`)), 'Columns      5, in the order of the header row it applies to']);
      expect(show.stdout).toContain('  "Kontakt E-Mail"  → email\n');
      expect(show.stdout).toContain('  "Interne Nummer"  → (ignored)\n');
    }
    const json = JSON.parse((await ines(['mappings', 'show', short, '--json'])).stdout) as { fingerprint: string; mapping: unknown };
    expect(json).toMatchObject({ fingerprint, mapping: { Firma: 'company' } });

    const del = await ines(['mappings', 'delete', short, '--model', 'Customer']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(new RegExp(`^Deleted your saved mapping ${short} \\(customer, saved ${WHEN.source}\\)\\. Files with its header row are mapped by their headers again\\.\\n$`));
    const again = await ines(['mappings', 'show', short]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`foreman: you have no saved mapping ${short} at ${stack.graphqlUrl}. \`foreman mappings list\` shows yours.\n`);
    expect((await ines(['ingest', GERMAN_FILE, '--dry-run'])).code).toBe(2);
  });

  it('exits 2 for what is not a fingerprint, one that names none of yours, or one of another model; 1 when the endpoint fails', async () => {
    await saveGerman();
    const ines = as('ines');
    const [notHex, tooShort, unknown, otherModel, otherUser] = await Promise.all([
      ines(['mappings', 'show', 'not-a-fingerprint']),
      ines(['mappings', 'delete', 'abc']),
      ines(['mappings', 'delete', '0'.repeat(64)]),
      ines(['mappings', 'delete', short, '--model', 'project']),
      as('omar')(['mappings', 'delete', fingerprint]),
    ]);
    expect([notHex, tooShort].map((r) => [r.code, r.stderr])).toEqual([
      [2, 'foreman: "not-a-fingerprint" is not a mapping fingerprint: give 6 to 64 of its hexadecimal characters, as `foreman mappings list` shows them.\n'],
      [2, 'foreman: "abc" is not a mapping fingerprint: give 6 to 64 of its hexadecimal characters, as `foreman mappings list` shows them.\n'],
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([2, `foreman: you have no saved mapping ${'0'.repeat(64)} at ${stack.graphqlUrl}. \`foreman mappings list\` shows yours.\n`]);
    expect([otherModel.code, otherModel.stderr]).toEqual([2, `foreman: you have no saved mapping ${short} for project at ${stack.graphqlUrl}. \`foreman mappings list\` shows yours.\n`]);
    expect([otherUser.code, otherUser.stderr]).toEqual([2, `foreman: you have no saved mapping ${fingerprint} at ${stack.graphqlUrl}. \`foreman mappings list\` shows yours.\n`]);
    // still there: nobody deleted it
    expect((await ines(['mappings', 'show', short])).code).toBe(0);
    const dead = await runCli(['mappings', 'list', '--endpoint', 'http://127.0.0.1:1/graphql'], { cwd: dir, env: { FOREMAN_ID_TOKEN: 'x' } });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/^foreman: Nothing answered at http:\/\/127\.0\.0\.1:1\/graphql: .*Is the endpoint right and the server running\?\n$/);
  });
});

describe('saved mappings on the embedded local stack (no endpoint configured)', { timeout: 600_000 }, () => {
  it('an --offline dry run does not start one to look mappings up, and says so when a mapping would have helped', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'foreman-bare-'));
    try {
      const r = await runCli(['ingest', GERMAN_FILE, '--dry-run', '--offline'], { cwd: bare });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain('starting the embedded local AppSync');
      expect(r.stderr).toMatch(/none of the columns in row 1 .* \(Your saved mappings were not looked up: --offline asks no API\. Leave it out to use them\.\)\n$/);
      // --offline cannot save one either
      const both = await runCli(['ingest', GERMAN_FILE, ...MAP, '--dry-run', '--offline', '--save-mapping'], { cwd: bare });
      expect([both.code, both.stderr]).toEqual([2, 'foreman: --save-mapping saves your mapping through the API, which --offline does not ask. Leave one of them out.\n']);

      // --save-mapping starts it (the mapping is kept in .foreman/), and `foreman mappings` finds it there
      const save = await runCli(['ingest', GERMAN_FILE, ...MAP, '--dry-run', '--save-mapping'], { cwd: bare });
      expect(save.code).toBe(0);
      expect(save.stderr).toContain('starting the embedded local AppSync');
      const list = await runCli(['mappings', 'list', '--json'], { cwd: bare });
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as { fingerprint: string }[]).map((m) => m.fingerprint)).toEqual([fingerprint]);
      // a real run looks it up on the stack it starts anyway
      const run = await runCli(['ingest', GERMAN_FILE], { cwd: bare });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Using your saved mapping from ${WHEN.source} \\(foreman mappings show ${short}\\)$`, 'm'));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
