/**
 * The dry run's server check in the engine (clients/ingest/check.ts), against the in-memory fake
 * server: it asks checkFile and the model's check query, never a mutation, and predicts per row what
 * the real run answers — duplicates of existing records, unknown references, and repeats within the
 * file decided in file order whatever order the batches are answered in.
 */
import { describe, expect, it } from 'vitest';
import { EndpointUnreachableError } from '../../../clients/api/client';
import { ingestFile, type IngestOptions, type RejectedRow } from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

const noSleep = async () => undefined;

function customers(n: number, domain = 'x.example', extra = ''): string {
  let s = 'email,name\n';
  for (let i = 0; i < n; i++) s += `c${i}@${domain},Customer ${i}\n`;
  return s + extra;
}

async function run(server: FakeServer | null, text: string, opts: Partial<IngestOptions> = {}) {
  const rejected: RejectedRow[] = [];
  const summary = await ingestFile({
    fileName: 'c.csv',
    source: bytesSource(text, 64),
    createHasher: nodeSha256,
    client: server?.client(),
    sleep: noSleep,
    onRejected: (r) => rejected.push(r),
    ...opts,
  });
  return { summary, rejected: rejected.sort((a, b) => a.row - b.row) };
}

/** Writes: every operation the dry run may not send. */
const WRITES = ['StartIngestion', 'ImportCustomers', 'ImportProjects', 'ImportInvoices', 'RecordRejectedRows', 'FinishIngestion', 'FailIngestion'];

