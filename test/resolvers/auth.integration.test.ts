// Issue 8 "Must show", against the real local stack over HTTP and WebSocket: signed-in users in the
// groups admins / importers / viewers, ingestions owned by who started them (docs/auth.md).
// Expected refusals are AppSync's: a directive's field error `Unauthorized` "Not Authorized to access
// <field> on type <Type>"; a resolver's `util.unauthorized()` (ownership) `Unauthorized` with the
// message "Unauthorized" (infra/local/runtime/util.ts, from AWS's answers); the request-level 401.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../clients/api/client';
import {
  CreateCustomerDocument,
  DeleteCustomerDocument,
  FailIngestionDocument,
  FinishIngestionDocument,
  GetIngestionDocument,
  ImportCustomersDocument,
  ListCustomersDocument,
  ListIngestionBatchesDocument,
  ListIngestionRowErrorsDocument,
  ListIngestionsDocument,
  OnIngestionProgressDocument,
  OnIngestionsChangedDocument,
  RecordRejectedRowsDocument,
  StartIngestionDocument,
  type OnIngestionProgressSubscription,
  type OnIngestionsChangedSubscription,
} from '../../clients/api/generated';
import { subscribe } from '../../clients/api/subscribe';
import { failure } from '../helpers/graphql';
import { startTestStack, stackClients, type TestStack } from '../helpers/localStack';

let stack: TestStack;
let alice: GraphQLClient; // importer
let bob: GraphQLClient; // another importer
let vera: GraphQLClient; // viewer
let ada: GraphQLClient; // admin
let iam: GraphQLClient; // back end

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob, vera, ada] = await Promise.all([
    stack.clientFor('alice', ['importers']),
    stack.clientFor('bob', ['importers']),
    stack.clientFor('vera', ['viewers']),
    stack.clientFor('ada', ['admins']),
  ]);
  iam = stackClients(stack).iam;
}, 120_000);

afterAll(() => stack?.stop());

const sha = () => createHash('sha256').update(randomUUID()).digest('hex');
const unauthorized = (field: string, type = 'Mutation') => ({ errorType: 'Unauthorized', message: `Not Authorized to access ${field} on type ${type}` });

async function startAs(client: GraphQLClient, sha256 = sha()) {
  const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'people.csv', sha256, model: 'CUSTOMER', source: 'API', rowCount: 2 } });
  return startIngestion;
}

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({ rowNumber: i + 2, email: `${randomUUID()}@example.com`, name: `Person ${i}` }));
}

/** Refused by the schema's directives (the caller's groups). */
async function expectRefused(call: Promise<unknown>, field: string, type = 'Mutation'): Promise<void> {
  const error = await failure(call);
  expect({ errorType: error.errorType, message: error.errors[0]?.message }).toEqual(unauthorized(field, type));
}

