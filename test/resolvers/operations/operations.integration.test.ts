/**
 * Issue 13 against the real local stack (DynamoDB Local + the local AppSync over HTTP): ingestion
 * events on the (local) EventBridge data source, eraseCustomer, and the TTL sweeper.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { GraphQLClient } from '../../../clients/api/client';
import {
  EraseCustomerDocument,
  FailIngestionDocument,
  FinishIngestionDocument,
  ImportCustomersDocument,
  ImportProjectsDocument,
  ListIngestionRowErrorsDocument,
  StartIngestionDocument,
  type CustomerRowInput,
  type EraseCustomerMutation,
  type ModelName,
} from '../../../clients/api/generated';
import { failure } from '../../helpers/graphql';
import { scanTable, stackClients, startTestStack, type TestStack } from '../../helpers/localStack';

let stack: TestStack;
let api: GraphQLClient;
let iamApi: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  ({ api, iam: iamApi } = stackClients(stack));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const tag = Math.random().toString(36).slice(2, 8);

async function start(model: ModelName, rowCount: number): Promise<string> {
  const sha256 = createHash('sha256').update(`${tag} ${Math.random()}`).digest('hex');
  const { startIngestion } = await api.request(StartIngestionDocument, { input: { fileName: `${model.toLowerCase()}-${tag}.csv`, sha256, model, source: 'CLI', rowCount } });
  return startIngestion.ingestion!.id;
}

async function importCustomers(ingestionId: string, rows: CustomerRowInput[], batchNumber = 1) {
  return (await api.request(ImportCustomersDocument, { input: { ingestionId, batchNumber, rows } })).importCustomers;
}

function eventsOf(ingestionId: string) {
  return stack.events().filter((e) => (e.detail as { ingestionId?: string }).ingestionId === ingestionId);
}

describe('ingestion events', () => {
  it('emits one IngestionFinished with the counts when an ingestion completes, and none for a re-sent finish', async () => {
    // GIVEN an ingestion of 3 rows: 2 valid, 1 with a phone that is no phone number
    const id = await start('CUSTOMER', 3);
    await importCustomers(id, [
      { rowNumber: 2, email: `ev-a-${tag}@example.com`, name: 'A' },
      { rowNumber: 3, email: `ev-b-${tag}@example.com`, name: 'B' },
      { rowNumber: 4, email: `ev-c-${tag}@example.com`, name: 'C', phone: 'call me maybe' },
    ]);
    // WHEN finished (twice: a client retrying after a timeout)
    await api.request(FinishIngestionDocument, { input: { ingestionId: id, status: 'COMPLETED', durationMs: 1500 } });
    await api.request(FinishIngestionDocument, { input: { ingestionId: id, status: 'COMPLETED', durationMs: 1500 } });
    // THEN exactly one event, on the bus the resolver names, with the server's counts
    const events = eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'foreman.ingestion', 'detail-type': 'IngestionFinished', dataSource: 'IngestionEvents' });
    expect(events[0]!.detail).toMatchObject({
      ingestionId: id,
      status: 'COMPLETED',
      fileName: `customer-${tag}.csv`,
      model: 'CUSTOMER',
      source: 'CLI',
      // `api` is the stack's built-in admin (test/helpers/localStack.ts): the ingestion is its.
      owner: `cognito:${stack.userPool.findUser('foreman-admin')!.sub}`,
      rowCount: 3,
      created: 2,
      duplicates: 0,
      invalid: 1,
      alreadyImported: 0,
      processed: 3,
      batches: 1,
      durationMs: 1500,
      failureReason: null,
    });
    // and the event carries no row data
    expect(JSON.stringify(events[0])).not.toContain('call me maybe');
  });

  it('emits IngestionFailed with the counts and the reason when the back end fails an ingestion', async () => {
    // GIVEN an ingestion whose only row repeats an email the previous test created
    const id = await start('CUSTOMER', 5);
    const progress = await importCustomers(id, [{ rowNumber: 2, email: `EV-A-${tag}@example.com`, name: 'Again' }]);
    expect(progress.duplicates).toBe(1);
    // WHEN the processor gives up on the file
    await iamApi.request(FailIngestionDocument, { ingestionId: id, reason: 'the object vanished mid-read' });
    // THEN one IngestionFailed with what was counted before it failed
    const events = eventsOf(id);
    expect(events.map((e) => e['detail-type'])).toEqual(['IngestionFailed']);
    expect(events[0]!.detail).toMatchObject({ status: 'FAILED', rowCount: 5, created: 0, duplicates: 1, invalid: 0, processed: 1, failureReason: 'the object vanished mid-read' });
    expect(typeof events[0]!.detail.durationMs).toBe('number');
  });
});

describe('eraseCustomer', () => {
  const erin = `erin.erase-${tag}@example.com`;
  const keep = `kim.keep-${tag}@example.com`;
  let erinId: string;

  /** Every item of every table that still holds `email`, in any case. */
  async function traces(email: string): Promise<string[]> {
    const found: string[] = [];
    for (const table of Object.values(stack.tableNames)) {
      for (const item of await scanTable(stack, table)) if (JSON.stringify(item).toLowerCase().includes(email)) found.push(`${table}: ${JSON.stringify(item)}`);
    }
    return found;
  }

  async function eraseAll(input: { id?: string; email?: string }): Promise<EraseCustomerMutation['eraseCustomer'][]> {
    const answers: EraseCustomerMutation['eraseCustomer'][] = [];
    let nextToken: string | null = null;
    do {
      const answer: EraseCustomerMutation = await iamApi.request(EraseCustomerDocument, { input: { ...input, nextToken } });
      const eraseCustomer = answer.eraseCustomer;
      answers.push(eraseCustomer);
      nextToken = eraseCustomer.nextToken ?? null;
      input = { email: eraseCustomer.email };
    } while (nextToken);
    return answers;
  }

  beforeAll(async () => {
    // GIVEN Erin, created by an import, and Kim, who stays
    const first = await start('CUSTOMER', 2);
    const created = await importCustomers(first, [
      { rowNumber: 2, email: `  ${erin.toUpperCase()} `, name: 'Erin Erase', phone: '+1 555 0100' },
      { rowNumber: 3, email: keep, name: 'Kim Keep' },
    ]);
    erinId = created.outcomes!.find((o) => o.rowNumber === 2)!.id!;
    // a later file repeats Erin (a duplicate: its conflict names her email) and has her with a bad phone
    const second = await start('CUSTOMER', 2);
    await importCustomers(second, [
      { rowNumber: 2, email: `Erin.Erase-${tag}@Example.com`, name: 'Erin again', notes: 'met at the fair' },
      { rowNumber: 3, email: keep, name: 'Kim again', phone: 'not a phone' },
    ]);
    const third = await start('CUSTOMER', 1);
    await importCustomers(third, [{ rowNumber: 2, email: erin, name: 'Erin', phone: 'call erin maybe' }]);
    // and a project file names her as the customer of a project without a name
    const projects = await start('PROJECT', 1);
    await api.request(ImportProjectsDocument, { input: { ingestionId: projects, batchNumber: 1, rows: [{ rowNumber: 2, customerEmail: erin.toUpperCase(), name: '' }] } });
    // the setup really stored copies of her email
    expect((await traces(erin)).length).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('is refused to a caller that is neither an admin nor IAM (an importer)', async () => {
    const importer = await stack.clientFor('erase-importer', ['importers']);
    const error = await failure(importer.request(EraseCustomerDocument, { input: { email: erin } }));
    expect(error.errors[0]).toMatchObject({ errorType: 'Unauthorized', path: ['eraseCustomer'] });
    // and nothing was removed
    expect((await traces(erin)).length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a call naming nobody', async () => {
    const error = await failure(iamApi.request(EraseCustomerDocument, { input: {} }));
    expect(error.errors[0]).toMatchObject({ errorType: 'BadRequest' });
  });

  it('leaves no trace of the email in any table, and says what it removed', async () => {
    // WHEN erased by email, in another case than stored
    const answers = await eraseAll({ email: ` ${erin.toUpperCase()}` });
    const total = (k: 'rowErrorsRedacted' | 'batchOutcomesRedacted') => answers.reduce((n, a) => n + a[k], 0);
    // THEN the customer and its claim went in the first call
    expect(answers[0]).toMatchObject({ email: erin, customerId: erinId, customerDeleted: true, emailClaimReleased: true });
    // three row errors held her: the duplicate, the bad phone, the nameless project
    expect(total('rowErrorsRedacted')).toBe(3);
    // at least the duplicate's batch outcome named her email
    expect(total('batchOutcomesRedacted')).toBeGreaterThanOrEqual(1);
    expect(answers.at(-1)).toMatchObject({ complete: true, nextToken: null });
    // no table holds her email any more, in any case
    expect(await traces(erin)).toEqual([]);
    // nor the values of her rows (the note and the bad phone were cells of rows about her)
    const everything = JSON.stringify(await Promise.all(Object.values(stack.tableNames).map((t) => scanTable(stack, t))));
    expect(everything).not.toContain('met at the fair');
    expect(everything).not.toContain('call erin maybe');
    // Kim is untouched, her row error still has its raw cells
    expect((await traces(keep)).some((t) => t.includes('not a phone'))).toBe(true);
  });

  it('keeps the row errors’ accounting: status and codes stay, values go', async () => {
    const erased = (await scanTable(stack, stack.tableNames.Ingestions)).filter((i) => i.kind === 'ROW' && i.erasedAt);
    expect(erased).toHaveLength(3);
    for (const row of erased) {
      expect(row.raw).toBeUndefined();
      expect(['DUPLICATE', 'INVALID']).toContain(row.status);
      for (const e of (row.errors as { code: string; message: string }[] | null) ?? []) expect(e.message).toMatch(/\[erased\]$/);
    }
    // what the API answers for one of them
    const ingestionId = erased.find((r) => r.status === 'DUPLICATE')!.pk as string;
    const { listIngestionRowErrors } = await api.request(ListIngestionRowErrorsDocument, { ingestionId });
    const dup = listIngestionRowErrors.items.find((r) => r.status === 'DUPLICATE')!;
    expect(dup.raw).toBeNull();
    expect(dup.conflict).toMatchObject({ field: 'email', value: '[erased]', existingId: erinId });
  });

  it('is idempotent: erasing again removes nothing more', async () => {
    const answers = await eraseAll({ email: erin });
    expect(answers[0]).toMatchObject({ customerDeleted: false, emailClaimReleased: false });
    expect(answers.reduce((n, a) => n + a.rowErrorsRedacted + a.batchOutcomesRedacted, 0)).toBe(0);
  });

  it('asks for the email when only the id of a customer already gone is given', async () => {
    const error = await failure(iamApi.request(EraseCustomerDocument, { input: { id: erinId } }));
    expect(error.errors[0]).toMatchObject({ errorType: 'CustomerNotFound' });
  });
});

describe('retention (TTL) and the local sweeper', () => {
  it('stamps row errors and batch markers with expiresAt 30 days ahead, and the sweeper deletes them once expired', async () => {
    const id = await start('CUSTOMER', 1);
    const before = Math.floor(Date.now() / 1000);
    await importCustomers(id, [{ rowNumber: 2, email: 'not-an-email', name: 'Nobody' }]);
    const after = Math.floor(Date.now() / 1000);
    const items = async () =>
      (await stack.ddb.send(new QueryCommand({ TableName: stack.tableNames.Ingestions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': id }, ConsistentRead: true }))).Items ?? [];
    const stored = await items();
    const row = stored.find((i) => String(i.sk).startsWith('ROW#'))!;
    const marker = stored.find((i) => String(i.sk).startsWith('BATCH#'))!;
    const meta = stored.find((i) => i.sk === 'META')!;
    // 30 days (the default ROW_ERROR_RETENTION_DAYS) in epoch seconds from the write
    for (const item of [row, marker]) {
      expect(item.expiresAt).toBeGreaterThanOrEqual(before + 30 * 86400);
      expect(item.expiresAt).toBeLessThanOrEqual(after + 30 * 86400);
    }
    // the ingestion itself never expires
    expect(meta.expiresAt).toBeUndefined();
    // a sweep now removes nothing of it
    await stack.sweepExpired(after);
    expect(await items()).toHaveLength(3);
    // WHEN the sweeper runs 31 days later
    const swept = await stack.sweepExpired(after + 31 * 86400);
    // THEN the row error and the marker are gone, the ingestion stays, and the API lists no row error
    expect(swept.deleted[stack.tableNames.Ingestions]).toBeGreaterThanOrEqual(2);
    expect((await items()).map((i) => i.sk)).toEqual(['META']);
    const { listIngestionRowErrors } = await api.request(ListIngestionRowErrorsDocument, { ingestionId: id });
    expect(listIngestionRowErrors.items).toEqual([]);
  });

  it('ignores items whose TTL is not a number or lies more than five years back, as DynamoDB does', async () => {
    const table = stack.tableNames.Ingestions;
    const now = Math.floor(Date.now() / 1000);
    await stack.ddb.send(new PutCommand({ TableName: table, Item: { pk: `ttl-${tag}`, sk: 'ROW#text', expiresAt: String(now - 10) } }));
    await stack.ddb.send(new PutCommand({ TableName: table, Item: { pk: `ttl-${tag}`, sk: 'ROW#ancient', expiresAt: now - 6 * 365 * 86400 } }));
    await stack.ddb.send(new PutCommand({ TableName: table, Item: { pk: `ttl-${tag}`, sk: 'ROW#due', expiresAt: now - 10 } }));
    await stack.sweepExpired(now);
    const { Items } = await stack.ddb.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ttl-${tag}` }, ConsistentRead: true }));
    expect((Items ?? []).map((i) => i.sk).sort()).toEqual(['ROW#ancient', 'ROW#text']);
  });
});
