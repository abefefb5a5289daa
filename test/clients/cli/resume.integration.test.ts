/**
 * Resume without replay (issue 12, point 5), end to end: `foreman ingest` as a process against the
 * real local stack, through a proxy that records every request and answer. A run is killed with
 * SIGKILL once the stack has answered N of its import batches (a gate the proxy observes, not a
 * timer); the next run of the same file RESUMES, reads once which rows the recorded batches hold,
 * and sends none of them — no import call holds a recorded row, none is answered `replayed` — and
 * at the end `--json`, the printed summary and getIngestion agree exactly, with one record per
 * row in the tables. Once with one kill, once with two.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument } from '../../../clients/api/generated';
import { RETRY_STRIDE, type IngestSummary } from '../../../clients/ingest';
import { scanTable, startTestStack, type TestStack } from '../../helpers/localStack';
import { BIN } from './run';

let stack: TestStack;
let dir: string;
let owner: GraphQLClient;
let token: string;

beforeAll(async () => {
  stack = await startTestStack();
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-resume-kill-'));
  token = await stack.tokenFor('resume-importer', ['importers']);
  owner = await stack.clientFor('resume-importer', ['importers']);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ROWS = 3000;
const REPEATS = 20;

/**
 * ROWS customers: data row i (spreadsheet row i + 2) is c<i>@<domain>, except every 97th (from
 * i = 50) with an invalid email — rejected by the CLI and recorded with recordRejectedRows — and
 * the last REPEATS rows, which repeat the emails of the first ones: held back to the end, DUPLICATE.
 */
function writeFile(name: string, domain: string): { file: string; invalidRows: number[]; repeatRows: number[] } {
  const lines = ['email,name'];
  const invalidRows: number[] = [];
  const repeatRows: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    if (i >= ROWS - REPEATS) {
      lines.push(`c${i - (ROWS - REPEATS)}@${domain},Again ${i}`);
      repeatRows.push(i + 2);
    } else if (i % 97 === 50) {
      lines.push(`bad-${i}-at-${domain},Bad ${i}`);
      invalidRows.push(i + 2);
    } else lines.push(`c${i}@${domain},Customer ${i}`);
  }
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, invalidRows, repeatRows };
}

interface Relayed {
  run: number;
  op: string;
  batchNumber: number | null;
  rows: number[];
  replayed: boolean | null;
  ingestionId: string | null;
}

/**
 * A proxy to the stack's /graphql that relays every request whole (also when the client died
 * meanwhile), records each operation with its batch, rows and answer, counts the requests still
 * at the stack and the client connections open, and calls `onImportAnswer` with the count of
 * import answers the current run got from the stack (before relaying that answer).
 */