/** Refused by a resolver's ownership check (util.unauthorized()), on the field asked for, nothing else told. */
async function expectNotOwner(call: Promise<unknown>, field: string): Promise<void> {
  const error = await failure(call);
  expect(error.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized', message: 'Unauthorized', path: [field] })]);
  // The field is null (a nullable one) or, for a non-null field, all of data.
  expect(error.data === null ? null : (error.data as Record<string, unknown>)[field]).toBeNull();
}

function collect<T>(events: T[]) {
  return { next: (e: T) => void events.push(e), error: (e: Error) => void events.push({ error: e.message } as T) };
}

describe('an importer’s own ingestion', () => {
  it('is started with its owner, imported into and watched by that importer; another importer can neither read, import into, finish, fail nor watch it', async () => {
    const started = await startAs(alice);
    expect(started.outcome).toBe('STARTED');
    const id = started.ingestion!.id;
    const aliceSub = alice.options.auth.mode === 'AMAZON_COGNITO_USER_POOLS' ? stack.userPool.findUser('alice')!.sub : '';
    expect(started.ingestion!.owner).toBe(`cognito:${aliceSub}`);
    const { Item } = await stack.ddb.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: stack.tableNames.Ingestions, Key: { pk: id, sk: 'META' }, ConsistentRead: true }));
    expect(Item?.owner).toBe(`cognito:${aliceSub}`);

    // Alice watches her ingestion on both subscriptions; Bob subscribes to it and to every change.
    const aliceProgress: OnIngestionProgressSubscription[] = [];
    const aliceChanges: OnIngestionsChangedSubscription[] = [];
    const bobProgress: OnIngestionProgressSubscription[] = [];
    const bobChanges: OnIngestionsChangedSubscription[] = [];
    const options = (client: GraphQLClient) => ({ url: stack.graphqlUrl, auth: client.options.auth });
    const subs = [
      subscribe(options(alice), OnIngestionProgressDocument, { ingestionId: id }, collect(aliceProgress)),
      subscribe(options(alice), OnIngestionsChangedDocument, {}, collect(aliceChanges)),
      subscribe(options(bob), OnIngestionProgressDocument, { ingestionId: id }, collect(bobProgress)),
      subscribe(options(bob), OnIngestionsChangedDocument, {}, collect(bobChanges)),
    ];
    try {
      await Promise.all(subs.map((s) => s.ready));

      const { importCustomers } = await alice.request(ImportCustomersDocument, { input: { ingestionId: id, batchNumber: 1, rows: rows(2) } });
      expect(importCustomers).toMatchObject({ ingestionId: id, created: 2, processed: 2 });

      // Bob: refused on every path into Alice's ingestion, before anything about it is told.
      await expectNotOwner(bob.request(GetIngestionDocument, { id }), 'getIngestion');
      await expectNotOwner(bob.request(ImportCustomersDocument, { input: { ingestionId: id, batchNumber: 2, rows: rows(1) } }), 'importCustomers');
      await expectNotOwner(bob.request(RecordRejectedRowsDocument, { input: { ingestionId: id, batchNumber: 3, rows: [{ rowNumber: 9, raw: JSON.stringify({ Email: 'x' }), errors: [{ field: 'email', code: 'REQUIRED', message: 'missing' }] }] } }), 'recordRejectedRows');
      await expectNotOwner(bob.request(FinishIngestionDocument, { input: { ingestionId: id, status: 'COMPLETED' } }), 'finishIngestion');
      await expectNotOwner(bob.request(FailIngestionDocument, { ingestionId: id, reason: 'mine now' }), 'failIngestion');
      await expectNotOwner(bob.request(ListIngestionRowErrorsDocument, { ingestionId: id }), 'listIngestionRowErrors');
      await expectNotOwner(bob.request(ListIngestionBatchesDocument, { ingestionId: id }), 'listIngestionBatches');
      expect((await bob.request(ListIngestionsDocument, { limit: 100 })).listIngestions.items.map((i) => i.id)).not.toContain(id);

      // Bob runs his own: his subscriptions get his events, and — delivered in order on each
      // socket — nothing of Alice's came before them.
      const bobs = await startAs(bob);
      const bobId = bobs.ingestion!.id;
      await bob.request(ImportCustomersDocument, { input: { ingestionId: bobId, batchNumber: 1, rows: rows(1) } });
      await expect.poll(() => bobChanges.length).toBeGreaterThan(0);
      expect(bobChanges.map((e) => e.onIngestionsChanged?.ingestionId)).toEqual([bobId]);
      expect(bobProgress).toEqual([]);

      // Alice finishes; her subscriptions saw her import and her finish.
      const { finishIngestion } = await alice.request(FinishIngestionDocument, { input: { ingestionId: id, status: 'COMPLETED' } });
      expect(finishIngestion).toMatchObject({ status: 'COMPLETED', stage: 'FINISHED' });
      await expect.poll(() => aliceProgress.map((e) => e.onIngestionProgress?.stage)).toEqual(['IMPORTING', 'FINISHED']);
      await expect.poll(() => aliceChanges.filter((e) => e.onIngestionsChanged?.ingestionId === id).length).toBe(2);
      expect(aliceChanges.map((e) => e.onIngestionsChanged?.ingestionId)).not.toContain(bobId);
      expect((await alice.request(GetIngestionDocument, { id })).getIngestion).toMatchObject({ id, status: 'COMPLETED', created: 2 });
      expect((await alice.request(ListIngestionsDocument, { limit: 100 })).listIngestions.items.map((i) => i.id)).toContain(id);
    } finally {
      for (const s of subs) s();
    }
  });

  it('answers another importer who sends the same bytes only that the file was ingested before — not by whom, nor which ingestion', async () => {
    const bytes = sha();
    const first = await startAs(alice, bytes);
    // Still running: Bob may not continue it (and is told nothing about it).
    const running = await failure(startAs(bob, bytes));
    expect(running.errorType).toBe('FileInProgress');
    expect(running.message).not.toContain(first.ingestion!.id);
    expect(running.message).not.toContain('alice');

    await alice.request(FinishIngestionDocument, { input: { ingestionId: first.ingestion!.id, status: 'COMPLETED' } });
    expect(await startAs(bob, bytes)).toEqual({ outcome: 'DUPLICATE', ingestion: null });
    // The owner still sees hers; an admin and the back end see it too.
    for (const client of [alice, ada, iam]) expect((await startAs(client, bytes)).ingestion?.id).toBe(first.ingestion!.id);
  });

  it('lets an admin and the back end read, list and fail anyone’s ingestion', async () => {
    const started = await startAs(alice);
    const id = started.ingestion!.id;
    expect((await ada.request(GetIngestionDocument, { id })).getIngestion?.id).toBe(id);
    expect((await iam.request(GetIngestionDocument, { id })).getIngestion?.id).toBe(id);
    expect((await ada.request(ListIngestionsDocument, { limit: 100 })).listIngestions.items.map((i) => i.id)).toContain(id);
    expect((await ada.request(ListIngestionRowErrorsDocument, { ingestionId: id })).listIngestionRowErrors.items).toEqual([]);
    expect((await iam.request(ListIngestionBatchesDocument, { ingestionId: id })).listIngestionBatches.items).toEqual([]);
    const { failIngestion } = await ada.request(FailIngestionDocument, { ingestionId: id, reason: 'stopped by an admin' });
    expect(failIngestion).toMatchObject({ status: 'FAILED', failureReason: 'stopped by an admin' });
  });
});

