/**
 * `foreman ingest --dry-run` asking the API, read-only (issue 10, point 3), as a process against the
 * real local stack: the summary, --json and the exit codes say what the real run would do — rows
 * that would be duplicates or name records that do not exist, a file ingested before (yours: when
 * and which ingestion; someone else's: only that) — and nothing is written. Expected counts are the
 * ones samples/README.md gives for the real runs.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartIngestionDocument, type ModelName } from '../../../clients/api/generated';
import { scanTable, startTestStack, type TestStack } from '../../helpers/localStack';
import { ROOT, runCli } from './run';

let stack: TestStack;
let dir: string;
const sample = (name: string) => path.join(ROOT, 'samples', name);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  stack = await startTestStack();
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-dry-'));
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `foreman ingest ARGS` as user `name` (an importer) against the test stack; dry runs ask the API. */
async function ingestAs(name: string, args: string[]) {
  const token = await stack.tokenFor(name, ['importers']);
  return runCli(['ingest', ...args, '--endpoint', stack.graphqlUrl], { cwd: dir, env: { FOREMAN_ID_TOKEN: token, FOREMAN_OFFLINE: '' } });
}

/** Every item of every table, for "nothing was written". */
async function everything(): Promise<string> {
  const all: Record<string, unknown[]> = {};
  for (const [id, name] of Object.entries(stack.tableNames)) all[id] = (await scanTable(stack, name)).map((i) => JSON.stringify(i)).sort();
  return JSON.stringify(all);
}

