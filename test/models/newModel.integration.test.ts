/**
 * The README's recipe, end to end (docs/models.md): in a temporary copy of the repository, add an
 * annotated type (a fourth model, Vendor) and a field to Customer to schema/schema.graphql, run
 * `npm run codegen`, and `foreman ingest` imports them — no other file edited (but the optional
 * hook, a rule no directive declares, in resolvers/functions/checkVendorRows.ts). The stack and the
 * CLI are the copy's own, in their own processes, over HTTP as a user would run them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../infra/bundle';

const TSX = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');

const VENDOR = `
"A supplier (a fixture model: declared here only)."
type Vendor @importable(label: "Vendor", hook: "checkVendorRows") @aws_cognito_user_pools @aws_iam {
  id: ID! @managed
  code: String! @unique(normalize: CASE_INSENSITIVE) @field(label: "Vendor code", maxLength: 12, aliases: ["supplier code"])
  name: String! @field(maxLength: 100, aliases: ["supplier"])
  "The customer account managing the vendor, by email or id."
  accountId: ID @ref(model: "Customer", by: ["email", "id"], label: "Account")
  rating: Int @field(min: 1, max: 5)
  version: Int! @managed
  createdAt: AWSDateTime! @managed
  updatedAt: AWSDateTime! @managed
}
`;

/** A rule no directive declares (docs/models.md, "Hooks"): codes starting with X- are reserved. */
const HOOK = `import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

export function request(ctx: Context) {
  for (const row of ctx.stash.rows) {
    if (row.errors.length === 0 && row.values.code.indexOf('X-') === 0) {
      row.errors.push({ field: 'code', code: 'RESERVED', message: \`Vendor code \${row.values.code} is reserved.\` });
    }
  }
  runtime.earlyReturn(null);
}

export function response() {
  return null;
}
`;

let copy: string;
let stack: ChildProcess;
let graphqlUrl: string;
let token: string;

/** The copy's own CLI against the copy's stack. */
function foreman(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(copy, 'bin/foreman.js'), ...args, '--endpoint', graphqlUrl], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, FOREMAN_ID_TOKEN: token, FOREMAN_CONFIG_DIR: path.join(copy, '.config'), NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function query<T>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ query: text, variables }) });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

function write(name: string, text: string): string {
  const file = path.join(copy, 'work', name);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  copy = mkdtempSync(path.join(os.tmpdir(), 'foreman-new-model-'));
  // The repository as committed (tracked files), with the installed packages linked.
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(copy, file));
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
  mkdirSync(path.join(copy, 'work'));
  // The recipe: annotate the schema, run codegen. Nothing else is edited.
  const schemaFile = path.join(copy, 'schema/schema.graphql');
  const schema = readFileSync(schemaFile, 'utf8').replace(
    '  notes: String @field(maxLength: 2000, aliases: ["note", "comments", "comment", "remarks"])\n',
    '  notes: String @field(maxLength: 2000, aliases: ["note", "comments", "comment", "remarks"])\n  "Added by the test: a new field is validated, stored and returned."\n  website: AWSURL @field(aliases: ["homepage"])\n',
  );
  expect(schema).toContain('website: AWSURL');
  writeFileSync(schemaFile, schema + VENDOR);
  writeFileSync(path.join(copy, 'resolvers/functions/checkVendorRows.ts'), HOOK);
  execFileSync(process.execPath, [TSX, 'node_modules/@graphql-codegen/cli/esm/bin.js', '--config', 'codegen.yml', '--silent'], { cwd: copy });
  // The copy's stack, in its own process.
  stack = spawn(process.execPath, ['--import', 'tsx', path.join(copy, 'test/helpers/stackChild.ts'), JSON.stringify({ inMemory: true, dataDir: path.join(copy, '.foreman'), host: '127.0.0.1', port: 0, tlsPort: null, quiet: true })], {
    cwd: copy,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  stack.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<{ graphqlUrl: string; token: string }>((resolve, reject) => {
    let out = '';
    stack.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { graphqlUrl: string; token: string });
    });
    stack.once('exit', (code) => reject(new Error(`the copy's stack exited (${code}): ${stderr}`)));
  });
  graphqlUrl = ready.graphqlUrl;
  token = ready.token;
}, 300_000);

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once('exit', resolve));
    stack.stdin!.end();
    await exited;
  }
  if (copy) rmSync(copy, { recursive: true, force: true });
}, 60_000);