async function recordingProxy() {
  const target = new URL(stack.graphqlUrl);
  const relayed: Relayed[] = [];
  const state = { run: 0, imports: 0, inFlight: 0, connections: 0, onImportAnswer: (_n: number) => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { operationName, query, variables } = JSON.parse(body.toString()) as {
        operationName?: string;
        query: string;
        variables?: { input?: { ingestionId?: string; batchNumber?: number; rows?: { rowNumber: number }[] } };
      };
      const op = operationName ?? /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '?';
      const run = state.run;
      state.inFlight++;
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(parts).toString();
            const data =
              (JSON.parse(text) as { data?: Record<string, { replayed?: boolean; ingestion?: { id: string } } | null> }).data ?? {};
            const field = Object.values(data)[0] ?? null;
            relayed.push({
              run,
              op,
              batchNumber: variables?.input?.batchNumber ?? null,
              rows: (variables?.input?.rows ?? []).map((r) => r.rowNumber),
              replayed: field && typeof field.replayed === 'boolean' ? field.replayed : null,
              ingestionId: field?.ingestion?.id ?? null,
            });
            if (op === 'ImportCustomers' && run === state.run) state.onImportAnswer(++state.imports);
            state.inFlight--;
            res.on('error', () => undefined);
            if (!res.destroyed) {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(text);
            }
          });
        },
      );
      upstream.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    socket.on('close', () => state.connections--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  /** Until the killed client's connections are closed and every request it sent has been answered by the stack. */
  const drained = async () => {
    while (state.inFlight > 0 || state.connections > 0) await new Promise((r) => setTimeout(r, 20));
  };
  return { url, relayed, state, drained, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Proxy = Awaited<ReturnType<typeof recordingProxy>>;

/**
 * One `foreman ingest FILE --json` through the proxy as run `run`; with `killAfter`, SIGKILLed as
 * soon as the stack has answered that many of the run's import batches.
 */
async function ingest(
  proxy: Proxy,
  file: string,
  run: number,
  killAfter?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  proxy.state.run = run;
  proxy.state.imports = 0;
  const child = spawn(process.execPath, [BIN, 'ingest', file, '--json', '--endpoint', proxy.url], {
    cwd: dir,
    env: { ...process.env, FOREMAN_GRAPHQL_URL: '', FOREMAN_API_KEY: '', FOREMAN_ID_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proxy.state.onImportAnswer = (n) => {
    if (killAfter !== undefined && n >= killAfter && child.exitCode === null) child.kill('SIGKILL');
  };
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  await proxy.drained();
  return { code, signal, stdout, stderr };
}

/** The ingestion's batch markers as stored (read from DynamoDB, not through the API): number and the rows with an outcome other than RETRY. */
async function markers(ingestionId: string): Promise<{ batchNumber: number; done: number[] }[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.tableNames.Ingestions,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ingestionId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items
    .filter((i) => /^(BATCH#|REJECT#)/.test(i.sk as string))
    .map((i) => ({
      batchNumber: i.batchNumber as number,
      done: (i.outcomes as { rowNumber: number; status: string }[]).filter((o) => o.status !== 'RETRY').map((o) => o.rowNumber),
    }));
}

/** What a killed run left: every row its recorded batches hold, and the highest batch number (a re-send as the batch it re-sends). */
async function recordedState(ingestionId: string) {
  const list = await markers(ingestionId);
  return {
    done: new Set(list.flatMap((m) => m.done)),
    lastBatch: Math.max(0, ...list.map((m) => m.batchNumber % RETRY_STRIDE)),
    markers: list.length,
  };
}

/** A resumed run sent no row a recorded batch held, got no replayed answer, read the batches once, and numbered after them. */
function expectNoReplay(proxy: Proxy, run: number, before: { done: Set<number>; lastBatch: number }): void {
  const calls = proxy.relayed.filter((r) => r.run === run);
  const batches = calls.filter((r) => r.op === 'ImportCustomers' || r.op === 'RecordRejectedRows');
  expect(batches.length).toBeGreaterThan(0);
  expect(batches.flatMap((b) => b.rows).filter((row) => before.done.has(row))).toEqual([]);
  expect(batches.filter((b) => b.replayed !== false)).toEqual([]);
  expect(batches.filter((b) => (b.batchNumber as number) % RETRY_STRIDE <= before.lastBatch)).toEqual([]);
  expect(calls.filter((r) => r.op === 'ListIngestionBatches')).toHaveLength(1);
}

/** The final run's --json and printed summary, getIngestion and the tables agree, with one record per row. */
async function expectAgreement(
  summary: IngestSummary,
  stderr: string,
  ingestionId: string,
  file: { invalidRows: number[]; repeatRows: number[] },
  domain: string,
): Promise<void> {
  const { getIngestion } = await owner.request(GetIngestionDocument, { id: ingestionId });
  const ing = getIngestion!;
  const createdRows = ROWS - file.invalidRows.length - file.repeatRows.length;
  expect(ing).toMatchObject({
    status: 'COMPLETED',
    rowCount: ROWS,
    processed: ROWS,
    created: createdRows,
    duplicates: REPEATS,
    invalid: file.invalidRows.length,
    alreadyImported: 0,
  });
  expect(summary).toMatchObject({
    outcome: 'COMPLETED',
    resumed: true,
    countsExact: true,
    rows: ROWS,
    unsent: 0,
    unsentRows: [],
    replayedBatches: 0,
  });
  expect({
    created: summary.created,
    duplicates: summary.duplicates,
    invalid: summary.invalid,
    alreadyImported: summary.alreadyImported,
    batches: summary.batches,
  }).toEqual({
    created: ing.created,
    duplicates: ing.duplicates,
    invalid: ing.invalid,
    alreadyImported: ing.alreadyImported,
    batches: ing.batches,
  });
  expect(summary.server).toEqual({
    created: ing.created,
    duplicates: ing.duplicates,
    invalid: ing.invalid,
    alreadyImported: ing.alreadyImported,
    processed: ing.processed,
  });
  // The printed summary (stderr under --json) says the same.
  const n = (v: number) => v.toLocaleString('en-US');
  expect(stderr).toMatch(
    new RegExp(
      `Done in [\\d.]+ s \\([\\d,]+ rows/s\\): ${n(ROWS)} rows — ${n(ing.created)} created, ${ing.duplicates} duplicate, ${
        ing.invalid
      } invalid\\.`,
    ),
  );
  expect(stderr).toContain(`${n(summary.thisRun!.skippedRows)} rows an earlier run had recorded`);
  // One batch counted per marker: nothing recorded twice.
  expect((await markers(ingestionId)).length).toBe(ing.batches);

  // One customer per created row, none for the rest, each row once.
  const customers = (await scanTable(stack, stack.tableNames.Customers)).filter((c) => c.ingestionId === ingestionId);
  const rejected = new Set([...file.invalidRows, ...file.repeatRows]);
  const expectedRows = Array.from({ length: ROWS }, (_, i) => i + 2).filter((row) => !rejected.has(row));
  expect(customers.map((c) => c.rowNumber as number).sort((a, b) => a - b)).toEqual(expectedRows);
  expect(new Set(customers.map((c) => c.email)).size).toBe(createdRows);
  const claims = (await scanTable(stack, stack.tableNames.Uniques)).filter((u) => String(u.key).endsWith(`@${domain}`));
  expect(claims).toHaveLength(createdRows);
  // The row errors: each invalid and repeated row once.
  const rowErrors = (await markersAndRows(ingestionId)).filter((sk) => sk.startsWith('ROW#'));
  expect(rowErrors).toHaveLength(rejected.size);
}

async function markersAndRows(ingestionId: string): Promise<string[]> {
  const sks: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.tableNames.Ingestions,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ingestionId },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    sks.push(...(page.Items ?? []).map((i) => i.sk as string));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return sks;
}

describe('foreman ingest killed and run again', () => {
  it(
    'resumes after kill -9 without replaying a recorded batch, and --json, the summary and getIngestion agree',
    { timeout: 300_000 },
    async () => {
      const domain = 'kill-once.example';
      const file = writeFile('kill-once.csv', domain);
      const proxy = await recordingProxy();
      try {
        const killed = await ingest(proxy, file.file, 1, 12);
        expect(killed.signal).toBe('SIGKILL');
        const ingestionId = proxy.relayed.find((r) => r.op === 'StartIngestion')!.ingestionId!;
        const before = await recordedState(ingestionId);
        // At least the 12 answered batches (49 rows each) are recorded, and not the whole file.
        expect(before.done.size).toBeGreaterThanOrEqual(12 * 49);
        expect(before.done.size).toBeLessThan(ROWS);

        const last = await ingest(proxy, file.file, 2);
        expect(last.code).toBe(1); // rows were rejected (invalid, duplicate): exit 1 as documented
        const summary = JSON.parse(last.stdout) as IngestSummary;
        expectNoReplay(proxy, 2, before);
        expect(summary.thisRun).toMatchObject({
          skippedRows: before.done.size,
          sentRows: ROWS - before.done.size,
          recordedBatches: before.markers,
        });
        await expectAgreement(summary, last.stderr, ingestionId, file, domain);
      } finally {
        await proxy.close();
      }
    },
  );

  it(
    'resumes after two kills: each run sends only what no earlier run recorded, and the counts agree at the end',
    { timeout: 300_000 },
    async () => {
      const domain = 'kill-twice.example';
      const file = writeFile('kill-twice.csv', domain);
      const proxy = await recordingProxy();
      try {
        expect((await ingest(proxy, file.file, 1, 10)).signal).toBe('SIGKILL');
        const ingestionId = proxy.relayed.find((r) => r.op === 'StartIngestion')!.ingestionId!;
        const afterFirst = await recordedState(ingestionId);

        expect((await ingest(proxy, file.file, 2, 15)).signal).toBe('SIGKILL');
        expectNoReplay(proxy, 2, afterFirst);
        const afterSecond = await recordedState(ingestionId);
        expect(afterSecond.done.size).toBeGreaterThanOrEqual(afterFirst.done.size + 15 * 49);
        expect(afterSecond.done.size).toBeLessThan(ROWS);

        const last = await ingest(proxy, file.file, 3);
        expect(last.code).toBe(1);
        const summary = JSON.parse(last.stdout) as IngestSummary;
        expectNoReplay(proxy, 3, afterSecond);
        expect(summary.thisRun).toMatchObject({ skippedRows: afterSecond.done.size, sentRows: ROWS - afterSecond.done.size });
        await expectAgreement(summary, last.stderr, ingestionId, file, domain);
        // Every run started the same ingestion: RESUMED twice.
        expect(proxy.relayed.filter((r) => r.op === 'StartIngestion').map((r) => r.ingestionId)).toEqual([
          ingestionId,
          ingestionId,
          ingestionId,
        ]);
      } finally {
        await proxy.close();
      }
    },
  );
});
