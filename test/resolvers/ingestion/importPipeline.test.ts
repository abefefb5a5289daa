/**
 * The one import pipeline (resolvers/Mutation.importRows.ts: readImportRefs, readImportBatch,
 * writeImportBatch, writeImportBatchRetry, readBatchMarker) handler by handler in the local APPSYNC_JS
 * runtime, with the test playing DynamoDB, for Customer, Project and Invoice: what each step asks
 * DynamoDB for, the plan, and the races an HTTP test cannot force on demand (a claim taken between
 * the read and the write, a target deleted, a re-send racing the original, a transaction cancelled
 * twice). Cancellation shapes follow AWS's TransactWriteItems reference:
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 * (`ctx.error` set, `ctx.result = { keys: null, cancellationReasons: [...] }` in request order).
 */
import { describe, expect, it } from 'vitest';
import type { HandlerOutcome } from '../../../infra/local/contracts';
import { localEnvironment } from '../../../infra/wiring';
import { runHandler, valueOf } from '../harness';

const INGESTIONS = localEnvironment.INGESTIONS_TABLE!;
const UNIQUES = localEnvironment.UNIQUES_TABLE!;
const CUSTOMERS = localEnvironment.CUSTOMERS_TABLE!;
const PROJECTS = localEnvironment.PROJECTS_TABLE!;
const INVOICES = localEnvironment.INVOICES_TABLE!;

const RESOLVER = 'resolvers/Mutation.importRows.ts';
const REFS = 'resolvers/functions/readImportRefs.ts';
const READ = 'resolvers/functions/readImportBatch.ts';
const WRITE = 'resolvers/functions/writeImportBatch.ts';
const RETRY = 'resolvers/functions/writeImportBatchRetry.ts';
const MARKER = 'resolvers/functions/readBatchMarker.ts';