describe('a model declared only in the schema', () => {
  it('is listed by foreman models with its columns', () => {
    const r = spawnSync(process.execPath, [path.join(copy, 'bin/foreman.js'), 'models'], { cwd: copy, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Vendor');
    expect(r.stdout).toContain('accountEmail');
    expect(r.stdout).toContain('hook: checkVendorRows (a server-side rule of its own');
  }, 180_000);

  it('imports customers with the new field, stored and returned', async () => {
    const file = write('customers.csv', 'Email,Name,Homepage\nada@vendors.test,Ada,https://ada.example.com\nbob@vendors.test,Bob,not a url\n');
    const r = foreman(['ingest', file, '--json']);
    // one row valid, one with a website that is no URL → INVALID, exit 1 ("some rows rejected")
    const summary = JSON.parse(r.stdout) as { created: number; invalid: number };
    expect([summary.created, summary.invalid]).toEqual([1, 1]);
    expect(r.status).toBe(1);
    const data = await query<{ customerByEmail: { name: string; website: string | null } }>('query($e: String!) { customerByEmail(email: $e) { name website } }', { e: 'ada@vendors.test' });
    expect(data.customerByEmail).toEqual({ name: 'Ada', website: 'https://ada.example.com' });
  }, 180_000);

  it('ingests vendors end to end: created, references resolved, duplicates refused, the same file twice refused', async () => {
    const vendors = write(
      'vendors.csv',
      [
        'Supplier code,Supplier,Account email,Rating',
        'V-1,Acme,ada@vendors.test,5',
        'V-2,Globex,,3',
        'v-1,Acme again,,4', // the same code in another case: CASE_INSENSITIVE → duplicate of row 2
        'V-3,Initech,nobody@vendors.test,2', // no such customer
        'V-4,Umbrella,,9', // rating above max 5
        'X-9,Reserved Co,,1', // refused by the hook
      ].join('\n') + '\n',
    );
    // The dry run says the same before anything is written: the model's check query runs its hook too.
    const dry = foreman(['ingest', vendors, '--model', 'vendor', '--dry-run', '--json']);
    const predicted = JSON.parse(dry.stdout) as { duplicates: number; invalid: number; check: { file: string; wouldCreate: number } };
    expect([predicted.check.file, predicted.check.wouldCreate, predicted.duplicates, predicted.invalid, dry.status]).toEqual(['NEW', 2, 1, 3, 1]);
    expect(dry.stdout).toContain('Vendor code X-9 is reserved.');
    expect(dry.stdout).toContain('No account with email nobody@vendors.test.');
    const r = foreman(['ingest', vendors, '--model', 'vendor', '--json']);
    const summary = JSON.parse(r.stdout) as { model: string; created: number; duplicates: number; invalid: number };
    expect([summary.created, summary.duplicates, summary.invalid]).toEqual([2, 1, 3]);
    expect(r.stdout).toContain('Vendor code X-9 is reserved.');
    expect(summary.model).toBe('vendor');
    const list = await query<{ listVendors: { items: { code: string; name: string; accountId: string | null; rating: number | null }[] } }>(
      '{ listVendors(limit: 50) { items { code name accountId rating } } }',
    );
    const ada = await query<{ customerByEmail: { id: string } }>('query($e: String!) { customerByEmail(email: $e) { id } }', { e: 'ada@vendors.test' });
    expect(list.listVendors.items.sort((a, b) => a.code.localeCompare(b.code))).toEqual([
      { code: 'V-1', name: 'Acme', accountId: ada.customerByEmail.id, rating: 5 },
      { code: 'V-2', name: 'Globex', accountId: null, rating: 3 },
    ]);
    // the same bytes again: refused as a duplicate file, exit 3 — and the dry run says so first
    expect(foreman(['ingest', vendors, '--model', 'vendor', '--dry-run']).status).toBe(3);
    expect(foreman(['ingest', vendors, '--model', 'vendor']).status).toBe(3);
    // another file naming V-2 again: the claim refuses it
    const again = foreman(['ingest', write('more.csv', 'Vendor code,Name\nV-2,Second Globex\nV-5,Hooli\n'), '--model', 'vendor', '--json']);
    const second = JSON.parse(again.stdout) as { created: number; duplicates: number };
    expect([second.created, second.duplicates]).toEqual([1, 1]);
  }, 300_000);
});
