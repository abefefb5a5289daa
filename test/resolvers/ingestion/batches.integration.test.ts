/**
 * Query.listIngestionBatches through the real local stack (issue 12, point 5): the batch markers an
 * ingestion recorded, import and rejected-row batches, each with the rows it accounted for — what
 * a resumed run reads once instead of re-sending the batches an earlier run finished. Readable by
 * the ingestion's owner, admins and the back end, like getIngestion.
 */
import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import {
  ImportCustomersDocument,
  ListIngestionBatchesDocument,
  RecordRejectedRowsDocument,
  StartIngestionDocument,
} from '../../../clients/api/generated';
import { failure } from '../../helpers/graphql';
import { startTestStack, stackClients, type TestStack } from '../../helpers/localStack';

let stack: TestStack;
let owner: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  owner = await stack.clientFor('batches-owner', ['importers']);
});
afterAll(async () => {
  await stack?.stop();
});

let files = 0;
async function start(client: GraphQLClient): Promise<string> {
  const sha = createHash('sha256').update(`batches ${++files} ${Math.random()}`).digest('hex');
  const { startIngestion } = await client.request(StartIngestionDocument, {
    input: { fileName: 'b.csv', sha256: sha, model: 'CUSTOMER', source: 'API' },
  });
  return startIngestion.ingestion!.id;
}

const email = (tag: string) => `${tag}-${Math.random().toString(36).slice(2, 10)}@example.com`;

async function allBatches(client: GraphQLClient, ingestionId: string, limit?: number) {
  const items = [];
  let nextToken: string | null | undefined;
  let pages = 0;
  do {
    const page = (await client.request(ListIngestionBatchesDocument, { ingestionId, limit, nextToken })).listIngestionBatches;
    items.push(...page.items);
    nextToken = page.nextToken;
    pages++;
  } while (nextToken);
  return { items, pages };
}

describe('listIngestionBatches', () => {
  it('lists every recorded batch with the rows it accounted for, import batches first, a page at a time', async () => {
    const id = await start(owner);
    const repeated = email('repeat');
    // Batch 1: rows 2–4 (row 4 repeats row 2's email: DUPLICATE, still accounted for).
    await owner.request(ImportCustomersDocument, {
      input: {
        ingestionId: id,
        batchNumber: 1,
        rows: [
          { rowNumber: 2, email: repeated, name: 'A' },
          { rowNumber: 3, email: email('b'), name: 'B' },
          { rowNumber: 4, email: repeated, name: 'C' },
        ],
      },
    });
    // Batch 3: rows 9 and 7, sent out of order, and not contiguous: two ranges, in the order sent.
    await owner.request(ImportCustomersDocument, {
      input: {
        ingestionId: id,
        batchNumber: 3,
        rows: [
          { rowNumber: 9, email: email('d'), name: 'D' },
          { rowNumber: 7, email: email('e'), name: 'E' },
        ],
      },
    });
    // Batch 2: rows the client rejected itself.
    await owner.request(RecordRejectedRowsDocument, {
      input: {
        ingestionId: id,
        batchNumber: 2,
        rows: [
          { rowNumber: 5, errors: [{ field: 'email', code: 'FORMAT', message: 'bad' }] },
          { rowNumber: 6, errors: [{ field: 'row', code: 'COLUMN_COUNT', message: 'ragged' }] },
        ],
      },
    });

    const { items, pages } = await allBatches(owner, id);
    expect(pages).toBe(1);
    expect(items).toEqual([
      { batchNumber: 1, kind: 'IMPORT', firstRow: 2, lastRow: 4, rowCount: 3, doneRows: [{ from: 2, to: 4 }] },
      {
        batchNumber: 3,
        kind: 'IMPORT',
        firstRow: 7,
        lastRow: 9,
        rowCount: 2,
        doneRows: [
          { from: 9, to: 9 },
          { from: 7, to: 7 },
        ],
      },
      { batchNumber: 2, kind: 'REJECTED', firstRow: 5, lastRow: 6, rowCount: 2, doneRows: [{ from: 5, to: 6 }] },
    ]);
    // Pages of one: the same three, META and the ROW# errors never among them.
    const paged = await allBatches(owner, id, 1);
    expect(paged.items).toEqual(items);
    expect(paged.pages).toBeGreaterThanOrEqual(3);
  });

  it('answers null doneRows for a marker written before markers named their rows', async () => {
    const id = await start(owner);
    await stack.ddb.send(
      new PutCommand({
        TableName: stack.tableNames.Ingestions,
        Item: {
          pk: id,
          sk: 'BATCH#Customer#000004#10-12-3',
          kind: 'BATCH',
          batchNumber: 4,
          outcomes: [],
          recordedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    const { items } = await allBatches(owner, id);
    expect(items).toEqual([{ batchNumber: 4, kind: 'IMPORT', firstRow: 10, lastRow: 12, rowCount: 3, doneRows: null }]);
  });

  it('is read by the owner, admins and the back end; another importer is refused; an unknown ingestion has none', async () => {
    const id = await start(owner);
    await owner.request(ImportCustomersDocument, {
      input: { ingestionId: id, batchNumber: 1, rows: [{ rowNumber: 2, email: email('auth'), name: 'A' }] },
    });
    const expected = [{ batchNumber: 1, kind: 'IMPORT', firstRow: 2, lastRow: 2, rowCount: 1, doneRows: [{ from: 2, to: 2 }] }];
    const { api, iam } = stackClients(stack);
    expect((await allBatches(api, id)).items).toEqual(expected);
    expect((await allBatches(iam, id)).items).toEqual(expected);

    const other = await stack.clientFor('batches-other', ['importers']);
    const denied = await failure(other.request(ListIngestionBatchesDocument, { ingestionId: id }));
    expect(denied.errors).toEqual([
      expect.objectContaining({ errorType: 'Unauthorized', message: 'Unauthorized', path: ['listIngestionBatches'] }),
    ]);

    expect((await owner.request(ListIngestionBatchesDocument, { ingestionId: 'no-such-ingestion' })).listIngestionBatches).toEqual({
      items: [],
      nextToken: null,
    });
  });
});