describe('a dry run with a server', () => {
  it('predicts the real run row by row: existing records, repeats across batches in file order, rows it would create', async () => {
    // Rows 2–41: 40 customers, 5 of them (c3, c11, c17, c25, c38) already exist; rows 42–46 repeat
    // rows 2, 11, 21 and 41 and row 2 once more, in other spellings.
    const text = customers(40, 'x.example', 'C0@X.EXAMPLE,R2\n c9@x.example ,R11\nc19@x.example,R21\nc39@x.example,R41\nc0@x.example,R2 again\n');
    const seed = async (server: FakeServer) => {
      const lines = customers(40, 'x.example').split('\n');
      const first = await run(server, [lines[0], ...[4, 12, 18, 26, 39].map((i) => lines[i])].join('\n') + '\n', { fileName: 'seed.csv' });
      expect(first.summary.created).toBe(5);
    };
    const dry = new FakeServer();
    await seed(dry);
    dry.calls = [];
    // Batches of 3, 8 in flight, answered in reverse order of their first row.
    dry.checkDelay = (row) => 60 - row;
    const checked = await run(dry, text, { dryRun: true, batchSize: 3, concurrency: 8 });
    expect(dry.calls.filter((c) => WRITES.includes(c.op))).toEqual([]);
    expect(dry.calls[0]).toMatchObject({ op: 'CheckFile', input: { sha256: checked.summary.sha256 } });
    expect(checked.summary).toMatchObject({ outcome: 'DRY_RUN', rows: 45, created: 0, duplicates: 10, invalid: 0, alreadyImported: 0 });
    expect(checked.summary.check).toEqual({ status: 'CHECKED', reason: null, file: 'NEW', previous: null, rowsChecked: 45, wouldCreate: 35, uncheckedFrom: null, durationMs: expect.any(Number) });

    // The real run on a server in the same state.
    const real = new FakeServer();
    await seed(real);
    const done = await run(real, text, { batchSize: 3, concurrency: 8 });
    expect(done.summary).toMatchObject({ created: 35, duplicates: 10 });
    const verdicts = (rows: RejectedRow[]) => rows.map((r) => [r.row, r.status]);
    expect(verdicts(checked.rejected)).toEqual(verdicts(done.rejected));
    // Existing records are named as the server names them; a repeat names the earlier row of the file.
    const owner = (r: RejectedRow) => r.conflict?.rowNumber ?? r.repeatOf;
    expect(checked.rejected.map((r) => [r.row, r.conflict ? 'record' : 'row', owner(r)])).toEqual([
      [5, 'record', 2],
      [13, 'record', 3],
      [19, 'record', 4],
      [27, 'record', 5],
      [40, 'record', 6],
      [42, 'row', 2],
      [43, 'row', 11],
      [44, 'row', 21],
      [45, 'row', 41],
      [46, 'row', 2],
    ]);
    // A repeat's message is the server's for a repeat within one batch.
    expect(checked.rejected.find((r) => r.row === 42)).toMatchObject({
      by: 'client',
      errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: 'Email c0@x.example already belongs to row 2 of this file.' }],
    });
    // Rows went in batches of at most 3, each once, and only rows valid locally.
    const sent = dry.checkCalls().flatMap((c) => (c.input.rows as { rowNumber: number }[]).map((r) => r.rowNumber));
    expect(sent).toHaveLength(45);
    expect(new Set(sent).size).toBe(45);
    expect(Math.max(...dry.checkCalls().map((c) => (c.input.rows as unknown[]).length))).toBe(3);
  });

  it('gives a repeat of a row the server rejects to the next row that would be created', async () => {
    const server = new FakeServer();
    // The server refuses row 2 (as a model's hook would); row 5 repeats its email and would be created; row 6 repeats row 5.
    const text = 'email,name\nghost@x.example,P1\nowner@x.example,P2\nother@x.example,P3\nghost@x.example,P4\nghost@x.example,P5\n';
    server.checkErrors.set(2, { field: 'email', code: 'RESERVED', message: 'Email ghost@x.example is reserved.' });
    const { summary, rejected } = await run(server, text, { dryRun: true, batchSize: 1, concurrency: 4 });
    expect(summary.check?.wouldCreate).toBe(3);
    expect(rejected.map((r) => [r.row, r.status, r.errors[0]!.code, r.repeatOf ?? null])).toEqual([
      [2, 'INVALID', 'RESERVED', null],
      [6, 'DUPLICATE', 'DUPLICATE_EMAIL', 5],
    ]);
  });

  it('says a file ingested before is a duplicate, naming the ingestion when it is yours, and checks no row', async () => {
    const server = new FakeServer();
    const text = customers(5);
    await run(server, text);
    server.calls = [];
    const { summary, rejected } = await run(server, text, { dryRun: true });
    expect(server.calls.map((c) => c.op)).toEqual(['CheckFile']);
    const first = [...server.ingestions.values()][0]!;
    expect(summary.check).toEqual({
      status: 'CHECKED',
      reason: null,
      file: 'DUPLICATE',
      previous: { ingestionId: first.id, fileName: 'c.csv', startedAt: '2026-01-01T00:00:00Z', status: 'COMPLETED' },
      rowsChecked: 0,
      wouldCreate: 0,
      uncheckedFrom: null,
      durationMs: expect.any(Number),
    });
    expect(summary.duplicateOf).toEqual(summary.check!.previous);
    expect(rejected).toEqual([]);
    // someone else's: only that it was ingested
    server.othersFiles.add(first.sha256);
    const other = await run(server, text, { dryRun: true });
    expect(other.summary.check).toMatchObject({ file: 'DUPLICATE', previous: null });
    expect(other.summary.duplicateOf).toBeNull();
  });

  it('checks the rows of a file whose unfinished ingestion a real run would resume against that ingestion', async () => {
    const server = new FakeServer();
    const text = customers(6);
    // An interrupted run: rows 2–4 went in, the ingestion is still RUNNING.
    await run(server, text, { batchSize: 3 });
    const open = [...server.ingestions.values()][0]!;
    open.status = 'RUNNING';
    for (const [key, claim] of server.claims) if (claim.rowNumber > 4) server.claims.delete(key);
    server.calls = [];
    const { summary } = await run(server, text, { dryRun: true, batchSize: 3 });
    expect(summary.check).toMatchObject({ status: 'CHECKED', file: 'RESUME', previous: { ingestionId: open.id, status: 'RUNNING' }, wouldCreate: 3 });
    expect(summary).toMatchObject({ alreadyImported: 3, duplicates: 0 });
    expect(server.checkCalls().map((c) => c.input.ingestionId)).toEqual([open.id, open.id]);
    // someone else's unfinished file: a real run is refused, so no row is checked
    server.othersFiles.add(open.sha256);
    server.calls = [];
    const refused = await run(server, text, { dryRun: true });
    expect(refused.summary.check).toMatchObject({ file: 'IN_PROGRESS', previous: null, rowsChecked: 0 });
    expect(server.calls.map((c) => c.op)).toEqual(['CheckFile']);
  });

  it('checks locally only, saying why, when no server is given or none answers', async () => {
    const offline = await run(null, customers(3) + 'x,\n', { dryRun: true });
    expect(offline.summary).toMatchObject({ outcome: 'DRY_RUN', invalid: 1, duplicates: 0 });
    expect(offline.summary.check).toEqual({ status: 'SKIPPED', reason: null, file: null, previous: null, rowsChecked: 0, wouldCreate: 0, uncheckedFrom: null, durationMs: 0 });

    const dead = new FakeServer();
    dead.failNext = 1000;
    const down = await run(dead, customers(3), { dryRun: true });
    expect(down.summary.check).toMatchObject({ status: 'SKIPPED', file: null });
    expect(down.summary.check!.reason).toMatch(/ECONNREFUSED|could not reach|Is the endpoint right and the server running\?/);
    // checkFile was tried as startIngestion is: 3 times, then given up
    expect(dead.calls.map((c) => c.op)).toEqual(['CheckFile', 'CheckFile', 'CheckFile']);

    const starting = await run(null, customers(3), {
      dryRun: true,
      client: async () => {
        throw new EndpointUnreachableError('http://127.0.0.1:1/graphql', new Error('connect ECONNREFUSED'));
      },
    });
    expect(starting.summary.check).toMatchObject({ status: 'SKIPPED' });
    expect(starting.summary.check!.reason).toContain('Is the endpoint right and the server running?');
  });

  it('sends at most four times `concurrency` batches ahead of the first unanswered one, so answers cannot pile up behind a slow batch', async () => {
    const server = new FakeServer();
    let firstPending = false;
    let sentMeanwhile = 0;
    server.checkDelay = (row) => {
      if (row === 2) {
        firstPending = true;
        setTimeout(() => (firstPending = false), 400);
        return 400;
      }
      if (firstPending) sentMeanwhile++;
      return 1;
    };
    const { summary } = await run(server, customers(100), { dryRun: true, batchSize: 2, concurrency: 2 });
    // batch 1 (rows 2–3) is slow; the window of 2 × 4 batches lets batches 2–8 go meanwhile, no more
    expect(sentMeanwhile).toBeLessThanOrEqual(7);
    expect(summary.check).toMatchObject({ status: 'CHECKED', rowsChecked: 100, wouldCreate: 100 });
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('stops asking when a check fails for good and says from which row the rows were checked locally only', async () => {
    const server = new FakeServer();
    server.failChecksAt.add(8);
    const { summary } = await run(server, customers(12), { dryRun: true, batchSize: 3, concurrency: 1 });
    // rows 2–4 and 5–7 answered; the batch of rows 8–10 failed; 11–13 were never sent
    expect(summary.check).toMatchObject({ status: 'INCOMPLETE', rowsChecked: 6, wouldCreate: 6, uncheckedFrom: 8 });
    expect(summary.check!.reason).toContain('BadRequest');
    expect(server.checkCalls().map((c) => (c.input.rows as { rowNumber: number }[])[0]!.rowNumber)).toEqual([2, 5, 8]);
  });
});
