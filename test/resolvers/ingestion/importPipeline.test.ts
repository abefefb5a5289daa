/**
 * The importCustomers pipeline handler by handler in the local APPSYNC_JS runtime, with the test
 * playing DynamoDB: the races an HTTP test cannot force on demand (a claim taken between the read
 * and the write, a re-send racing the original, a transaction cancelled twice) and what each
 * answers. Cancellation shapes follow AWS's TransactWriteItems reference:
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

interface TxRequest {
  operation: string;
  transactItems: { table: string; operation: string; key: Record<string, { S?: string }>; attributeValues?: Record<string, unknown> }[];
}

type Stash = Record<string, unknown>;

/** Runs the before step and readCustomerBatch as if DynamoDB held only the ingestion. */
async function planned(): Promise<Stash> {
  const stash: Stash = {};
  valueOf(await runHandler('resolvers/Mutation.importCustomers.ts', 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 5, rows: ROWS } }, stash }));
  const read = valueOf(await runHandler('resolvers/functions/readCustomerBatch.ts', 'request', { stash })) as { tables: Record<string, { keys: unknown[] }> };
  // META + marker + 3 row errors, and the 3 email claims.
  expect(read.tables[INGESTIONS]!.keys).toHaveLength(5);
  expect(read.tables[UNIQUES]!.keys).toHaveLength(3);
  valueOf(await runHandler('resolvers/functions/readCustomerBatch.ts', 'response', { stash, result: { data: { [INGESTIONS]: [META, null, null, null, null], [UNIQUES]: [null, null, null] }, unprocessedKeys: {} } }));
  return stash;
}

function cancelled(types: string[]) {
  return {
    error: { type: 'DynamoDB:TransactionCanceledException', message: 'Transaction cancelled, please refer cancellation reasons for specific reasons' },
    result: { keys: null, cancellationReasons: types.map((type) => ({ type, message: type === 'None' ? 'None' : 'The conditional request failed' })) },
  };
}

function markerOutcomes(tx: TxRequest): { rowNumber: number; status: string }[] {
  const marker = tx.transactItems.find((i) => i.key.sk?.S?.startsWith('BATCH#C#'));
  const outcomes = (marker!.attributeValues!.outcomes as { L: { M: { rowNumber: { N: number | string }; status: { S: string } } }[] }).L;
  return outcomes.map((o) => ({ rowNumber: Number(o.M.rowNumber.N), status: o.M.status.S }));
}

function errorType(outcome: HandlerOutcome): string | null {
  return outcome.kind === 'error' ? outcome.error.errorType : null;
}