describe('groups', () => {
  it('lets a viewer read and not change anything', async () => {
    await expect(vera.request(ListCustomersDocument, { limit: 5 })).resolves.toMatchObject({ listCustomers: { items: expect.any(Array) } });
    await expectRefused(vera.request(CreateCustomerDocument, { input: { email: `${randomUUID()}@example.com`, name: 'V' } }), 'createCustomer');
    await expectRefused(startAs(vera), 'startIngestion');
    // Her own list is empty: she started nothing.
    expect((await vera.request(ListIngestionsDocument, {})).listIngestions.items).toEqual([]);
  });

  it('lets an importer create customers but only an admin delete them', async () => {
    const { createCustomer } = await alice.request(CreateCustomerDocument, { input: { email: `${randomUUID()}@example.com`, name: 'To delete' } });
    await expectRefused(alice.request(DeleteCustomerDocument, { input: { id: createCustomer.id } }), 'deleteCustomer');
    const { deleteCustomer } = await ada.request(DeleteCustomerDocument, { input: { id: createCustomer.id } });
    expect(deleteCustomer?.id).toBe(createCustomer.id);
  });

  it('refuses a signed-in user in no group on every root field', async () => {
    const nobody = await stack.clientFor('nobody', []);
    await expectRefused(nobody.request(ListCustomersDocument, {}), 'listCustomers', 'Query');
    await expectRefused(startAs(nobody), 'startIngestion');
  });
});

describe('the API key', () => {
  it('cannot call any mutation or read anything: the stack has no API key mode', async () => {
    for (const query of ['mutation { createCustomer(input: {email: "k@example.com", name: "K"}) { id } }', 'mutation { deleteCustomer(input: {id: "x"}) { id } }', '{ listCustomers { items { email } } }']) {
      const response = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' }, body: JSON.stringify({ query }) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
    }
  });
});
