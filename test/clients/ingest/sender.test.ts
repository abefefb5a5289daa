/**
 * The batch sender the engine and the big-file Lambda share (clients/ingest/sender.ts): the model's
 * import mutation, RETRY re-sends under deterministic numbers, transport failures, and the limit
 * on batches in flight.
 */
import { describe, expect, it } from 'vitest';
import { GraphQLHttpError } from '../../../clients/api/client';
import { StartIngestionDocument } from '../../../clients/api/generated';
import { BatchSender, InFlight, MAX_ROW_RETRIES, RETRY_STRIDE, importDocument, modelByKey, type RowOutcome } from '../../../clients/ingest';
import { FakeServer } from './fakeServer';

const noSleep = async () => undefined;

async function startedServer(): Promise<{ server: FakeServer; ingestionId: string }> {
  const server = new FakeServer();
  const started = await server.client().request(StartIngestionDocument, { input: { fileName: 'f.csv', sha256: 'a'.repeat(64), model: 'INVOICE', source: 'CLI', rowCount: 3 } });
  return { server, ingestionId: started.startIngestion.ingestion!.id };
}

describe('importDocument', () => {
  it('is the generated import mutation of every model', () => {
    for (const key of ['customer', 'project', 'invoice']) {
      const model = modelByKey(key)!;
      const doc = importDocument(model);
      const op = doc.definitions[0] as { name: { value: string } };
      expect(op.name.value.toLowerCase()).toBe(model.importField.toLowerCase());
    }
  });
});

describe('BatchSender.importRows', () => {
  const invoice = modelByKey('invoice')!;
  const row = (n: number, number = `INV-${n}`) => ({ row: n, input: { rowNumber: n, invoiceNumber: number, customerEmail: 'a@x.example', amount: '1', currency: 'EUR', issueDate: '2024-01-01', dueDate: '2024-01-02' } });

  it('sends the rows that lost a race again as attempt · RETRY_STRIDE + the batch number, and reports every other outcome once', async () => {
    const { server, ingestionId } = await startedServer();
    server.retryOnce = new Set([3]);
    const sender = new BatchSender({ client: server.client(), model: invoice, ingestionId, sleep: noSleep });
    const outcomes: [number, RowOutcome['status'] | null][] = [];
    const resent: number[][] = [];
    const exhausted = await sender.importRows(2, [row(2), row(3), row(4, 'INV-2')], {
      onOutcome: (r, o) => outcomes.push([r.row, o?.status ?? null]),
      onResend: (rows) => resent.push(rows.map((r) => r.row)),
    });
    expect(exhausted).toEqual([]);
    expect(resent).toEqual([[3]]);
    expect(outcomes).toEqual([
      [2, 'CREATED'],
      [4, 'DUPLICATE'],
      [3, 'CREATED'],
    ]);
    expect(server.importCalls().map((c) => [c.op, c.input.batchNumber])).toEqual([
      ['ImportInvoices', 2],
      ['ImportInvoices', RETRY_STRIDE + 2],
    ]);
  });

  it('gives back the rows still losing after MAX_ROW_RETRIES re-sends', async () => {
    const { server, ingestionId } = await startedServer();
    const client = server.client();
    // Every answer says RETRY for row 2.
    const always = { ...client, request: async (doc: never, vars: { input: { batchNumber: number } }) => ({ importInvoices: { outcomes: [{ rowNumber: 2, status: 'RETRY' }], batchNumber: vars.input.batchNumber } }) };
    const sender = new BatchSender({ client: always as never, model: invoice, ingestionId, sleep: noSleep });
    const exhausted = await sender.importRows(7, [row(2)]);
    expect(exhausted.map((r) => r.row)).toEqual([2]);
  });

  it('hands the rows of a request that failed for good to onFailed, then throws its error', async () => {
    const { server, ingestionId } = await startedServer();
    server.unauthorized = true;
    const sender = new BatchSender({ client: server.client(), model: invoice, ingestionId, sleep: noSleep });
    const failed: number[] = [];
    await expect(sender.importRows(2, [row(2), row(3)], { onFailed: (rows) => failed.push(...rows.map((r) => r.row)) })).rejects.toBeInstanceOf(GraphQLHttpError);
    expect(failed).toEqual([2, 3]);
  });

  it('retries at most MAX_ROW_RETRIES times', () => {
    expect(MAX_ROW_RETRIES).toBe(8);
  });
});

describe('InFlight', () => {
  it('keeps at most `concurrency` tasks running and starts none after a failure', async () => {
    const pool = new InFlight(2);
    let running = 0;
    let most = 0;
    const task = (fail = false) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (fail) throw new Error('boom');
    };
    const started: boolean[] = [];
    for (let i = 0; i < 5; i++) started.push(await pool.run(task(i === 1)));
    await pool.settle();
    expect(most).toBe(2);
    expect(pool.failed).toBe(true);
    expect((pool.failure as Error).message).toBe('boom');
    // tasks 0 and 1 started at once; task 2 waited for a slot (task 0 done) and started; by then
    // task 1 had failed as well, so 3 and 4 were refused.
    expect(started.slice(0, 2)).toEqual([true, true]);
    expect(started.slice(3)).toEqual([false, false]);
  });

  it('starts nothing once the caller says stop', async () => {
    let stop = false;
    const pool = new InFlight(4, () => stop);
    expect(await pool.run(async () => undefined)).toBe(true);
    stop = true;
    expect(await pool.run(async () => undefined)).toBe(false);
  });
});