describe('importCustomers pipeline', () => {
  it('writes each new customer with its claim, then the marker and the counters, in one transaction', async () => {
    const stash = await planned();
    const tx = valueOf(await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash })) as TxRequest;
    expect(tx.operation).toBe('TransactWriteItems');
    // 2 items a row + marker + META.
    expect(tx.transactItems.map((i) => `${i.table}:${i.operation}`)).toEqual([
      ...Array(3).fill([`${CUSTOMERS}:PutItem`, `${UNIQUES}:PutItem`]).flat(),
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:UpdateItem`,
    ]);
  });

  it('answers RETRY for a row whose claim a concurrent writer took, and writes the rest on the second attempt', async () => {
    const stash = await planned();
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash });
    // Row 2's claim (item 4) failed its attribute_not_exists.
    const first = cancelled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None']);
    valueOf(await runHandler('resolvers/functions/writeCustomerBatch.ts', 'response', { stash, ...first }));

    const retry = valueOf(await runHandler('resolvers/functions/writeCustomerBatchRetry.ts', 'request', { stash })) as TxRequest;
    // Rows 1 and 3 (2 items each) + marker + META: row 2 writes nothing.
    expect(retry.transactItems).toHaveLength(6);
    expect(retry.transactItems.some((i) => i.key.key?.S === 'email#two@example.com')).toBe(false);
    expect(markerOutcomes(retry)).toEqual([
      { rowNumber: 1, status: 'CREATED' },
      { rowNumber: 2, status: 'RETRY' },
      { rowNumber: 3, status: 'CREATED' },
    ]);
    valueOf(await runHandler('resolvers/functions/writeCustomerBatchRetry.ts', 'response', { stash, result: { keys: [], cancellationReasons: null } }));
    // Nothing left to read: the marker step skips its data source.
    expect((await runHandler('resolvers/functions/readBatchMarker.ts', 'request', { stash })).kind).toBe('earlyReturn');

    const progress = valueOf(await runHandler('resolvers/Mutation.importCustomers.ts', 'response', { stash })) as {
      outcomes: { rowNumber: number; status: string }[];
      created: number;
      processed: number;
      batches: number;
      replayed: boolean;
    };
    expect(progress.outcomes.map((o) => o.status)).toEqual(['CREATED', 'RETRY', 'CREATED']);
    // The RETRY row is not counted: it is accounted for when it comes back.
    expect(progress).toMatchObject({ created: 12, processed: 15, batches: 5, replayed: false });
  });

  it('answers every row RETRY and counts nothing when both attempts are cancelled', async () => {
    const stash = await planned();
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash });
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'response', { stash, ...cancelled(['None', 'TransactionConflict', 'None', 'None', 'None', 'None', 'None', 'None']) });
    const second = valueOf(await runHandler('resolvers/functions/writeCustomerBatchRetry.ts', 'request', { stash })) as TxRequest;
    expect(second.transactItems).toHaveLength(6);
    await runHandler('resolvers/functions/writeCustomerBatchRetry.ts', 'response', { stash, ...cancelled(['None', 'None', 'None', 'None', 'None', 'TransactionConflict']) });
    const progress = valueOf(await runHandler('resolvers/Mutation.importCustomers.ts', 'response', { stash })) as { outcomes: { status: string }[]; processed: number; batches: number };
    expect(progress.outcomes.map((o) => o.status)).toEqual(['RETRY', 'RETRY', 'RETRY']);
    expect(progress).toMatchObject({ processed: 13, batches: 4 });
  });

  it('answers the stored outcomes, replayed, when the marker shows the batch was recorded meanwhile', async () => {
    const stash = await planned();
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash });
    // The marker is the 7th item.
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'response', { stash, ...cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed', 'None']) });
    expect((await runHandler('resolvers/functions/writeCustomerBatchRetry.ts', 'request', { stash })).kind).toBe('earlyReturn');
    const get = valueOf(await runHandler('resolvers/functions/readBatchMarker.ts', 'request', { stash })) as { operation: string; key: { sk: { S: string } } };
    expect(get.operation).toBe('GetItem');
    expect(get.key.sk.S).toBe('BATCH#C#000005#1-3-3');
    const stored = [
      { rowNumber: 1, status: 'CREATED', id: 'c1', errors: null, conflict: null },
      { rowNumber: 2, status: 'CREATED', id: 'c2', errors: null, conflict: null },
      { rowNumber: 3, status: 'DUPLICATE', id: null, errors: null, conflict: null },
    ];
    await runHandler('resolvers/functions/readBatchMarker.ts', 'response', { stash, result: { pk: 'ing-1', sk: get.key.sk.S, kind: 'BATCH', batchNumber: 5, outcomes: stored } });
    const progress = valueOf(await runHandler('resolvers/Mutation.importCustomers.ts', 'response', { stash })) as { outcomes: unknown[]; replayed: boolean; processed: number };
    expect(progress.replayed).toBe(true);
    expect(progress.outcomes).toEqual(stored);
    // Counters as stored: nothing added for a replay.
    expect(progress.processed).toBe(13);
  });

  it('fails with IngestionNotRunning when the ingestion was closed between the read and the write', async () => {
    const stash = await planned();
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash });
    const outcome = await runHandler('resolvers/functions/writeCustomerBatch.ts', 'response', {
      stash,
      ...cancelled(['None', 'None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']),
    });
    expect(errorType(outcome)).toBe('IngestionNotRunning');
  });

  it('passes a data-source error that is not a cancellation through as the field error', async () => {
    const stash = await planned();
    await runHandler('resolvers/functions/writeCustomerBatch.ts', 'request', { stash });
    const outcome = await runHandler('resolvers/functions/writeCustomerBatch.ts', 'response', {
      stash,
      error: { type: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' },
      result: null,
    });
    expect(errorType(outcome)).toBe('DynamoDB:ProvisionedThroughputExceededException');
  });
});

describe('importProjects pipeline', () => {
  const PROJECTS = localEnvironment.PROJECTS_TABLE!;
  const PROJECT_META = { ...META, model: 'PROJECT' };
  const PROJECT_ROWS = [
    { rowNumber: 1, customerEmail: 'client@example.com', name: 'A' },
    { rowNumber: 2, customerEmail: 'CLIENT@example.com', name: 'B' },
    { rowNumber: 3, customerId: 'cust-2', name: 'C' },
  ];

  async function plannedProjects(): Promise<Stash> {
    const stash: Stash = {};
    valueOf(await runHandler('resolvers/Mutation.importProjects.ts', 'request', { args: { input: { ingestionId: 'ing-1', batchNumber: 1, rows: PROJECT_ROWS } }, stash }));
    const lookup = valueOf(await runHandler('resolvers/functions/readProjectCustomers.ts', 'request', { stash })) as { tables: Record<string, { keys: unknown[] }> };
    // Rows 1 and 2 name the same customer: one claim read; row 3 one customer read.
    expect(lookup.tables[UNIQUES]!.keys).toHaveLength(1);
    expect(lookup.tables[CUSTOMERS]!.keys).toHaveLength(1);
    await runHandler('resolvers/functions/readProjectCustomers.ts', 'response', {
      stash,
      result: { data: { [UNIQUES]: [{ key: 'email#client@example.com', kind: 'EMAIL', customerId: 'cust-1' }], [CUSTOMERS]: [{ id: 'cust-2' }] }, unprocessedKeys: {} },
    });
    await runHandler('resolvers/functions/readProjectBatch.ts', 'request', { stash });
    valueOf(
      await runHandler('resolvers/functions/readProjectBatch.ts', 'response', {
        stash,
        result: { data: { [INGESTIONS]: [PROJECT_META], [PROJECTS]: [null, null, null] }, unprocessedKeys: {} },
      }),
    );
    return stash;
  }

  it('checks each distinct customer once in the transaction that writes the projects', async () => {
    const stash = await plannedProjects();
    const tx = valueOf(await runHandler('resolvers/functions/writeProjectBatch.ts', 'request', { stash })) as TxRequest;
    // 3 project puts, 2 customer checks (cust-1 for rows 1 and 2, cust-2), marker, META.
    expect(tx.transactItems.map((i) => `${i.table}:${i.operation}`)).toEqual([
      `${PROJECTS}:PutItem`,
      `${PROJECTS}:PutItem`,
      `${PROJECTS}:PutItem`,
      `${CUSTOMERS}:ConditionCheck`,
      `${CUSTOMERS}:ConditionCheck`,
      `${INGESTIONS}:PutItem`,
      `${INGESTIONS}:UpdateItem`,
    ]);
  });

  it('answers RETRY for every row of a customer deleted between the read and the write', async () => {
    const stash = await plannedProjects();
    await runHandler('resolvers/functions/writeProjectBatch.ts', 'request', { stash });
    // cust-1's condition check (item 4) failed: rows 1 and 2 depend on it.
    await runHandler('resolvers/functions/writeProjectBatch.ts', 'response', { stash, ...cancelled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None', 'None', 'None']) });
    const retry = valueOf(await runHandler('resolvers/functions/writeProjectBatchRetry.ts', 'request', { stash })) as TxRequest;
    expect(retry.transactItems.map((i) => `${i.table}:${i.operation}`)).toEqual([`${PROJECTS}:PutItem`, `${CUSTOMERS}:ConditionCheck`, `${INGESTIONS}:PutItem`, `${INGESTIONS}:UpdateItem`]);
    await runHandler('resolvers/functions/writeProjectBatchRetry.ts', 'response', { stash, result: { keys: [], cancellationReasons: null } });
    const progress = valueOf(await runHandler('resolvers/Mutation.importProjects.ts', 'response', { stash })) as { outcomes: { status: string }[] };
    expect(progress.outcomes.map((o) => o.status)).toEqual(['RETRY', 'RETRY', 'CREATED']);
  });
});
