/**
 * Resuming without replay (issue 12, point 5), without a network: the range set a resumed run skips
 * rows with (clients/ingest/resume.ts), how listed markers fold into it and into the next batch
 * number, and the engine against the in-memory server — a resumed run sends no row an earlier
 * run's batch accounted for (held-back repeats included), sends RETRY rows again, numbers its
 * batches after every recorded one, and reports the ingestion's counters as the server holds them.
 */
import { describe, expect, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { OperationDefinitionNode } from 'graphql';
import { GraphQLResponseError, type GraphQLClient } from '../../../clients/api/client';
import {
  RETRY_STRIDE,
  RowSet,
  foldRecorded,
  ingestFile,
  type IngestOptions,
  type IngestSummary,
  type RejectedRow,
} from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

describe('RowSet (the rows a resumed run skips)', () => {
  it('merges ranges given in any order, overlapping or touching, and counts their rows', () => {
    const set = RowSet.of([
      { from: 60, to: 70 },
      { from: 2, to: 50 },
      { from: 51, to: 51 },
      { from: 45, to: 52 },
      { from: 99, to: 99 },
      { from: 9, to: 3 },
    ]);
    expect(set.ranges()).toEqual([
      { from: 2, to: 52 },
      { from: 60, to: 70 },
      { from: 99, to: 99 },
    ]);
    expect(set.size).toBe(51 + 11 + 1);
    expect(RowSet.of([]).size).toBe(0);
  });

  it('answers membership at every edge', () => {
    const set = RowSet.of([
      { from: 2, to: 4 },
      { from: 7, to: 7 },
      { from: 10, to: 1_000_000 },
    ]);
    const members = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 500_000, 1_000_000, 1_000_001].filter((n) => set.has(n));
    expect(members).toEqual([2, 3, 4, 7, 10, 500_000, 1_000_000]);
    expect(RowSet.EMPTY.has(2)).toBe(false);
  });

  it('takes its rows out of other ranges (the unsent rows of a run never include rows an earlier run recorded)', () => {
    const set = RowSet.of([
      { from: 5, to: 9 },
      { from: 20, to: 29 },
      { from: 40, to: 40 },
    ]);
    expect(
      set.without([
        { from: 2, to: 12 },
        { from: 15, to: 22 },
        { from: 25, to: 26 },
        { from: 28, to: 45 },
        { from: 50, to: 50 },
      ]),
    ).toEqual([
      { from: 2, to: 4 },
      { from: 10, to: 12 },
      { from: 15, to: 19 },
      { from: 30, to: 39 },
      { from: 41, to: 45 },
      { from: 50, to: 50 },
    ]);
    expect(set.without([{ from: 5, to: 9 }])).toEqual([]);
    expect(RowSet.EMPTY.without([{ from: 1, to: 3 }])).toEqual([{ from: 1, to: 3 }]);
  });
});

describe('foldRecorded (listIngestionBatches → what to skip, where numbering goes on)', () => {
  it('skips the rows every marker accounted for and numbers after the highest batch, a re-send counted as the batch it re-sends', () => {
    const recorded = foldRecorded([
      { batchNumber: 1, doneRows: [{ from: 2, to: 50 }] },
      // Batch 2 answered row 60 RETRY: it is not done, and its re-send 1·RETRY_STRIDE + 2 recorded it.
      {
        batchNumber: 2,
        doneRows: [
          { from: 51, to: 59 },
          { from: 61, to: 99 },
        ],
      },
      { batchNumber: RETRY_STRIDE + 2, doneRows: [{ from: 60, to: 60 }] },
      { batchNumber: 2 * RETRY_STRIDE + 7, doneRows: [] },
      // A marker from before markers named their rows: nothing skipped for it.
      { batchNumber: 5, doneRows: null },
    ]);
    expect(recorded.done.ranges()).toEqual([{ from: 2, to: 99 }]);
    expect(recorded).toMatchObject({ lastBatchNumber: 7, batches: 5, unnamed: 1 });
  });
});

function customers(n: number, domain = 'r.example'): string {
  let s = 'email,name\n';
  for (let i = 0; i < n; i++) s += `c${i}@${domain},Customer ${i}\n`;
  return s;
}

const noSleep = async () => undefined;

type Request = (doc: TypedDocumentNode<unknown, unknown>, variables?: Record<string, unknown>) => Promise<unknown>;

/** The server's client, with `around` deciding per call (op name, variables) what happens first. */
function wrapped(server: FakeServer, around: (op: string, variables: Record<string, unknown>) => void | Promise<void>): GraphQLClient {
  const inner = server.client();
  const request: Request = async (doc, variables) => {
    await around((doc.definitions[0] as OperationDefinitionNode).name!.value, variables ?? {});
    return (inner.request as Request)(doc, variables);
  };
  return { ...inner, request, execute: request } as unknown as GraphQLClient;
}