describe('foreman ingest --dry-run with an API', () => {
  let firstId = '';
  let firstStartedAt = '';

  beforeAll(async () => {
    // The northwind customers (samples/README.md: the customers every other sample names).
    const first = await ingestAs('ines', [sample('customers_valid.csv'), '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { ingestionId: string; created: number };
    expect(summary.created).toBe(20);
    firstId = summary.ingestionId;
    const ingestion = (await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Ingestions, Key: { pk: firstId, sk: 'META' } }))).Item!;
    firstStartedAt = ingestion.startedAt as string;
  }, 180_000);

  it('lists the rows that would be duplicates, naming their owners, exits 1 and writes nothing', async () => {
    const before = await everything();
    const r = await ingestAs('ines', [sample('customers_with_duplicates.csv'), '--dry-run']);
    expect(await everything()).toBe(before);
    expect(r.code).toBe(1);
    // samples/README.md: after customers_valid.csv, 8 created and 6 duplicates.
    expect(r.stdout).toMatch(/^Dry run: 14 rows read and checked with the API in [\d.]+ s — 8 would be created, 6 duplicate, 0 invalid\. Nothing was written\.$/m);
    expect(r.stdout).toContain('Server check: this file was never ingested; the rows were checked as the import would check them.');
    const duplicates = r.stdout.slice(r.stdout.indexOf('Duplicates (6):')).split('\n').slice(1, 7);
    expect(duplicates).toEqual([
      '  row 5, column "Email": Email alice.petrov@dupes.example already belongs to row 2 of this file. [DUPLICATE_EMAIL]',
      '  row 8, column "Email": Email chloe.jensen@dupes.example already belongs to row 4 of this file. [DUPLICATE_EMAIL]',
      `  row 12, column "Email": alice.petrov@northwind.example already belongs to customer ${firstId}-r00000002 (row 2 of ingestion ${firstId})`,
      `  row 13, column "Email": farah.novak@northwind.example already belongs to customer ${firstId}-r00000007 (row 7 of ingestion ${firstId})`,
      `  row 14, column "Email": kenji.kowalski@northwind.example already belongs to customer ${firstId}-r00000012 (row 12 of ingestion ${firstId})`,
      '  row 15, column "Email": Email farah.novak@dupes.example already belongs to row 9 of this file. [DUPLICATE_EMAIL]',
    ]);
  });

  it('reports the references that name no customer, per row, in --json, with the real run’s exit code', async () => {
    const r = await ingestAs('ines', [sample('projects.csv'), '--dry-run', '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as {
      outcome: string;
      exitCode: number;
      created: number;
      invalid: number;
      duplicates: number;
      check: Record<string, unknown>;
      rejected: { row: number; status: string; errors: { column: string; code: string; message: string }[]; message: string }[];
    };
    // samples/README.md: after customers_valid.csv, 6 created and 4 invalid (rows 7 and 9 only the server can tell).
    expect(summary).toMatchObject({ outcome: 'DRY_RUN', exitCode: 1, created: 0, invalid: 4, duplicates: 0 });
    expect(summary.check).toMatchObject({ status: 'CHECKED', reason: null, file: 'NEW', previous: null, rowsChecked: 8, wouldCreate: 6, uncheckedFrom: null });
    const unknown = summary.rejected.filter((x) => x.errors[0]!.code === 'UNKNOWN_CUSTOMER');
    expect(unknown.map((x) => [x.row, x.status, x.errors[0]!.column, x.message])).toEqual([
      [7, 'INVALID', 'Customer Email', 'row 7, column "Customer Email": No customer with email nobody@unknown.example. [UNKNOWN_CUSTOMER]'],
      [9, 'INVALID', 'Customer Email', 'row 9, column "Customer Email": No customer with email ghost@unknown.example. [UNKNOWN_CUSTOMER]'],
    ]);
    expect(r.stderr).toContain(`Endpoint   ${stack.graphqlUrl} (flags)`);
  });

  it('says a file you ingested before was ingested, when and as which ingestion, and exits 3', async () => {
    const before = await everything();
    const r = await ingestAs('ines', [sample('customers_valid_copy.csv'), '--dry-run']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      `This file was ingested before on ${firstStartedAt} (ingestion ${firstId}, as ${sample('customers_valid.csv')}, completed): a real run would do nothing and exit 3.`,
    );
    const json = JSON.parse((await ingestAs('ines', [sample('customers_valid_copy.csv'), '--dry-run', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ outcome: 'DRY_RUN', exitCode: 3, duplicateOf: { ingestionId: firstId, startedAt: firstStartedAt, status: 'COMPLETED' }, check: { file: 'DUPLICATE', rowsChecked: 0 } });
    expect(await everything()).toBe(before);
  });

  it('says only that someone else’s file was ingested before, and exits 3', async () => {
    const r = await ingestAs('omar', [sample('customers_valid.csv'), '--dry-run', '--json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ exitCode: 3, duplicateOf: null, check: { file: 'DUPLICATE', previous: null } });
    expect(r.stdout).not.toContain(firstId);
    expect(r.stderr).toContain('This file was ingested before, by another user: a real run would do nothing and exit 3.');
    expect(r.stderr).not.toContain(firstId);
  });

  it('says an unfinished ingestion would be resumed (yours) or refused (someone else’s)', async () => {
    const file = sample('customers_small.csv');
    const { startIngestion } = await (await stack.clientFor('ines', ['importers'])).request(StartIngestionDocument, {
      input: { fileName: 'small.csv', sha256: sha(file), model: 'CUSTOMER' as ModelName, source: 'CLI' },
    });
    const open = startIngestion.ingestion!;
    const mine = await ingestAs('ines', [file, '--dry-run']);
    expect(mine.code).toBe(0);
    expect(mine.stdout).toContain(`An ingestion of this file did not finish (${open.id}, started ${open.startedAt}, running): a real run resumes it.`);
    expect(mine.stdout).toMatch(/— 5 would be created, 0 duplicate, 0 invalid\./);
    const theirs = await ingestAs('omar', [file, '--dry-run']);
    expect(theirs.code).toBe(1);
    expect(theirs.stdout).toContain('Another user’s ingestion of this file has not finished: a real run would be refused (only they or an admin can continue it), exit 1.');
    expect(theirs.stdout).not.toContain(open.id);
  });

  it('exits 0 for a file a real run would ingest whole', async () => {
    const r = await ingestAs('ines', [sample('customers_medium.csv'), '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/— 60 would be created, 0 duplicate, 0 invalid\. Nothing was written\./);
  });
});

describe('foreman ingest --dry-run without an API', () => {
  it('checks locally and says the server check was skipped, and why, when nothing answers', async () => {
    const r = await runCli(['ingest', sample('customers_with_duplicates.csv'), '--dry-run', '--endpoint', 'http://127.0.0.1:9/graphql'], { env: { FOREMAN_ID_TOKEN: 'x', FOREMAN_OFFLINE: '' } });
    // Locally every row is valid: the exit code is the local check's.
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run: 14 rows read in');
    expect(r.stdout).toMatch(/Server check skipped: Nothing answered at http:\/\/127\.0\.0\.1:9\/graphql: .*Is the endpoint right and the server running\? Only the rows themselves were checked/);
  });

  it('asks no API with --offline (or FOREMAN_OFFLINE=1), and refuses --offline without --dry-run', async () => {
    const r = await runCli(['ingest', sample('customers_invalid.csv'), '--dry-run', '--offline', '--json'], { env: { FOREMAN_OFFLINE: '' } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'DRY_RUN', invalid: 9, check: { status: 'SKIPPED', reason: null } });
    expect(r.stderr).not.toContain('Endpoint');
    expect(r.stderr).toContain('Server check skipped: --offline asks no API.');
    const env = await runCli(['ingest', sample('customers_small.csv'), '--dry-run'], { env: { FOREMAN_OFFLINE: '1' } });
    expect(env.code).toBe(0);
    expect(env.stdout).toContain('Server check skipped: FOREMAN_OFFLINE asks no API.');
    const bad = await runCli(['ingest', sample('customers_small.csv'), '--offline']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('foreman: --offline only goes with --dry-run: a real run needs the API. Add --dry-run to check the file without it.\n');
  });
});
