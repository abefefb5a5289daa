/**
 * The CLI details of issue 10, point 7: `foreman ingestions`, created rows' ids in `--json` and
 * `--ids-out`, `--model` in any case, pointers for the old CLI's flags, `foreman watch` of an
 * unknown id as bad usage — the real CLI, against the real local stack where it talks to one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartIngestionDocument, type IngestionFieldsFragment, type IngestionSource, type ModelName } from '../../../clients/api/generated';
import { listIngestions } from '../../../clients/cli/commands/ingestions';
import { oldFlagHint } from '../../../clients/cli/errors';
import { scanTable, startTestStack, type TestStack } from '../../helpers/localStack';
import { ROOT, runCli } from './run';

// One test at a time: each starts several CLI processes at once, and two cores are shared with the
// other test files' JVMs.
describe('old flags, --model in any case', () => {
  it('points --file at `foreman ingest FILE`, with the file named, and exits 2', async () => {
    const [top, sub, eq] = await Promise.all([
      runCli(['--file', 'samples/customers_small.csv']),
      runCli(['ingest', '--file', 'samples/customers_small.csv']),
      runCli(['ingest', '--file=samples/customers_small.csv']),
    ]);
    for (const r of [top, sub, eq]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('did you mean `foreman ingest samples/customers_small.csv`?');
    }
  });

  it('points --submit and --list-models at what replaced them, and exits 2', async () => {
    const [submit, list] = await Promise.all([runCli(['ingest', 'samples/customers_small.csv', '--submit']), runCli(['--list-models'])]);
    expect(submit.code).toBe(2);
    expect(submit.stderr).toContain("unknown option '--submit'");
    expect(submit.stderr).toContain('did you mean `foreman ingest FILE`? It sends the rows by default now');
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('did you mean `foreman models`?');
  });

  it('gives no hint for other unknown options', () => {
    expect(oldFlagHint("error: unknown option '--frobnicate'\n", ['--frobnicate'])).toBeUndefined();
    expect(oldFlagHint("error: unknown option '--file'\n", ['ingest', '--file'])).toContain('`foreman ingest FILE`');
  });

  it('takes --model in any case and still refuses an unknown model', async () => {
    const [upper, mixed, unknown] = await Promise.all([
      runCli(['ingest', 'samples/customers_small.csv', '--model', 'CUSTOMER', '--dry-run']),
      runCli(['ingest', 'samples/projects.csv', '--model', 'Project', '--dry-run', '--json']),
      runCli(['ingest', 'samples/customers_small.csv', '--model', 'Vendor', '--dry-run']),
    ]);
    expect(upper.code).toBe(0);
    expect(upper.stdout).toMatch(/^Model +customer \(--model\)$/m);
    // projects.csv has two rows invalid before sending (a budget, a due date before the start).
    expect(JSON.parse(mixed.stdout)).toMatchObject({ model: 'project', rows: 10, invalid: 2 });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'Vendor' is invalid. Allowed choices are customer, project, invoice (any case)");
  });

  it('refuses a bad --status or --limit of foreman ingestions with exit 2', async () => {
    const [status, limit] = await Promise.all([runCli(['ingestions', '--status', 'done']), runCli(['ingestions', '--limit', '0'])]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('Allowed choices are running, completed, failed');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a whole number from 1 to 1000');
  });

  it('documents the exit codes in foreman --help', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('Exit codes: 0 ok · 1 rows rejected or the command failed · 2 bad usage or an unusable file · 3 the same file was ingested before.');
  });
});

describe('listIngestions (paging with a status filter)', () => {
  const ing = (id: string, status: string) => ({ id, status }) as IngestionFieldsFragment;
  it('reads pages until it has `limit` ingestions of the status, newest first', async () => {
    const pages = [
      { items: [ing('a', 'COMPLETED'), ing('b', 'RUNNING')], nextToken: 't1' },
      { items: [ing('c', 'COMPLETED'), ing('d', 'FAILED')], nextToken: 't2' },
      { items: [ing('e', 'RUNNING'), ing('f', 'RUNNING')], nextToken: null },
    ];
    const asked: (string | null)[] = [];
    const request = async (token: string | null) => {
      asked.push(token);
      return pages[asked.length - 1]!;
    };
    const running = await listIngestions(request, 2, 'RUNNING');
    expect(running.items.map((i) => i.id)).toEqual(['b', 'e']);
    expect(asked).toEqual([null, 't1', 't2']);
    asked.length = 0;
    const all = await listIngestions(request, 3);
    expect(all.items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(all.more).toBe(true);
  });
});

describe('on the local stack', () => {
  let stack: TestStack;
  let dir: string;
  const on = () => ['--endpoint', stack.graphqlUrl];
  beforeAll(async () => {
    stack = await startTestStack();
    // The CLI signs in with FOREMAN_ID_TOKEN (runCli passes this process's environment on).
    process.env.FOREMAN_ID_TOKEN = await stack.tokenFor('foreman-admin', ['admins']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-polish-'));
  });
  afterAll(async () => {
    delete process.env.FOREMAN_ID_TOKEN;
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps each created row to its new id in --json and --ids-out, and lists the ingestion', { timeout: 180_000 }, async () => {
    const file = path.join(ROOT, 'samples/customers_small.csv');
    const idsFile = path.join(dir, 'ids.csv');
    const r = await runCli(['ingest', file, '--json', '--ids-out', idsFile, ...on()], { cwd: dir });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { ingestionId: string; ids: { row: number; id: string; status: string }[]; idsOmitted: number };
    expect(summary.ids.map((x) => [x.row, x.status])).toEqual([2, 3, 4, 5, 6].map((row) => [row, 'CREATED']));
    expect(summary.idsOmitted).toBe(0);
    // Each id is the record holding that spreadsheet row's email (row n is line n of the file).
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const customers = await scanTable(stack, stack.tableNames.Customers);
    for (const { row, id } of summary.ids) {
      expect(customers.find((c) => c.id === id)?.email).toBe(lines[row - 1]!.split(',')[0]);
    }
    expect(readFileSync(idsFile, 'utf8')).toBe(`row,id,status\r\n${summary.ids.map((x) => `${x.row},${x.id},CREATED\r\n`).join('')}`);
    expect(r.stderr).toContain(`Record ids: ${idsFile}`);

    // A running ingestion of another file, started as any client would.
    const api = await stack.clientFor('foreman-admin', ['admins']);
    const running = await api.request(StartIngestionDocument, {
      input: { fileName: 'half-done.csv', sha256: 'b'.repeat(64), model: 'PROJECT' as ModelName, source: 'WEB' as IngestionSource, rowCount: 7 },
    });
    const runningId = running.startIngestion.ingestion!.id;

    const [all, onlyRunning, onlyFailed, table] = await Promise.all([
      runCli(['ingestions', '--json', ...on()], { cwd: dir }),
      runCli(['ingestions', '--status', 'Running', '--json', ...on()], { cwd: dir }),
      runCli(['ingestions', '--status', 'failed', ...on()], { cwd: dir }),
      runCli(['ingestions', ...on()], { cwd: dir }),
    ]);
    expect(all.code).toBe(0);
    const listed = JSON.parse(all.stdout) as IngestionFieldsFragment[];
    // Newest first: the running one was started after the CLI's.
    expect(listed.map((i) => [i.id, i.status, i.created, i.rowCount])).toEqual([
      [runningId, 'RUNNING', 0, 7],
      [summary.ingestionId, 'COMPLETED', 5, 5],
    ]);
    expect((JSON.parse(onlyRunning.stdout) as IngestionFieldsFragment[]).map((i) => i.id)).toEqual([runningId]);
    expect(onlyFailed.code).toBe(0);
    expect(onlyFailed.stdout).toBe(`No failed ingestions at ${stack.graphqlUrl}.\n`);
    const [head, first, second] = table.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^ID +STARTED \(UTC\) +STATUS +MODEL +SOURCE +ROWS +CREATED +DUPLICATE +INVALID +FILE$/);
    expect(first).toMatch(new RegExp(`^${runningId} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +running +project +web +7 +0 +0 +0 +half-done\\.csv$`));
    expect(second).toMatch(new RegExp(`^${summary.ingestionId} .* completed +customer +cli +5 +5 +0 +0 +.*customers_small\\.csv$`));
  });

  it('foreman watch of an id that names no ingestion exits 2 and says where to look', { timeout: 60_000 }, async () => {
    const r = await runCli(['watch', 'no-such-ingestion', ...on()], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foreman: no ingestion with id no-such-ingestion at ${stack.graphqlUrl}. \`foreman ingestions\` lists the ingestions there.\n`);
  });
});