const META = {
  pk: 'ing-1',
  sk: 'META',
  kind: 'INGESTION',
  id: 'ing-1',
  fileName: 'f.csv',
  sha256: 'a'.repeat(64),
  model: 'CUSTOMER',
  source: 'API',
  status: 'RUNNING',
  rowCount: 3,
  created: 10,
  duplicates: 1,
  invalid: 2,
  alreadyImported: 0,
  processed: 13,
  batches: 4,
  startedAt: '2026-01-01T00:00:00.000Z',
  startedAtMs: 1767225600000,
  resumes: 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const ROWS = [
  { rowNumber: 1, email: 'one@example.com', name: 'One' },
  { rowNumber: 2, email: 'two@example.com', name: 'Two' },
  { rowNumber: 3, email: 'three@example.com', name: 'Three' },
];

type Obj = Record<string, unknown>;
type Typed = Record<string, { S?: string; N?: string | number; L?: unknown[]; M?: Obj; NULL?: boolean }>;

interface TxItem {
  table: string;
  operation: string;
  key: Typed;
  attributeValues?: Typed;
  condition?: { expression: string; expressionNames?: Record<string, string>; expressionValues?: Typed };
  update?: { expression: string };
}
interface TxRequest {
  operation: string;
  transactItems: TxItem[];
}
interface BatchGet {
  operation: string;
  tables: Record<string, { keys: Typed[]; consistentRead: boolean; projection?: { expression: string } }>;
}
interface Progress {
  outcomes: { rowNumber: number; status: string; id: string | null; errors: { field: string; code: string; message: string }[] | null; conflict: Obj | null }[];
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  processed: number;
  batches: number;
  replayed: boolean;
  stage: string;
}

type Stash = Obj;

/** The resolver's request for `field` with `rows` as batch `batchNumber`; returns the stash. */
async function begin(field: string, rows: Obj[], batchNumber = 5): Promise<{ stash: Stash; args: Obj }> {
  const stash: Stash = {};
  const args = { input: { ingestionId: 'ing-1', batchNumber, rows } };
  valueOf(await runHandler(RESOLVER, 'request', { args, stash, fieldName: field }));
  return { stash, args };
}

/** readImportBatch's request and its response to `data` (table → items, in key order). */
async function read(stash: Stash, args: Obj, data: Record<string, unknown[]>): Promise<BatchGet> {
  const request = valueOf(await runHandler(READ, 'request', { stash, args })) as BatchGet;
  valueOf(await runHandler(READ, 'response', { stash, args, result: { data, unprocessedKeys: {} } }));
  return request;
}

/** The Customer batch ROWS planned as if DynamoDB held only the ingestion. */
async function planned(): Promise<{ stash: Stash; args: Obj }> {
  const started = await begin('importCustomers', ROWS);
  const request = await read(started.stash, started.args, { [INGESTIONS]: [META, null, null, null, null], [UNIQUES]: [null, null, null] });
  // META + marker + 3 row errors, and the 3 email claims; no record read (Customer has a unique).
  expect(request.tables[INGESTIONS]!.keys).toHaveLength(5);
  expect(request.tables[UNIQUES]!.keys.map((k) => k.key!.S)).toEqual(['customer.email#one@example.com', 'customer.email#two@example.com', 'customer.email#three@example.com']);
  expect(Object.keys(request.tables)).toEqual([INGESTIONS, UNIQUES]);
  return started;
}

function cancelled(types: string[]) {
  return {
    error: { type: 'DynamoDB:TransactionCanceledException', message: 'Transaction cancelled, please refer cancellation reasons for specific reasons' },
    result: { keys: null, cancellationReasons: types.map((type) => ({ type, message: type === 'None' ? 'None' : 'The conditional request failed' })) },
  };
}

function markerOutcomes(tx: TxRequest, kind: string): { rowNumber: number; status: string }[] {
  const marker = tx.transactItems.find((i) => i.key.sk?.S?.startsWith(`${kind}#`));
  const outcomes = marker!.attributeValues!.outcomes!.L as { M: { rowNumber: { N: number | string }; status: { S: string } } }[];
  return outcomes.map((o) => ({ rowNumber: Number(o.M.rowNumber.N), status: o.M.status.S }));
}

/** The marker's `done` attribute: flat [from, to, …] ranges of the rows it accounted for. */
function markerDone(tx: TxRequest, kind: string): number[] {
  const marker = tx.transactItems.find((i) => i.key.sk?.S?.startsWith(`${kind}#`));
  return (marker!.attributeValues!.done!.L as { N: number | string }[]).map((n) => Number(n.N));
}

function errorType(outcome: HandlerOutcome): string | null {
  return outcome.kind === 'error' ? outcome.error.errorType : null;
}

function shape(tx: TxRequest): string[] {
  return tx.transactItems.map((i) => `${i.table}:${i.operation}`);
}

/** readBatchMarker (the last step) when it has nothing to read, then the resolver's answer. */
async function answer(stash: Stash, field: string): Promise<Progress> {
  const last = await runHandler(MARKER, 'request', { stash });
  expect(last.kind).toBe('earlyReturn');
  const value = (last as { value: unknown }).value;
  return valueOf(await runHandler(RESOLVER, 'response', { stash, prevResult: value, fieldName: field })) as Progress;
}

/** A typed attribute map back to plain values (S, N, BOOL, NULL, M, L). */
function plain(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const v = value as Obj;
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('M' in v) return Object.fromEntries(Object.entries(v.M as Obj).map(([k, x]) => [k, plain(x)]));
  if ('L' in v) return (v.L as unknown[]).map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}

describe('importCustomers through the one pipeline', () => {
  it('finds the model by the field, and keeps the phase READING until the batch is read', async () => {
    const { stash } = await begin('importCustomers', ROWS);
    expect(stash).toMatchObject({ phase: 'READING', stage: 'IMPORTING', markerSk: 'BATCH#Customer#000005#1-3-3', rowNumbers: [1, 2, 3] });
    expect((stash.model as Obj).name).toBe('Customer');
    const unknown = await runHandler(RESOLVER, 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 1, rows: ROWS } }, stash: {}, fieldName: 'importWidgets' });
    expect(errorType(unknown)).toBe('BadRequest');
  });

  it('writes each new customer (derived id) with its claim, then the marker and the counters, in one transaction', async () => {
    const { stash, args } = await planned();
    expect(stash.phase).toBe('PLANNED');
    const tx = valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest;
    expect(tx.operation).toBe('TransactWriteItems');
    // 2 items a row + marker + META.
    expect(shape(tx)).toEqual([...Array(3).fill([`${CUSTOMERS}:PutItem`, `${UNIQUES}:PutItem`]).flat(), `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    const [customer, claim] = tx.transactItems;
    expect(customer!.key).toEqual({ id: { S: 'ing-1-r00000001' } });
    expect(plain(customer!.attributeValues)).toEqual({
      email: 'one@example.com',
      name: 'One',
      version: 1,
      createdAt: stash.now,
      updatedAt: stash.now,
      ingestionId: 'ing-1',
      rowNumber: 1,
      ingestionRun: 0,
    });
    expect(customer!.condition!.expression).toBe('attribute_not_exists(#k)');
    expect(claim!.key).toEqual({ key: { S: 'customer.email#one@example.com' } });
    expect(plain(claim!.attributeValues)).toEqual({ kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'ing-1-r00000001', ingestionId: 'ing-1', rowNumber: 1, run: 0 });
    expect(claim!.condition!.expressionNames).toEqual({ '#k': 'key' });
    // The marker's `done`: rows 1–3 as one range (listIngestionBatches reads it instead of the outcomes).
    expect(markerDone(tx, 'BATCH#Customer')).toEqual([1, 3]);
  });

  it('answers RETRY for a row whose claim a concurrent writer took, and writes the rest on the second attempt', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    // Row 2's claim (item 4) failed its attribute_not_exists.
    valueOf(await runHandler(WRITE, 'response', { stash, ...cancelled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None']) }));
    expect(stash.phase).toBe('RETRY');

    const retry = valueOf(await runHandler(RETRY, 'request', { stash })) as TxRequest;
    // Rows 1 and 3 (2 items each) + marker + META: row 2 writes nothing.
    expect(retry.transactItems).toHaveLength(6);
    expect(retry.transactItems.some((i) => i.key.key?.S === 'customer.email#two@example.com')).toBe(false);
    expect(markerOutcomes(retry, 'BATCH#Customer')).toEqual([
      { rowNumber: 1, status: 'CREATED' },
      { rowNumber: 2, status: 'RETRY' },
      { rowNumber: 3, status: 'CREATED' },
    ]);
    // The marker names the rows it accounted for, without the RETRY row: a resumed run sends row 2 again.
    expect(markerDone(retry, 'BATCH#Customer')).toEqual([1, 1, 3, 3]);
    valueOf(await runHandler(RETRY, 'response', { stash, result: { keys: [], cancellationReasons: null } }));
    expect(stash.phase).toBe('COMMITTED');

    const progress = await answer(stash, 'importCustomers');
    expect(progress.outcomes.map((o) => [o.rowNumber, o.status, o.id])).toEqual([
      [1, 'CREATED', 'ing-1-r00000001'],
      [2, 'RETRY', null],
      [3, 'CREATED', 'ing-1-r00000003'],
    ]);
    expect(progress.outcomes[1]!.errors).toEqual([
      { field: 'row', code: 'CONCURRENT_WRITE', message: 'A concurrent writer took a value this row needs while the batch was being written; send the row again in a later batch.' },
    ]);
    // The RETRY row is not counted: it is accounted for when it comes back.
    expect(progress).toMatchObject({ stage: 'IMPORTING', created: 12, processed: 15, batches: 5, replayed: false });
  });

  it('answers every row RETRY and counts nothing when both attempts are cancelled', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    await runHandler(WRITE, 'response', { stash, ...cancelled(['None', 'TransactionConflict', 'None', 'None', 'None', 'None', 'None', 'None']) });
    const second = valueOf(await runHandler(RETRY, 'request', { stash })) as TxRequest;
    expect(second.transactItems).toHaveLength(6);
    await runHandler(RETRY, 'response', { stash, ...cancelled(['None', 'None', 'None', 'None', 'None', 'TransactionConflict']) });
    expect(stash.phase).toBe('GAVE_UP');
    const progress = await answer(stash, 'importCustomers');
    expect(progress.outcomes.map((o) => o.status)).toEqual(['RETRY', 'RETRY', 'RETRY']);
    expect(progress).toMatchObject({ created: 10, processed: 13, batches: 4 });
  });

  it('skips the second attempt after a committed first one', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    expect(stash.phase).toBe('COMMITTED');
    expect((await runHandler(RETRY, 'request', { stash })).kind).toBe('earlyReturn');
    const progress = await answer(stash, 'importCustomers');
    expect(progress).toMatchObject({ created: 13, processed: 16, batches: 5, replayed: false });
  });

  it('answers the stored outcomes, replayed, when the marker shows the batch was recorded meanwhile', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    // The marker is the 7th item.
    await runHandler(WRITE, 'response', { stash, ...cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed', 'None']) });
    expect(stash.phase).toBe('READ_MARKER');
    expect((await runHandler(RETRY, 'request', { stash })).kind).toBe('earlyReturn');
    const get = valueOf(await runHandler(MARKER, 'request', { stash })) as { operation: string; key: { sk: { S: string } } };
    expect(get.operation).toBe('GetItem');
    expect(get.key.sk.S).toBe('BATCH#Customer#000005#1-3-3');
    const stored = [
      { rowNumber: 1, status: 'CREATED', id: 'c1', errors: null, conflict: null },
      { rowNumber: 2, status: 'CREATED', id: 'c2', errors: null, conflict: null },
      { rowNumber: 3, status: 'DUPLICATE', id: null, errors: null, conflict: null },
    ];
    const last = valueOf(await runHandler(MARKER, 'response', { stash, result: { pk: 'ing-1', sk: get.key.sk.S, kind: 'BATCH', batchNumber: 5, outcomes: stored } }));
    expect(stash.phase).toBe('REPLAYED');
    const progress = valueOf(await runHandler(RESOLVER, 'response', { stash, prevResult: last, fieldName: 'importCustomers' })) as Progress;
    expect(progress.replayed).toBe(true);
    expect(progress.outcomes).toEqual(stored);
    // Counters as stored: nothing added for a replay.
    expect(progress.processed).toBe(13);
  });

  it('answers a batch read back with its marker replayed, without planning or writing', async () => {
    const { stash, args } = await begin('importCustomers', ROWS);
    const marker = { pk: 'ing-1', sk: 'BATCH#Customer#000005#1-3-3', kind: 'BATCH', batchNumber: 5, outcomes: ROWS.map((r) => ({ rowNumber: r.rowNumber, status: 'CREATED', id: `c${r.rowNumber}`, errors: null, conflict: null })) };
    await read(stash, args, { [INGESTIONS]: [META, marker, null, null, null], [UNIQUES]: [null, null, null] });
    expect(stash.phase).toBe('REPLAYED');
    expect((await runHandler(WRITE, 'request', { stash, args })).kind).toBe('earlyReturn');
    expect((await answer(stash, 'importCustomers')).replayed).toBe(true);
  });

  it('fails with IngestionNotRunning when the ingestion was closed between the read and the write', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    const outcome = await runHandler(WRITE, 'response', { stash, ...cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']) });
    expect(errorType(outcome)).toBe('IngestionNotRunning');
  });

  it('passes a data-source error that is not a cancellation through as the field error', async () => {
    const { stash, args } = await planned();
    await runHandler(WRITE, 'request', { stash, args });
    const outcome = await runHandler(WRITE, 'response', { stash, error: { type: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' }, result: null });
    expect(errorType(outcome)).toBe('DynamoDB:ProvisionedThroughputExceededException');
  });

  it('refuses a batch of another model, and one larger than the model batchRows (49)', async () => {
    const { stash, args } = await begin('importCustomers', ROWS);
    valueOf(await runHandler(READ, 'request', { stash, args }));
    const wrong = await runHandler(READ, 'response', { stash, args, result: { data: { [INGESTIONS]: [{ ...META, model: 'PROJECT' }, null, null, null, null] }, unprocessedKeys: {} } });
    expect(errorType(wrong)).toBe('WrongModel');
    const rows = Array.from({ length: 50 }, (_, i) => ({ rowNumber: i + 1, email: `big${i}@example.com`, name: 'Big' }));
    const tooLarge = await runHandler(RESOLVER, 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 1, rows } }, stash: {}, fieldName: 'importCustomers' });
    expect(tooLarge.kind === 'error' && tooLarge.error).toMatchObject({ errorType: 'BatchTooLarge', errorInfo: { maxRows: 49, rows: 50 } });
  });

  it('plans a repeated email DUPLICATE of the earlier row, and one claimed by another customer DUPLICATE of its owner', async () => {
    const { stash, args } = await begin('importCustomers', [
      { rowNumber: 1, email: 'Ann@Example.com', name: 'A' },
      { rowNumber: 2, email: ' ann@example.COM ', name: 'A again' },
      { rowNumber: 3, email: 'bea@example.com', name: 'B' },
    ]);
    const request = await read(stash, args, {
      [INGESTIONS]: [META, null, null, null, null],
      [UNIQUES]: [null, { key: 'customer.email#bea@example.com', kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'c-9', ingestionId: 'ing-0', rowNumber: 12 }],
    });
    // Rows 1 and 2 share one claim key: read once.
    expect(request.tables[UNIQUES]!.keys.map((k) => k.key!.S)).toEqual(['customer.email#ann@example.com', 'customer.email#bea@example.com']);
    await runHandler(WRITE, 'request', { stash, args });
    await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    const progress = await answer(stash, 'importCustomers');
    expect(progress.outcomes.slice(1)).toEqual([
      {
        rowNumber: 2,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: 'Email ann@example.com already belongs to customer ing-1-r00000001.' }],
        conflict: { field: 'email', value: 'ann@example.com', existingId: 'ing-1-r00000001', ingestionId: 'ing-1', rowNumber: 1 },
      },
      {
        rowNumber: 3,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: 'Email bea@example.com already belongs to customer c-9.' }],
        conflict: { field: 'email', value: 'bea@example.com', existingId: 'c-9', ingestionId: 'ing-0', rowNumber: 12 },
      },
    ]);
    expect(progress).toMatchObject({ created: 11, duplicates: 3, processed: 16 });
  });

  it('stores a rejected row with its cells as sent, and answers a row stored before as it was, counting it once', async () => {
    const rows = [
      { rowNumber: 1, email: 'not-an-email', name: 'X', notes: '=cmd()' },
      { rowNumber: 2, email: 'two@example.com', name: 'Two' },
    ];
    const { stash, args } = await begin('importCustomers', rows, 6);
    const storedError = { pk: 'ing-1', sk: 'ROW#00000002', kind: 'ROW', rowNumber: 2, status: 'DUPLICATE', errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: 'm' }], conflict: null };
    await read(stash, args, { [INGESTIONS]: [META, null, null, storedError], [UNIQUES]: [null] });
    const tx = valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest;
    // Row 1's error item, marker, META: row 2 was accounted for by an earlier run.
    expect(shape(tx)).toEqual([`${INGESTIONS}:PutItem`, `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    expect(tx.transactItems[0]!.key).toEqual({ pk: { S: 'ing-1' }, sk: { S: 'ROW#00000001' } });
    const rowError = plain(tx.transactItems[0]!.attributeValues) as Obj;
    expect(JSON.parse(rowError.raw as string)).toEqual({ email: 'not-an-email', name: 'X', notes: '=cmd()' });
    expect(rowError.errors).toEqual([{ field: 'email', code: 'FORMAT', message: 'Email is not a valid email address.' }]);
    expect(markerOutcomes(tx, 'BATCH#Customer')).toEqual([
      { rowNumber: 1, status: 'INVALID' },
      { rowNumber: 2, status: 'DUPLICATE' },
    ]);
    await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    expect(await answer(stash, 'importCustomers')).toMatchObject({ invalid: 3, duplicates: 1, processed: 14 });
  });

  describe('a row this ingestion created before (its claim names this file row)', () => {
    const claimOf = (run: number, reimportedAt?: string) => ({
      key: 'customer.email#one@example.com',
      kind: 'UNIQUE',
      model: 'Customer',
      field: 'email',
      ownerId: 'ing-1-r00000001',
      ingestionId: 'ing-1',
      rowNumber: 1,
      run,
      ...(reimportedAt ? { reimportedAt } : {}),
    });

    async function resend(meta: Obj, claim: Obj): Promise<{ stash: Stash; tx: TxRequest }> {
      const { stash, args } = await begin('importCustomers', [ROWS[0]!], 7);
      await read(stash, args, { [INGESTIONS]: [meta, null, null], [UNIQUES]: [claim] });
      return { stash, tx: valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest };
    }

    it('moves it from created to alreadyImported once, when a resumed run sends it again', async () => {
      const { stash, tx } = await resend({ ...META, resumes: 1 }, claimOf(0));
      expect(shape(tx)).toEqual([`${UNIQUES}:UpdateItem`, `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
      expect(tx.transactItems[0]!.update!.expression).toBe('SET #reimportedAt = :now');
      expect(tx.transactItems[0]!.condition).toMatchObject({ expression: '#owner = :id AND attribute_not_exists(#reimportedAt)', expressionNames: { '#owner': 'ownerId' } });
      await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
      const progress = await answer(stash, 'importCustomers');
      expect(progress.outcomes).toEqual([{ rowNumber: 1, status: 'ALREADY_IMPORTED', id: 'ing-1-r00000001', errors: null, conflict: null }]);
      expect(progress).toMatchObject({ created: 9, alreadyImported: 1, processed: 13 });
    });

    it('counts nothing when the same run, or a run after the move, sends it again', async () => {
      for (const [meta, claim] of [
        [META, claimOf(0)],
        [{ ...META, resumes: 2 }, claimOf(0, '2026-01-02T00:00:00.000Z')],
      ] as const) {
        const { stash, tx } = await resend(meta, claim);
        expect(shape(tx)).toEqual([`${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
        await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
        expect(await answer(stash, 'importCustomers')).toMatchObject({ created: 10, alreadyImported: 0, processed: 13 });
      }
    });
  });
});

describe('importProjects through the one pipeline', () => {
  const PROJECT_META = { ...META, model: 'PROJECT' };
  const PROJECT_ROWS = [
    { rowNumber: 1, customerEmail: 'client@example.com', name: 'A' },
    { rowNumber: 2, customerEmail: 'CLIENT@example.com', name: 'B', budget: '0012000.50', status: 'on hold' },
    { rowNumber: 3, customerId: 'cust-2', customerEmail: 'ignored@example.com', name: 'C' },
  ];

  async function plannedProjects(rows: Obj[] = PROJECT_ROWS, refs: Obj = {}, records: unknown[] = [null, null, null]): Promise<{ stash: Stash; args: Obj; lookup: BatchGet }> {
    const { stash, args } = await begin('importProjects', rows, 1);
    const lookup = valueOf(await runHandler(REFS, 'request', { stash })) as BatchGet;
    await runHandler(REFS, 'response', {
      stash,
      result: { data: { [UNIQUES]: [{ key: 'customer.email#client@example.com', kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'cust-1' }], [CUSTOMERS]: [{ id: 'cust-2' }], ...refs }, unprocessedKeys: {} },
    });
    const request = await read(stash, args, { [INGESTIONS]: [PROJECT_META, null, null, null, null], [PROJECTS]: records });
    // A model without uniques finds its rows again by derived id.
    expect(request.tables[PROJECTS]).toMatchObject({ consistentRead: true, projection: { expression: '#id, #run, #reimportedAt' } });
    return { stash, args, lookup };
  }

  it('looks each named customer up once: by claim for an email, by item for an id (an id wins over an email)', async () => {
    const { lookup, stash } = await plannedProjects();
    expect(lookup.operation).toBe('BatchGetItem');
    expect(lookup.tables[UNIQUES]!.keys).toEqual([{ key: { S: 'customer.email#client@example.com' } }]);
    expect(lookup.tables[CUSTOMERS]).toMatchObject({ keys: [{ id: { S: 'cust-2' } }], consistentRead: true, projection: { expression: '#id' } });
    expect(stash.refsFound).toEqual({ 'customer.email#client@example.com': 'cust-1', '#Customer#cust-2': 'cust-2' });
  });

  it('skips the lookup when no valid row names a customer', async () => {
    const { stash } = await begin('importProjects', [{ rowNumber: 1, name: 'Orphan' }], 1);
    expect((await runHandler(REFS, 'request', { stash })).kind).toBe('earlyReturn');
    expect((stash.rows as { errors: Obj[] }[])[0]!.errors).toEqual([{ field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' }]);
  });

  it('writes each project with its customer id and checks each distinct customer once in the same transaction', async () => {
    const { stash, args } = await plannedProjects();
    const tx = valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest;
    // 3 project puts, 2 customer checks (cust-1 for rows 1 and 2, cust-2), marker, META.
    expect(shape(tx)).toEqual([
      `${PROJECTS}:PutItem`,
      `${PROJECTS}:PutItem`,
      `${PROJECTS}:PutItem`,
      `${CUSTOMERS}:ConditionCheck`,
      `${CUSTOMERS}:ConditionCheck`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:UpdateItem`,
    ]);
    expect(tx.transactItems[3]).toMatchObject({ key: { id: { S: 'cust-1' } }, condition: { expression: 'attribute_exists(#id)' } });
    expect(tx.transactItems[4]!.key).toEqual({ id: { S: 'cust-2' } });
    expect(plain(tx.transactItems[1]!.attributeValues)).toEqual({
      customerId: 'cust-1',
      name: 'B',
      status: 'ON_HOLD',
      budget: 12000.5,
      version: 1,
      createdAt: stash.now,
      updatedAt: stash.now,
      ingestionId: 'ing-1',
      rowNumber: 2,
      ingestionRun: 0,
    });
    // The default status, the customer named by id.
    expect(plain(tx.transactItems[2]!.attributeValues)).toMatchObject({ customerId: 'cust-2', name: 'C', status: 'PLANNED' });
  });

  it('answers RETRY for every row of a customer deleted between the read and the write', async () => {
    const { stash, args } = await plannedProjects();
    await runHandler(WRITE, 'request', { stash, args });
    // cust-1's condition check (item 4) failed: rows 1 and 2 depend on it.
    await runHandler(WRITE, 'response', { stash, ...cancelled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None', 'None', 'None']) });
    const retry = valueOf(await runHandler(RETRY, 'request', { stash })) as TxRequest;
    expect(shape(retry)).toEqual([`${PROJECTS}:PutItem`, `${CUSTOMERS}:ConditionCheck`, `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    await runHandler(RETRY, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    expect((await answer(stash, 'importProjects')).outcomes.map((o) => o.status)).toEqual(['RETRY', 'RETRY', 'CREATED']);
  });

  it('answers a row naming no existing customer INVALID with UNKNOWN_CUSTOMER, by the column it named', async () => {
    const { stash, args } = await plannedProjects(
      [
        { rowNumber: 1, customerEmail: 'Nobody@Example.com', name: 'Ghost' },
        { rowNumber: 2, customerId: 'no-such-customer', name: 'Ghost 2' },
      ],
      { [UNIQUES]: [null], [CUSTOMERS]: [null] },
      [null, null],
    );
    await runHandler(WRITE, 'request', { stash, args });
    await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    const progress = await answer(stash, 'importProjects');
    expect(progress.outcomes.map((o) => [o.status, o.errors])).toEqual([
      ['INVALID', [{ field: 'customerEmail', code: 'UNKNOWN_CUSTOMER', message: 'No customer with email Nobody@Example.com.' }]],
      ['INVALID', [{ field: 'customerId', code: 'UNKNOWN_CUSTOMER', message: 'No customer with id no-such-customer.' }]],
    ]);
  });

  it('answers a project this ingestion wrote in an earlier run ALREADY_IMPORTED, found by its derived id, and marks it once', async () => {
    const { stash, args } = await plannedProjects([PROJECT_ROWS[0]!], {}, [{ id: 'ing-1-r00000001', ingestionRun: 0 }]);
    expect(((stash.rows as Obj[])[0] as Obj).claimKeys).toEqual([]);
    // The same run: nothing to write for it.
    const tx = valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest;
    expect(shape(tx)).toEqual([`${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    expect(markerOutcomes(tx, 'BATCH#Project')).toEqual([{ rowNumber: 1, status: 'ALREADY_IMPORTED' }]);

    const resumed = await begin('importProjects', [PROJECT_ROWS[0]!], 2);
    await read(resumed.stash, resumed.args, { [INGESTIONS]: [{ ...PROJECT_META, resumes: 1 }, null, null], [PROJECTS]: [{ id: 'ing-1-r00000001', ingestionRun: 0 }] });
    const mark = valueOf(await runHandler(WRITE, 'request', { stash: resumed.stash, args: resumed.args })) as TxRequest;
    expect(shape(mark)).toEqual([`${PROJECTS}:UpdateItem`, `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    expect(mark.transactItems[0]).toMatchObject({ key: { id: { S: 'ing-1-r00000001' } }, condition: { expressionNames: { '#owner': 'id' } } });
  });
});

describe('importInvoices through the one pipeline', () => {
  const INVOICE_META = { ...META, model: 'INVOICE' };
  const base = { amount: '120.50', currency: 'eur', issueDate: '2026-03-01', dueDate: '2026-03-31' };

  async function plannedInvoices(rows: Obj[], refs: Record<string, unknown[]>, claims: unknown[]): Promise<{ stash: Stash; args: Obj; lookup: BatchGet; request: BatchGet }> {
    const { stash, args } = await begin('importInvoices', rows, 3);
    const lookup = valueOf(await runHandler(REFS, 'request', { stash })) as BatchGet;
    await runHandler(REFS, 'response', { stash, result: { data: refs, unprocessedKeys: {} } });
    const request = await read(stash, args, { [INGESTIONS]: [INVOICE_META, null, ...rows.map(() => null)], [UNIQUES]: claims });
    return { stash, args, lookup, request };
  }

  it('reads the customer by claim and the project by id in one lookup, then plans duplicates, unknown targets and new invoices', async () => {
    const rows = [
      { rowNumber: 1, invoiceNumber: 'INV-1', customerEmail: 'ann@example.com', projectId: 'p-1', ...base },
      { rowNumber: 2, invoiceNumber: 'INV-1', customerEmail: 'ann@example.com', ...base },
      { rowNumber: 3, invoiceNumber: 'INV-0', customerEmail: 'ann@example.com', ...base },
      { rowNumber: 4, invoiceNumber: 'INV-4', customerEmail: 'x@example.com', ...base },
      { rowNumber: 5, invoiceNumber: 'INV-5', customerEmail: 'ann@example.com', projectId: 'p-404', ...base },
    ];
    const owner = { key: 'invoice.invoiceNumber#INV-0', kind: 'UNIQUE', model: 'Invoice', field: 'invoiceNumber', ownerId: 'inv-0', ingestionId: 'ing-0', rowNumber: 9 };
    const { stash, args, lookup, request } = await plannedInvoices(
      rows,
      { [UNIQUES]: [{ key: 'customer.email#ann@example.com', ownerId: 'c-ann' }, null], [PROJECTS]: [{ id: 'p-1' }, null] },
      [null, owner, null, null],
    );
    expect(lookup.tables[UNIQUES]!.keys.map((k) => k.key!.S)).toEqual(['customer.email#ann@example.com', 'customer.email#x@example.com']);
    expect(lookup.tables[PROJECTS]!.keys).toEqual([{ id: { S: 'p-1' } }, { id: { S: 'p-404' } }]);
    // Every valid row's claim, once (rows 4 and 5 too: a row of this ingestion is found again by it).
    expect(request.tables[UNIQUES]!.keys.map((k) => k.key!.S)).toEqual(['invoice.invoiceNumber#INV-1', 'invoice.invoiceNumber#INV-0', 'invoice.invoiceNumber#INV-4', 'invoice.invoiceNumber#INV-5']);

    const tx = valueOf(await runHandler(WRITE, 'request', { stash, args })) as TxRequest;
    // Row 1: invoice + claim; checks on its customer and its project; 4 row errors; marker; META.
    expect(shape(tx)).toEqual([
      `${INVOICES}:PutItem`,
      `${UNIQUES}:PutItem`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:PutItem`,
      `${CUSTOMERS}:ConditionCheck`,
      `${PROJECTS}:ConditionCheck`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:UpdateItem`,
    ]);
    expect(plain(tx.transactItems[0]!.attributeValues)).toEqual({
      invoiceNumber: 'INV-1',
      customerId: 'c-ann',
      projectId: 'p-1',
      amount: 120.5,
      currency: 'EUR',
      issueDate: '2026-03-01',
      dueDate: '2026-03-31',
      version: 1,
      createdAt: stash.now,
      updatedAt: stash.now,
      ingestionId: 'ing-1',
      rowNumber: 1,
      ingestionRun: 0,
    });
    expect(plain(tx.transactItems[1]!.attributeValues)).toMatchObject({ kind: 'UNIQUE', model: 'Invoice', field: 'invoiceNumber', ownerId: 'ing-1-r00000001' });
    await runHandler(WRITE, 'response', { stash, result: { keys: [], cancellationReasons: null } });
    const progress = await answer(stash, 'importInvoices');
    expect(progress.outcomes.map((o) => [o.rowNumber, o.status, o.errors && o.errors.map((e) => `${e.field} ${e.code} ${e.message}`)])).toEqual([
      [1, 'CREATED', null],
      [2, 'DUPLICATE', ['invoiceNumber DUPLICATE_INVOICE_NUMBER Invoice number INV-1 already belongs to invoice ing-1-r00000001.']],
      [3, 'DUPLICATE', ['invoiceNumber DUPLICATE_INVOICE_NUMBER Invoice number INV-0 already belongs to invoice inv-0.']],
      [4, 'INVALID', ['customerEmail UNKNOWN_CUSTOMER No customer with email x@example.com.']],
      [5, 'INVALID', ['projectId UNKNOWN_PROJECT No project with id p-404.']],
    ]);
    expect(progress.outcomes[2]!.conflict).toEqual({ field: 'invoiceNumber', value: 'INV-0', existingId: 'inv-0', ingestionId: 'ing-0', rowNumber: 9 });
  });

  it('validates every invoice row against the generated columns and rules', async () => {
    const { stash } = await begin('importInvoices', [
      { rowNumber: 1, invoiceNumber: 'INV-1', customerEmail: 'a@example.com', ...base, dueDate: '2026-02-28' },
      { rowNumber: 2, invoiceNumber: 'INV-2', customerId: 'c-1', ...base, amount: '-1' },
      { rowNumber: 3, invoiceNumber: 'INV-3', customerId: 'c-1', ...base, currency: 'XYZ' },
      { rowNumber: 4, invoiceNumber: 'INV\u200b-4', customerId: 'c-1', ...base },
      { rowNumber: 5, invoiceNumber: 'INV-5', ...base, amount: '1e3' },
    ]);
    expect((stash.rows as { rowNumber: number; errors: Obj[] }[]).map((r) => [r.rowNumber, r.errors])).toEqual([
      [1, [{ field: 'dueDate', code: 'RANGE', message: 'Due date 2026-02-28 is before issue date 2026-03-01.' }]],
      [2, [{ field: 'amount', code: 'RANGE', message: 'Amount must be at least 0.' }]],
      [3, [{ field: 'currency', code: 'ENUM', message: expect.stringMatching(/^Currency must be one of AED, AFN, .*, EUR, .*, ZWL\.$/) }]],
      [4, [{ field: 'invoiceNumber', code: 'FORMAT', message: 'Invoice number contains a control, invisible or text-direction character.' }]],
      [
        5,
        [
          { field: 'amount', code: 'FORMAT', message: 'Amount is not a number.' },
          { field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' },
        ],
      ],
    ]);
  });

  it('refuses a batch of more than 24 rows (Invoice batchRows: 4 items a row within 100)', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ rowNumber: i + 1, invoiceNumber: `INV-${i}`, customerId: 'c-1', ...base }));
    const outcome = await runHandler(RESOLVER, 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 1, rows } }, stash: {}, fieldName: 'importInvoices' });
    expect(outcome.kind === 'error' && outcome.error).toMatchObject({
      errorType: 'BatchTooLarge',
      message: 'A batch holds at most 24 rows (one DynamoDB transaction); this one has 25. Split it.',
    });
    valueOf(await runHandler(RESOLVER, 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 1, rows: rows.slice(0, 24) } }, stash: {}, fieldName: 'importInvoices' }));
  });
});

describe('a composite unique (@unique(with: [...]))', () => {
  // readImportBatch reads only the stash's model (lib/imports.ts ImportModel), so any model can be played here.
  const TASKS = 'TASKS_TABLE';
  const model = {
    name: 'Task',
    label: 'Task',
    apiName: 'TASK',
    tableEnvVar: TASKS,
    stored: [
      { field: 'projectId', kind: 'ref' },
      { field: 'title', kind: 'string' },
    ],
    uniques: [{ field: 'title', with: ['projectId'], normalize: 'CASE_INSENSITIVE', claim: 'task.title', code: 'DUPLICATE_TITLE', label: 'Title' }],
    refs: [{ field: 'projectId', model: 'Project', tableEnvVar: 'PROJECTS_TABLE', label: 'Project', code: 'UNKNOWN_PROJECT', columns: [{ by: 'id', column: 'projectId', claim: null, normalize: null, keyLabel: 'id' }] }],
  };

  it('claims the value together with its with-fields (a reference as its target id), and none while a target is unknown', async () => {
    const stash: Stash = {
      phase: 'READING',
      stage: 'IMPORTING',
      ingestionId: 'ing-1',
      batchNumber: 1,
      markerSk: 'BATCH#Task#000001#1-2-2',
      rowNumbers: [1, 2],
      now: '2026-01-01T00:00:00.000Z',
      model,
      rows: [
        { rowNumber: 1, values: { projectId: 'p-1', title: ' Cafe\u0301 Design ' }, errors: [] },
        { rowNumber: 2, values: { projectId: 'p-404', title: 'Design' }, errors: [] },
      ],
      refsFound: { '#Project#p-1': 'p-1' },
    };
    const request = valueOf(await runHandler(READ, 'request', { stash, args: { input: { rows: [] } }, env: { TASKS_TABLE: 'foreman-tasks' } })) as BatchGet;
    expect(request.tables[UNIQUES]!.keys).toEqual([{ key: { S: 'task.title#caf\u00e9 design#p-1' } }]);
    expect((stash.rows as Obj[]).map((r) => r.claimKeys)).toEqual([['task.title#caf\u00e9 design#p-1'], [null]]);
    // Row 2 has no claim to find it again by: its derived id is read instead.
    expect(request.tables['foreman-tasks']!.keys).toEqual([{ id: { S: 'ing-1-r00000002' } }]);
    expect((stash.rows as Obj[])[1]!.refErrors).toEqual([{ field: 'projectId', code: 'UNKNOWN_PROJECT', message: 'No project with id p-404.' }]);
  });
});