async function ingest(
  server: FakeServer,
  text: string,
  opts: Partial<IngestOptions> = {},
): Promise<{ summary: IngestSummary; rejected: RejectedRow[] }> {
  const rejected: RejectedRow[] = [];
  const summary = await ingestFile({
    fileName: 'r.csv',
    source: bytesSource(text, 64),
    createHasher: nodeSha256,
    client: server.client(),
    sleep: noSleep,
    onRejected: (r) => rejected.push(r),
    ...opts,
  });
  return { summary, rejected };
}

/** Import calls since call `from`: batch number and rows. */
function sent(server: FakeServer, from = 0): { batch: number; rows: number[] }[] {
  return server.calls
    .slice(from)
    .filter((c) => c.op === 'ImportCustomers' || c.op === 'RecordRejectedRows')
    .map((c) => ({ batch: c.input.batchNumber as number, rows: (c.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber) }));
}

/** The ingestion's counters as the fake server holds them (what getIngestion answers). */
function held(server: FakeServer) {
  const ing = [...server.ingestions.values()][0]!;
  return {
    created: ing.created,
    duplicates: ing.duplicates,
    invalid: ing.invalid,
    alreadyImported: ing.alreadyImported,
    batches: ing.batches,
  };
}

const counts = (s: IngestSummary) => ({
  created: s.created,
  duplicates: s.duplicates,
  invalid: s.invalid,
  alreadyImported: s.alreadyImported,
  batches: s.batches,
});

describe('a resumed run', () => {
  it('sends only the rows no recorded batch accounted for, numbered after them, and reports the ingestion’s counters', async () => {
    const server = new FakeServer();
    const text = `${customers(45)}not-an-email,Bad\n`;
    // Run 1: stopped once two import batches have answered (one batch in flight at a time).
    const stop = new AbortController();
    let answered = 0;
    const first = await ingest(server, text, {
      batchSize: 10,
      concurrency: 1,
      signal: stop.signal,
      client: wrapped(server, (op) => {
        if (op === 'ImportCustomers' && ++answered > 2) stop.abort();
      }),
    });
    expect(first.summary).toMatchObject({
      outcome: 'FAILED',
      failureCode: 'INTERRUPTED',
      countsExact: true,
      created: 30,
      unsent: 16,
      unsentRows: [{ from: 32, to: 47 }],
    });
    expect(first.summary.thisRun).toMatchObject({ sentRows: 30, created: 30, skippedRows: 0, recordedBatches: 0 });
    expect(sent(server).map((b) => b.batch)).toEqual([1, 2, 3]);

    // Run 2: one listIngestionBatches, then rows 32–46 (valid) and 47 (rejected) only.
    const mark = server.calls.length;
    const second = await ingest(server, text, { batchSize: 10, concurrency: 3 });
    const ops = server.calls.slice(mark).map((c) => c.op);
    expect(ops.filter((op) => op === 'ListIngestionBatches')).toHaveLength(1);
    expect(ops.indexOf('ListIngestionBatches')).toBe(ops.indexOf('StartIngestion') + 1);
    expect(sent(server, mark)).toEqual([
      { batch: 4, rows: [32, 33, 34, 35, 36, 37, 38, 39, 40, 41] },
      { batch: 5, rows: [42, 43, 44, 45, 46] },
      { batch: 6, rows: [47] },
    ]);
    expect(second.summary).toMatchObject({
      outcome: 'COMPLETED',
      resumed: true,
      countsExact: true,
      rows: 46,
      created: 45,
      invalid: 1,
      duplicates: 0,
      alreadyImported: 0,
      unsent: 0,
      replayedBatches: 0,
    });
    expect(second.summary.thisRun).toEqual({
      sentRows: 16,
      created: 15,
      duplicates: 0,
      invalid: 1,
      alreadyImported: 0,
      batches: 3,
      skippedRows: 30,
      recordedBatches: 3,
    });
    expect(counts(second.summary)).toEqual(held(server));
    // Only this run's rows are reported row by row.
    expect(second.rejected.map((r) => [r.row, r.status])).toEqual([[47, 'INVALID']]);
    expect(server.claims.size).toBe(45);
  });

  it('skips held-back repeats a recorded batch accounted for, and sends the ones it did not', async () => {
    // Rows 2–21 unique; rows 22 and 23 repeat rows 2 and 3 (held back to the end, one batch of their own).
    const text = `${customers(20)}c0@r.example,Again 0\nc1@r.example,Again 1\n`;
    const server = new FakeServer();
    // Run 1: the first pass goes through; the held-back batch fails for good.
    const first = await ingest(server, text, {
      batchSize: 10,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      client: wrapped(server, (op, v) => {
        const rows = ((v.input as { rows?: { rowNumber: number }[] } | undefined)?.rows ?? []).map((r) => r.rowNumber);
        if (op === 'ImportCustomers' && rows.includes(22))
          throw new GraphQLResponseError([{ message: 'refused', errorType: 'BadRequest' }], null);
      }),
    });
    expect(first.summary).toMatchObject({
      outcome: 'FAILED',
      failureCode: 'SEND_FAILED',
      created: 20,
      unsent: 2,
      unsentRows: [{ from: 22, to: 23 }],
    });

    const mark = server.calls.length;
    const second = await ingest(server, text, { batchSize: 10 });
    expect(sent(server, mark)).toEqual([{ batch: 3, rows: [22, 23] }]);
    expect(second.summary).toMatchObject({ outcome: 'COMPLETED', created: 20, duplicates: 2, unsent: 0 });
    expect(second.rejected.map((r) => [r.row, r.status, r.conflict?.rowNumber])).toEqual([
      [22, 'DUPLICATE', 2],
      [23, 'DUPLICATE', 3],
    ]);

    // Every row recorded but the ingestion never closed (finish refused): the next run sends nothing and closes it.
    const server2 = new FakeServer();
    let refuse = true;
    const unfinished = await ingest(server2, text, {
      batchSize: 10,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      client: wrapped(server2, (op) => {
        if (op === 'FinishIngestion' && refuse) throw new GraphQLResponseError([{ message: 'refused', errorType: 'BadRequest' }], null);
      }),
    });
    expect(unfinished.summary).toMatchObject({
      outcome: 'FAILED',
      failureCode: 'NOT_CLOSED',
      countsExact: true,
      created: 20,
      duplicates: 2,
      unsent: 0,
      unsentRows: [],
    });
    refuse = false;
    const mark2 = server2.calls.length;
    const closing = await ingest(server2, text, { batchSize: 10 });
    expect(sent(server2, mark2)).toEqual([]);
    expect(closing.summary).toMatchObject({ outcome: 'COMPLETED', resumed: true, created: 20, duplicates: 2, unsent: 0 });
    expect(closing.summary.thisRun).toMatchObject({ sentRows: 0, skippedRows: 22, recordedBatches: 3 });
    expect(counts(closing.summary)).toEqual(held(server2));
  });

  it('sends a row its batch answered RETRY again, with the rows never sent', async () => {
    const server = new FakeServer();
    server.retryOnce = new Set([5]);
    const text = customers(20);
    // Run 1: row 5 answered RETRY in batch 1; its re-send (batch RETRY_STRIDE + 1) fails for good.
    const first = await ingest(server, text, {
      batchSize: 10,
      concurrency: 1,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      client: wrapped(server, (op, v) => {
        if (op === 'ImportCustomers' && ((v.input as { batchNumber: number }).batchNumber ?? 0) > RETRY_STRIDE)
          throw new GraphQLResponseError([{ message: 'refused', errorType: 'BadRequest' }], null);
      }),
    });
    expect(first.summary).toMatchObject({ outcome: 'FAILED', created: 9, unsent: 11 });
    // (The refused re-send never reached the server: only batch 1 is recorded, row 5 not done in it.)
    expect(sent(server).map((b) => b.batch)).toEqual([1]);
    expect(server.markers.get(`${first.summary.ingestionId}#1`)!.done).not.toContain(5);

    const mark = server.calls.length;
    const second = await ingest(server, text, { batchSize: 10 });
    // Row 5 (not done in batch 1's marker) and rows 12–21 (never sent).
    expect(sent(server, mark)).toEqual([
      { batch: 2, rows: [5, 12, 13, 14, 15, 16, 17, 18, 19, 20] },
      { batch: 3, rows: [21] },
    ]);
    expect(second.summary).toMatchObject({ outcome: 'COMPLETED', created: 20, unsent: 0 });
    expect(counts(second.summary)).toEqual(held(server));
    expect(server.claims.size).toBe(20);
  });

  it('reports its estimate (the counters at the start plus its outcomes), and says so, when the ingestion cannot be read after a stop', async () => {
    const server = new FakeServer();
    const stop = new AbortController();
    let answered = 0;
    const { summary } = await ingest(server, customers(30), {
      batchSize: 10,
      concurrency: 1,
      signal: stop.signal,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      client: wrapped(server, (op) => {
        if (op === 'ImportCustomers' && ++answered > 1) stop.abort();
        if (op === 'GetIngestion') throw new GraphQLResponseError([{ message: 'gone', errorType: 'BadRequest' }], null);
      }),
    });
    expect(summary).toMatchObject({ outcome: 'FAILED', countsExact: false, created: 20, unsent: 10 });
  });
});
