/**
 * The ingestion protocol through the real local stack: HTTP POST /graphql with the typed client,
 * the APPSYNC_JS bundles in the local runtime, DynamoDB Local underneath. Counters and items are
 * checked in the tables directly, not only through our own API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type GraphQLClient } from '../../../clients/api/client';
import {
  CreateCustomerDocument,
  CreateProjectDocument,
  FailIngestionDocument,
  FinishIngestionDocument,
  GetIngestionDocument,
  ImportCustomersDocument,
  ImportInvoicesDocument,
  ImportProjectsDocument,
  ListIngestionRowErrorsDocument,
  ListCustomersDocument,
  ListIngestionsDocument,
  RecordRejectedRowsDocument,
  StartIngestionDocument,
  type CustomerRowInput,
  type ImportCustomersMutation,
  type InvoiceRowInput,
  type ProjectRowInput,
  type StartIngestionMutation,
} from '../../../clients/api/generated';
import { scanTable, startTestStack, type TestStack, stackClients } from '../../helpers/localStack';
import { failure } from '../../helpers/graphql';
import { MODELS } from '../../../schema/generated/models';

let stack: TestStack;
let api: GraphQLClient;
let iamApi: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = stackClients(stack).api;
  iamApi = createClient({
    url: stack.graphqlUrl,
    auth: { mode: 'AWS_IAM', region: stack.iam.region, credentials: { accessKeyId: stack.iam.accessKeyId, secretAccessKey: stack.iam.secretAccessKey } },
  });
});

afterAll(async () => {
  await stack?.stop();
});

type Item = Record<string, unknown>;
type Progress = ImportCustomersMutation['importCustomers'];

let fileCounter = 0;
/** A distinct SHA-256 per call (tests share one stack), as a client would compute it from the bytes. */
function freshSha(): string {
  fileCounter += 1;
  return createHash('sha256').update(`file ${fileCounter} ${Math.random()}`).digest('hex');
}

/** Unique per test run, so tests sharing the stack never collide on emails by accident. */
function uniqueEmail(tag: string): string {
  return `${tag}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}

type Started = StartIngestionMutation['startIngestion'] & { ingestion: NonNullable<StartIngestionMutation['startIngestion']['ingestion']> };

/** startIngestion as one caller (the same one each time): its own ingestions are always shown. */
async function start(model: 'CUSTOMER' | 'PROJECT' | 'INVOICE' = 'CUSTOMER', sha = freshSha(), fileName = 'customers.csv', rowCount?: number): Promise<Started> {
  const { startIngestion } = await api.request(StartIngestionDocument, { input: { fileName, sha256: sha, model, source: 'API', rowCount } });
  if (!startIngestion.ingestion) throw new Error(`startIngestion answered ${startIngestion.outcome} without the ingestion`);
  return startIngestion as Started;
}

async function importCustomers(ingestionId: string, batchNumber: number, rows: CustomerRowInput[]): Promise<Progress> {
  const { importCustomers } = await api.request(ImportCustomersDocument, { input: { ingestionId, batchNumber, rows } });
  return importCustomers;
}

async function importProjects(ingestionId: string, batchNumber: number, rows: ProjectRowInput[]): Promise<Progress> {
  const { importProjects } = await api.request(ImportProjectsDocument, { input: { ingestionId, batchNumber, rows } });
  return importProjects;
}

async function importInvoices(ingestionId: string, batchNumber: number, rows: InvoiceRowInput[]): Promise<Progress> {
  const { importInvoices } = await api.request(ImportInvoicesDocument, { input: { ingestionId, batchNumber, rows } });
  return importInvoices;
}

/** The error a request must fail with. */

async function meta(ingestionId: string): Promise<Item> {
  const { Item } = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Ingestions, Key: { pk: ingestionId, sk: 'META' }, ConsistentRead: true }));
  return Item as Item;
}

async function scanAll(table: 'Customers' | 'Projects' | 'Invoices' | 'Uniques' | 'Ingestions'): Promise<Item[]> {
  return scanTable(stack, stack.tableNames[table]);
}

async function customersWithEmail(email: string): Promise<Item[]> {
  return (await scanAll('Customers')).filter((c) => c.email === email);
}

async function partition(ingestionId: string): Promise<Item[]> {
  const { Items } = await stack.ddb.send(
    new QueryCommand({ TableName: stack.tableNames.Ingestions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ingestionId }, ConsistentRead: true }),
  );
  return (Items ?? []) as Item[];
}

function statuses(progress: Progress): Record<number, string> {
  return Object.fromEntries((progress.outcomes ?? []).map((o) => [o.rowNumber, o.status]));
}

/** The four counters add up to the rows accounted for. */
function expectBalanced(p: { created: number; duplicates: number; invalid: number; alreadyImported: number; processed: number }): void {
  expect(p.created + p.duplicates + p.invalid + p.alreadyImported).toBe(p.processed);
}

describe('startIngestion', () => {
  it('starts a RUNNING ingestion with zero counters and claims the file hash', async () => {
    const sha = freshSha();
    const started = await start('CUSTOMER', sha, 'first.csv', 10);
    expect(started.outcome).toBe('STARTED');
    expect(started.ingestion).toMatchObject({ fileName: 'first.csv', sha256: sha, status: 'RUNNING', rowCount: 10, created: 0, processed: 0, batches: 0 });
    const { Item: claim } = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Uniques, Key: { key: `file#${sha}` }, ConsistentRead: true }));
    expect(claim).toMatchObject({ ingestionId: started.ingestion.id });
  });

  it('answers DUPLICATE with the first ingestion when the same bytes come again under another name after it completed', async () => {
    const sha = freshSha();
    const first = await start('CUSTOMER', sha, 'customers.csv');
    await importCustomers(first.ingestion.id, 1, [{ rowNumber: 1, email: uniqueEmail('dup-file'), name: 'One' }]);
    await api.request(FinishIngestionDocument, { input: { ingestionId: first.ingestion.id, status: 'COMPLETED' } });

    const again = await start('CUSTOMER', sha, 'copy of customers.csv');
    expect(again.outcome).toBe('DUPLICATE');
    expect(again.ingestion.id).toBe(first.ingestion.id);
    expect(again.ingestion.fileName).toBe('customers.csv');
    expect(again.ingestion.created).toBe(1);
    // No second ingestion was written for the duplicate.
    const sameSha = (await scanAll('Ingestions')).filter((i) => i.sk === 'META' && i.sha256 === sha);
    expect(sameSha).toHaveLength(1);
  });

  it('treats an upper-case hash as the same bytes', async () => {
    const sha = freshSha();
    const first = await start('CUSTOMER', sha);
    const again = await start('CUSTOMER', sha.toUpperCase());
    expect(again.outcome).toBe('RESUMED');
    expect(again.ingestion.id).toBe(first.ingestion.id);
  });

  it('RESUMES an ingestion that never finished, and one that FAILED, as the same ingestion RUNNING again', async () => {
    const sha = freshSha();
    const first = await start('CUSTOMER', sha);
    const resumed = await start('CUSTOMER', sha, 'renamed.csv', 42);
    expect(resumed.outcome).toBe('RESUMED');
    expect(resumed.ingestion.id).toBe(first.ingestion.id);
    // The first name stays; a row count the first client did not know is taken.
    expect(resumed.ingestion).toMatchObject({ fileName: 'customers.csv', rowCount: 42 });

    await iamApi.request(FailIngestionDocument, { ingestionId: first.ingestion.id, reason: 'the S3 object could not be read' });
    expect((await meta(first.ingestion.id)).status).toBe('FAILED');
    const afterFailure = await start('CUSTOMER', sha);
    expect(afterFailure.outcome).toBe('RESUMED');
    expect(afterFailure.ingestion).toMatchObject({ id: first.ingestion.id, status: 'RUNNING', failureReason: null, finishedAt: null });
    expect((await meta(first.ingestion.id)).resumes).toBe(2);
  });

  it('refuses a hash that is not 64 hex digits', async () => {
    const error = await failure(api.request(StartIngestionDocument, { input: { fileName: 'x.csv', sha256: 'abc', model: 'CUSTOMER', source: 'CLI' } }));
    expect(error.errorType).toBe('BadRequest');
  });
});

describe('importCustomers', () => {
  it('creates valid rows with their email claims and answers each row with its outcome', async () => {
    const { ingestion } = await start();
    const a = uniqueEmail('alice');
    const b = uniqueEmail('bob');
    const progress = await importCustomers(ingestion.id, 1, [
      { rowNumber: 1, email: `  ${a.toUpperCase()} `, name: ' Alice ', phone: '+44 20 7946 0958', country: 'UK', signupDate: '2024-02-29' },
      { rowNumber: 2, email: b, name: 'Bob', company: 'Acme' },
    ]);
    expect(progress).toMatchObject({ stage: 'IMPORTING', status: 'RUNNING', batchNumber: 1, replayed: false, created: 2, processed: 2, batches: 1 });
    expect(statuses(progress)).toEqual({ 1: 'CREATED', 2: 'CREATED' });

    // The stored customer holds the normalised email, trimmed cells, version 1; its claim names the file row.
    const [alice] = await customersWithEmail(a);
    expect(alice).toMatchObject({ id: progress.outcomes![0]!.id, name: 'Alice', phone: '+44 20 7946 0958', country: 'UK', signupDate: '2024-02-29', version: 1 });
    const { Item: claim } = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Uniques, Key: { key: `customer.email#${a}` }, ConsistentRead: true }));
    expect(claim).toEqual({ key: `customer.email#${a}`, kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: alice!.id, ingestionId: ingestion.id, rowNumber: 1, run: 0 });
    // Imported records' ids derive from the ingestion and the file row.
    expect(alice!.id).toBe(`${ingestion.id}-r00000001`);
    expect(alice).toMatchObject({ ingestionId: ingestion.id, rowNumber: 1, ingestionRun: 0 });
    expect(await meta(ingestion.id)).toMatchObject({ created: 2, duplicates: 0, invalid: 0, processed: 2, batches: 1 });
  });

  it('validates every row again on the server, whatever the client decided', async () => {
    const { ingestion } = await start();
    const progress = await importCustomers(ingestion.id, 1, [
      { rowNumber: 1, email: 'not-an-email', name: 'X' },
      { rowNumber: 2, email: uniqueEmail('noname'), name: '   ' },
      { rowNumber: 3, email: uniqueEmail('phone'), name: 'P', phone: 'call me' },
      { rowNumber: 4, email: uniqueEmail('date'), name: 'D', signupDate: '2023-02-29' },
      { rowNumber: 5, email: uniqueEmail('long'), name: 'L'.repeat(201) },
      { rowNumber: 6, name: 'No email' },
    ]);
    expect(progress).toMatchObject({ created: 0, invalid: 6, processed: 6 });
    const codes = Object.fromEntries((progress.outcomes ?? []).map((o) => [o.rowNumber, o.errors?.map((e) => `${e.field}:${e.code}`)]));
    expect(codes).toEqual({
      1: ['email:FORMAT'],
      2: ['name:REQUIRED'],
      3: ['phone:FORMAT'],
      // 2023 is not a leap year.
      4: ['signupDate:FORMAT'],
      5: ['name:TOO_LONG'],
      6: ['email:REQUIRED'],
    });
    // Nothing was written for them but their row errors.
    expect((await scanAll('Customers')).filter((c) => c.name === 'X' || c.name === 'P' || c.name === 'D')).toEqual([]);
  });

  it('answers a repeat of an email earlier in the same batch DUPLICATE, pointing at that row', async () => {
    const { ingestion } = await start();
    const email = uniqueEmail('twice');
    const progress = await importCustomers(ingestion.id, 1, [
      { rowNumber: 7, email, name: 'First' },
      { rowNumber: 8, email: email.toUpperCase(), name: 'Second' },
    ]);
    const [first, second] = progress.outcomes!;
    expect(first!.status).toBe('CREATED');
    expect(second).toMatchObject({ status: 'DUPLICATE', conflict: { field: 'email', value: email, existingId: first!.id, ingestionId: ingestion.id, rowNumber: 7 } });
    expect(await customersWithEmail(email)).toHaveLength(1);
  });

  it('answers an email claimed in an earlier batch or another ingestion DUPLICATE, pointing at its owner', async () => {
    const email = uniqueEmail('owner');
    const first = await start();
    const owner = (await importCustomers(first.ingestion.id, 1, [{ rowNumber: 3, email, name: 'Owner' }])).outcomes![0]!;

    const laterBatch = await importCustomers(first.ingestion.id, 2, [{ rowNumber: 60, email, name: 'Again' }]);
    expect(laterBatch.outcomes![0]).toMatchObject({ status: 'DUPLICATE', conflict: { existingId: owner.id, ingestionId: first.ingestion.id, rowNumber: 3 } });

    const other = await start();
    const otherFile = await importCustomers(other.ingestion.id, 1, [{ rowNumber: 1, email: ` ${email.toUpperCase()}`, name: 'Elsewhere' }]);
    expect(otherFile.outcomes![0]).toMatchObject({ status: 'DUPLICATE', conflict: { existingId: owner.id, ingestionId: first.ingestion.id, rowNumber: 3 } });

    // A customer created through the API (no ingestion) is an owner too: no file row to point at.
    const apiEmail = uniqueEmail('api');
    const { createCustomer } = await api.request(CreateCustomerDocument, { input: { email: apiEmail, name: 'By API' } });
    const againstApi = await importCustomers(other.ingestion.id, 2, [{ rowNumber: 2, email: apiEmail, name: 'From file' }]);
    expect(againstApi.outcomes![0]).toMatchObject({ status: 'DUPLICATE', conflict: { existingId: createCustomer.id, ingestionId: null, rowNumber: null } });
    expect(await customersWithEmail(email)).toHaveLength(1);
  });

  it('replays a re-sent batch: same outcomes, replayed, nothing created or counted twice', async () => {
    const { ingestion } = await start();
    const rows = [
      { rowNumber: 1, email: uniqueEmail('r1'), name: 'R1' },
      { rowNumber: 2, email: 'broken', name: 'R2' },
      { rowNumber: 3, email: uniqueEmail('r3'), name: 'R3' },
    ];
    const first = await importCustomers(ingestion.id, 1, rows);
    const customersBefore = (await scanAll('Customers')).length;
    const metaBefore = await meta(ingestion.id);

    const again = await importCustomers(ingestion.id, 1, rows);
    expect(again.replayed).toBe(true);
    expect(again.outcomes).toEqual(first.outcomes);
    expect(again).toMatchObject({ created: 2, invalid: 1, processed: 3, batches: 1 });
    expect((await scanAll('Customers')).length).toBe(customersBefore);
    const metaAfter = await meta(ingestion.id);
    expect(metaAfter).toMatchObject({ created: 2, invalid: 1, processed: 3, batches: 1 });
    expect(metaAfter.created).toBe(metaBefore.created);
  });

  it('treats a batch number re-used for other rows as a new batch, not a replay', async () => {
    const { ingestion } = await start();
    await importCustomers(ingestion.id, 1, [{ rowNumber: 1, email: uniqueEmail('m'), name: 'M' }]);
    // Same batch number, different rows: a new batch (its rows are handled one by one), not a replay.
    const other = await importCustomers(ingestion.id, 1, [{ rowNumber: 2, email: uniqueEmail('n'), name: 'N' }]);
    expect(other.replayed).toBe(false);
    expect(other).toMatchObject({ created: 2, processed: 2, batches: 2 });
  });

  it('refuses a batch larger than one transaction can hold, and a row named twice', async () => {
    const { ingestion } = await start();
    const rows = Array.from({ length: 50 }, (_, i) => ({ rowNumber: i + 1, email: uniqueEmail(`big${i}`), name: 'Big' }));
    const tooLarge = await failure(importCustomers(ingestion.id, 1, rows));
    expect(tooLarge.errorType).toBe('BatchTooLarge');
    const twice = await failure(importCustomers(ingestion.id, 1, [{ rowNumber: 4, email: uniqueEmail('a'), name: 'A' }, { rowNumber: 4, email: uniqueEmail('b'), name: 'B' }]));
    expect(twice.errorType).toBe('BadRequest');
    expect(await meta(ingestion.id)).toMatchObject({ processed: 0, batches: 0 });
  });

  it('takes a full batch of 49 rows in one transaction', async () => {
    const { ingestion } = await start();
    const rows = Array.from({ length: 49 }, (_, i) => ({ rowNumber: i + 1, email: uniqueEmail(`full${i}`), name: `Full ${i}` }));
    const progress = await importCustomers(ingestion.id, 1, rows);
    expect(progress).toMatchObject({ created: 49, processed: 49, batches: 1 });
    // One CREATED outcome per row, in row order (an absent outcomes list no longer passes vacuously).
    expect(progress.outcomes?.map((o) => [o.rowNumber, o.status])).toEqual(rows.map((r) => [r.rowNumber, 'CREATED']));
  });

  it('refuses rows for an unknown ingestion, one of another model, and one that finished', async () => {
    const unknown = await failure(importCustomers('no-such-ingestion', 1, [{ rowNumber: 1, email: uniqueEmail('u'), name: 'U' }]));
    expect(unknown.errorType).toBe('IngestionNotFound');

    const projects = await start('PROJECT');
    const wrongModel = await failure(importCustomers(projects.ingestion.id, 1, [{ rowNumber: 1, email: uniqueEmail('w'), name: 'W' }]));
    expect(wrongModel.errorType).toBe('WrongModel');

    const { ingestion } = await start();
    await api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'COMPLETED' } });
    const finished = await failure(importCustomers(ingestion.id, 1, [{ rowNumber: 1, email: uniqueEmail('f'), name: 'F' }]));
    expect(finished.errorType).toBe('IngestionNotRunning');
  });
});

describe('resuming an interrupted ingestion', () => {
  it('answers rows the earlier run wrote ALREADY_IMPORTED, counts every row once, and creates nothing twice', async () => {
    const sha = freshSha();
    const emails = Array.from({ length: 6 }, (_, i) => uniqueEmail(`resume${i}`));
    const rows: CustomerRowInput[] = emails.map((email, i) => ({ rowNumber: i + 1, email, name: `Resume ${i}` }));
    rows[2] = { rowNumber: 3, email: 'invalid', name: 'Bad' };

    // Run 1 sends rows 1-4 in two batches of two, then dies.
    const first = await start('CUSTOMER', sha, 'resume.csv', 6);
    await importCustomers(first.ingestion.id, 1, rows.slice(0, 2));
    await importCustomers(first.ingestion.id, 2, rows.slice(2, 4));

    // Run 2 starts the same bytes and sends the whole file in batches of three.
    const resumed = await start('CUSTOMER', sha, 'resume.csv', 6);
    expect(resumed.outcome).toBe('RESUMED');
    const b1 = await importCustomers(first.ingestion.id, 1, rows.slice(0, 3));
    expect(b1.replayed).toBe(false);
    expect(statuses(b1)).toEqual({ 1: 'ALREADY_IMPORTED', 2: 'ALREADY_IMPORTED', 3: 'INVALID' });
    const b2 = await importCustomers(first.ingestion.id, 2, rows.slice(3, 6));
    expect(statuses(b2)).toEqual({ 4: 'ALREADY_IMPORTED', 5: 'CREATED', 6: 'CREATED' });

    // The rows the first run created keep their customers; nothing was created twice.
    for (const email of emails.filter((_, i) => i !== 2)) {
      expect(await customersWithEmail(email)).toHaveLength(1);
    }
    const [firstCustomer] = await customersWithEmail(emails[0]!);
    expect(b1.outcomes![0]!.id).toBe(firstCustomer!.id);

    // Every row counted once: 6 rows, 2 created now, 3 by the earlier run, 1 invalid.
    const counts = await meta(first.ingestion.id);
    expect(counts).toMatchObject({ created: 2, alreadyImported: 3, invalid: 1, duplicates: 0, processed: 6 });
    expectBalanced(b2);

    // The same run sending the rows once more (cut another way) changes no counter.
    const samePass = await importCustomers(first.ingestion.id, 9, rows.slice(0, 6));
    expect(statuses(samePass)).toEqual({ 1: 'ALREADY_IMPORTED', 2: 'ALREADY_IMPORTED', 3: 'INVALID', 4: 'ALREADY_IMPORTED', 5: 'ALREADY_IMPORTED', 6: 'ALREADY_IMPORTED' });
    expect(await meta(first.ingestion.id)).toMatchObject({ created: 2, alreadyImported: 3, invalid: 1, processed: 6 });

    // A third run: the two rows the second run created now count as already imported too.
    expect((await start('CUSTOMER', sha, 'resume.csv', 6)).outcome).toBe('RESUMED');
    await importCustomers(first.ingestion.id, 1, rows.slice(0, 6));
    expect(await meta(first.ingestion.id)).toMatchObject({ created: 0, alreadyImported: 5, invalid: 1, processed: 6 });
    expect((await scanAll('Customers')).filter((c) => emails.includes(c.email as string))).toHaveLength(5);
  });
});

describe('two ingestions of overlapping files at once', () => {
  it('leaves one customer per email and both ingestions fully accounted for', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => uniqueEmail(`race${i}`));
    const fileA = emails.slice(0, 20);
    const fileB = emails.slice(10, 30);
    const a = await start();
    const b = await start();

    /** Sends a file in batches of 5, several in flight, re-sending RETRY rows in later batches like a client must. */
    async function run(ingestionId: string, file: string[]): Promise<Map<number, Progress['outcomes']>> {
      let pending: CustomerRowInput[] = file.map((email, i) => ({ rowNumber: i + 1, email, name: `Race ${email}` }));
      const finals = new Map<number, NonNullable<Progress['outcomes']>[number]>();
      let batchNumber = 0;
      for (let round = 0; round < 10 && pending.length > 0; round += 1) {
        const batches: CustomerRowInput[][] = [];
        for (let i = 0; i < pending.length; i += 5) batches.push(pending.slice(i, i + 5));
        const answers = await Promise.all(batches.map((rows) => importCustomers(ingestionId, (batchNumber += 1), rows)));
        pending = [];
        for (const [i, answer] of answers.entries()) {
          for (const outcome of answer.outcomes ?? []) {
            if (outcome.status === 'RETRY') pending.push(batches[i]!.find((r) => r.rowNumber === outcome.rowNumber)!);
            else finals.set(outcome.rowNumber, outcome);
          }
        }
      }
      expect(pending).toEqual([]);
      return finals as unknown as Map<number, Progress['outcomes']>;
    }

    const [outcomesA, outcomesB] = await Promise.all([run(a.ingestion.id, fileA), run(b.ingestion.id, fileB)]);
    expect(outcomesA.size).toBe(20);
    expect(outcomesB.size).toBe(20);

    const customers = (await scanAll('Customers')).filter((c) => emails.includes(c.email as string));
    // One customer per email, none lost.
    expect(customers).toHaveLength(30);
    expect(new Set(customers.map((c) => c.email)).size).toBe(30);

    const metaA = await meta(a.ingestion.id);
    const metaB = await meta(b.ingestion.id);
    expect(metaA.processed).toBe(20);
    expect(metaB.processed).toBe(20);
    // Each of the 10 shared emails was created by exactly one of the two.
    expect((metaA.created as number) + (metaB.created as number)).toBe(30);
    expect((metaA.duplicates as number) + (metaB.duplicates as number)).toBe(10);
    expectBalanced(metaA as unknown as Progress);
    expectBalanced(metaB as unknown as Progress);
  });
});

describe('importProjects', () => {
  it('links rows to customers named by email or id and answers unknown customers INVALID/UNKNOWN_CUSTOMER', async () => {
    const email = uniqueEmail('client');
    const { createCustomer: customer } = await api.request(CreateCustomerDocument, { input: { email, name: 'Client' } });
    const { ingestion } = await start('PROJECT', freshSha(), 'projects.csv');
    const progress = await importProjects(ingestion.id, 1, [
      { rowNumber: 1, customerEmail: email.toUpperCase(), name: 'Website', status: 'active', budget: '0012000.50', startDate: '2024-01-01', dueDate: '2024-06-30' },
      { rowNumber: 2, customerId: customer.id, name: 'Audit', status: 'On Hold' },
      { rowNumber: 3, customerEmail: uniqueEmail('nobody'), name: 'Ghost' },
      { rowNumber: 4, customerId: 'no-such-customer', name: 'Ghost 2' },
      { rowNumber: 5, customerEmail: email, name: 'Backwards', startDate: '2024-06-01', dueDate: '2024-05-01' },
      { rowNumber: 6, name: 'Orphan' },
      { rowNumber: 7, customerEmail: email, name: 'Odd', status: 'maybe', budget: '-5' },
    ]);
    expect(statuses(progress)).toEqual({ 1: 'CREATED', 2: 'CREATED', 3: 'INVALID', 4: 'INVALID', 5: 'INVALID', 6: 'INVALID', 7: 'INVALID' });
    const codes = Object.fromEntries((progress.outcomes ?? []).map((o) => [o.rowNumber, o.errors?.map((e) => `${e.field}:${e.code}`) ?? null]));
    expect(codes).toMatchObject({
      3: ['customerEmail:UNKNOWN_CUSTOMER'],
      4: ['customerId:UNKNOWN_CUSTOMER'],
      5: ['dueDate:RANGE'],
      6: ['customerEmail:REQUIRED'],
      7: ['status:ENUM', 'budget:RANGE'],
    });
    expect(progress).toMatchObject({ created: 2, invalid: 5, processed: 7 });

    const projects = (await scanAll('Projects')).filter((p) => p.customerId === customer.id);
    expect(projects).toHaveLength(2);
    const website = projects.find((p) => p.name === 'Website');
    expect(website).toMatchObject({ id: progress.outcomes![0]!.id, status: 'ACTIVE', budget: 12000.5, startDate: '2024-01-01', dueDate: '2024-06-30', version: 1 });
    expect(projects.find((p) => p.name === 'Audit')).toMatchObject({ status: 'ON_HOLD' });
  });

  it('replays a re-sent project batch and answers rows of an earlier run ALREADY_IMPORTED', async () => {
    const email = uniqueEmail('pclient');
    await api.request(CreateCustomerDocument, { input: { email, name: 'P Client' } });
    const sha = freshSha();
    const { ingestion } = await start('PROJECT', sha, 'projects.csv');
    const rows = [
      { rowNumber: 1, customerEmail: email, name: 'One' },
      { rowNumber: 2, customerEmail: email, name: 'Two' },
    ];
    const first = await importProjects(ingestion.id, 1, rows);
    const again = await importProjects(ingestion.id, 1, rows);
    expect(again.replayed).toBe(true);
    expect(again.outcomes).toEqual(first.outcomes);

    const resumed = await start('PROJECT', sha, 'projects.csv');
    expect(resumed.outcome).toBe('RESUMED');
    const recut = await importProjects(ingestion.id, 1, [...rows, { rowNumber: 3, customerEmail: email, name: 'Three' }]);
    expect(statuses(recut)).toEqual({ 1: 'ALREADY_IMPORTED', 2: 'ALREADY_IMPORTED', 3: 'CREATED' });
    expect(recut.outcomes![0]!.id).toBe(first.outcomes![0]!.id);
    const projects = (await scanAll('Projects')).filter((p) => p.ingestionId === ingestion.id);
    expect(projects).toHaveLength(3);
    expect(await meta(ingestion.id)).toMatchObject({ created: 1, alreadyImported: 2, processed: 3 });
  });
});

describe('importInvoices (a model declared only in the schema)', () => {
  const base = { amount: '99.90', currency: 'eur', issueDate: '2026-04-01', dueDate: '2026-04-30' };
  const currencies = MODELS.find((m) => m.name === 'Invoice')!.columns.currency!.enumValues!;
  let tag = 0;
  /** An invoice number no other test uses. */
  function invoiceNumber(label: string): string {
    tag += 1;
    return `INV-${label}-${tag}-${Math.random().toString(36).slice(2, 8)}`;
  }

  async function customerWithProject(): Promise<{ email: string; customerId: string; projectId: string }> {
    const email = uniqueEmail('billed');
    const { createCustomer } = await api.request(CreateCustomerDocument, { input: { email, name: 'Billed' } });
    const { createProject } = await api.request(CreateProjectDocument, { input: { customerId: createCustomer.id, name: 'Billed work' } });
    return { email, customerId: createCustomer.id, projectId: createProject.id };
  }

  it('creates an invoice per new number, linked to its customer and project, and answers duplicates, unknown targets and bad cells row by row', async () => {
    const { email, customerId, projectId } = await customerWithProject();
    const existing = invoiceNumber('old');
    const earlier = await start('INVOICE', freshSha(), 'invoices-1.csv');
    expect(statuses(await importInvoices(earlier.ingestion.id, 1, [{ rowNumber: 1, invoiceNumber: existing, customerId, ...base }]))).toEqual({ 1: 'CREATED' });

    const { ingestion } = await start('INVOICE', freshSha(), 'invoices-2.csv');
    const number = invoiceNumber('new');
    const nobody = uniqueEmail('nobody');
    const progress = await importInvoices(ingestion.id, 1, [
      { rowNumber: 1, invoiceNumber: ` ${number} `, customerEmail: email.toUpperCase(), projectId, ...base },
      { rowNumber: 2, invoiceNumber: number, customerId, ...base },
      { rowNumber: 3, invoiceNumber: existing, customerEmail: email, ...base },
      { rowNumber: 4, invoiceNumber: invoiceNumber('d'), customerEmail: nobody, ...base },
      { rowNumber: 5, invoiceNumber: invoiceNumber('e'), customerId, projectId: 'no-such-project', ...base },
      { rowNumber: 6, invoiceNumber: invoiceNumber('f'), customerId, ...base, issueDate: '2026-05-01', dueDate: '2026-04-30' },
      { rowNumber: 7, invoiceNumber: invoiceNumber('g'), customerId, ...base, amount: '-1' },
      { rowNumber: 8, invoiceNumber: invoiceNumber('h'), customerId, ...base, currency: 'XYZ' },
    ]);
    const first = `${ingestion.id}-r00000001`;
    expect(progress.outcomes).toEqual([
      { rowNumber: 1, status: 'CREATED', id: first, errors: null, conflict: null },
      {
        rowNumber: 2,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'invoiceNumber', code: 'DUPLICATE_INVOICE_NUMBER', message: `Invoice number ${number} already belongs to invoice ${first}.` }],
        conflict: { field: 'invoiceNumber', value: number, existingId: first, ingestionId: ingestion.id, rowNumber: 1 },
      },
      {
        rowNumber: 3,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'invoiceNumber', code: 'DUPLICATE_INVOICE_NUMBER', message: `Invoice number ${existing} already belongs to invoice ${earlier.ingestion.id}-r00000001.` }],
        conflict: { field: 'invoiceNumber', value: existing, existingId: `${earlier.ingestion.id}-r00000001`, ingestionId: earlier.ingestion.id, rowNumber: 1 },
      },
      { rowNumber: 4, status: 'INVALID', id: null, errors: [{ field: 'customerEmail', code: 'UNKNOWN_CUSTOMER', message: `No customer with email ${nobody}.` }], conflict: null },
      { rowNumber: 5, status: 'INVALID', id: null, errors: [{ field: 'projectId', code: 'UNKNOWN_PROJECT', message: 'No project with id no-such-project.' }], conflict: null },
      { rowNumber: 6, status: 'INVALID', id: null, errors: [{ field: 'dueDate', code: 'RANGE', message: 'Due date 2026-04-30 is before issue date 2026-05-01.' }], conflict: null },
      { rowNumber: 7, status: 'INVALID', id: null, errors: [{ field: 'amount', code: 'RANGE', message: 'Amount must be at least 0.' }], conflict: null },
      { rowNumber: 8, status: 'INVALID', id: null, errors: [{ field: 'currency', code: 'ENUM', message: `Currency must be one of ${currencies.join(', ')}.` }], conflict: null },
    ]);
    expect(progress).toMatchObject({ created: 1, duplicates: 2, invalid: 5, processed: 8, batches: 1 });

    // The invoice as stored: the number trimmed, the amount a number, the currency as the enum value, both targets by id.
    const { Item: invoice } = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Invoices, Key: { id: first }, ConsistentRead: true }));
    expect(invoice).toEqual({
      id: first,
      invoiceNumber: number,
      customerId,
      projectId,
      amount: 99.9,
      currency: 'EUR',
      issueDate: '2026-04-01',
      dueDate: '2026-04-30',
      version: 1,
      createdAt: invoice!.createdAt,
      updatedAt: invoice!.createdAt,
      ingestionId: ingestion.id,
      rowNumber: 1,
      ingestionRun: 0,
    });
    const { Item: claim } = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Uniques, Key: { key: `invoice.invoiceNumber#${number}` }, ConsistentRead: true }));
    expect(claim).toEqual({ key: `invoice.invoiceNumber#${number}`, kind: 'UNIQUE', model: 'Invoice', field: 'invoiceNumber', ownerId: first, ingestionId: ingestion.id, rowNumber: 1, run: 0 });
    const invoices = await scanAll('Invoices');
    expect(invoices.filter((i) => i.invoiceNumber === number)).toHaveLength(1);
    expect(invoices.filter((i) => i.invoiceNumber === existing)).toHaveLength(1);

    // Sent again: the stored answer, replayed; nothing written or counted twice.
    const again = await importInvoices(ingestion.id, 1, [
      { rowNumber: 1, invoiceNumber: ` ${number} `, customerEmail: email.toUpperCase(), projectId, ...base },
      { rowNumber: 2, invoiceNumber: number, customerId, ...base },
      { rowNumber: 3, invoiceNumber: existing, customerEmail: email, ...base },
      { rowNumber: 4, invoiceNumber: 'whatever', customerEmail: nobody, ...base },
      { rowNumber: 5, invoiceNumber: 'whatever', customerId, ...base },
      { rowNumber: 6, invoiceNumber: 'whatever', customerId, ...base },
      { rowNumber: 7, invoiceNumber: 'whatever', customerId, ...base },
      { rowNumber: 8, invoiceNumber: 'whatever', customerId, ...base },
    ]);
    expect(again.replayed).toBe(true);
    expect(again.outcomes).toEqual(progress.outcomes);
    expect(await meta(ingestion.id)).toMatchObject({ created: 1, duplicates: 2, invalid: 5, processed: 8, batches: 1 });
    expect((await scanAll('Invoices')).length).toBe(invoices.length);
  });

  it('takes a full batch of 24 invoices, each with its own customer and project (98 transaction items), and refuses 25', async () => {
    const customers = await start('CUSTOMER', freshSha(), 'c.csv');
    const emails = Array.from({ length: 24 }, (_, i) => uniqueEmail(`full-invoice-${i}`));
    const people = await importCustomers(customers.ingestion.id, 1, emails.map((email, i) => ({ rowNumber: i + 1, email, name: `Payer ${i}` })));
    const projects = await start('PROJECT', freshSha(), 'p.csv');
    const work = await importProjects(projects.ingestion.id, 1, emails.map((email, i) => ({ rowNumber: i + 1, customerEmail: email, name: `Work ${i}` })));
    expect(work.created).toBe(24);

    const { ingestion } = await start('INVOICE', freshSha(), 'full.csv');
    const rows = Array.from({ length: 25 }, (_, i) => ({
      rowNumber: i + 1,
      invoiceNumber: invoiceNumber(`full${i}`),
      customerId: people.outcomes![i % 24]!.id!,
      projectId: work.outcomes![i % 24]!.id!,
      ...base,
    }));
    const tooLarge = await failure(importInvoices(ingestion.id, 1, rows));
    expect(tooLarge.errorType).toBe('BatchTooLarge');
    expect(tooLarge.errors[0]!.message).toBe('A batch holds at most 24 rows (one DynamoDB transaction); this one has 25. Split it.');
    expect(await meta(ingestion.id)).toMatchObject({ processed: 0, batches: 0 });

    const full = await importInvoices(ingestion.id, 1, rows.slice(0, 24));
    expect(full.outcomes!.map((o) => [o.rowNumber, o.status])).toEqual(rows.slice(0, 24).map((r) => [r.rowNumber, 'CREATED']));
    expect(full).toMatchObject({ created: 24, processed: 24, batches: 1 });
  });

  it('answers getInvoice and listInvoices from the Invoices table (the generated queries)', async () => {
    const { customerId } = await customerWithProject();
    const { ingestion } = await start('INVOICE', freshSha(), 'one.csv');
    const number = invoiceNumber('get');
    await importInvoices(ingestion.id, 1, [{ rowNumber: 1, invoiceNumber: number, customerId, ...base }]);
    const id = `${ingestion.id}-r00000001`;
    const getInvoice = parse('query ($id: ID!) { getInvoice(id: $id) { id invoiceNumber customerId projectId amount currency issueDate dueDate version } }') as TypedDocumentNode<
      { getInvoice: Item | null },
      { id: string }
    >;
    expect((await api.request(getInvoice, { id })).getInvoice).toEqual({
      id,
      invoiceNumber: number,
      customerId,
      projectId: null,
      amount: 99.9,
      currency: 'EUR',
      issueDate: '2026-04-01',
      dueDate: '2026-04-30',
      version: 1,
    });
    expect((await api.request(getInvoice, { id: 'no-such-invoice' })).getInvoice).toBeNull();

    const listInvoices = parse('query ($limit: Int, $nextToken: String) { listInvoices(limit: $limit, nextToken: $nextToken) { items { id } nextToken } }') as TypedDocumentNode<
      { listInvoices: { items: { id: string }[]; nextToken: string | null } },
      { limit?: number; nextToken?: string | null }
    >;
    const seen: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextToken: string | null } = (await api.request(listInvoices, { limit: 7, nextToken })).listInvoices;
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => i.id));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 1000);
    expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await scanAll('Invoices')).length);
  });
});

describe('values the schema will accept (issue 9, point 4)', () => {
  it('refuses an email AWSEmail cannot return and look-alike emails, claims NFC and NFD forms as one, and counts a name in characters', async () => {
    const { ingestion } = await start();
    const tag = Math.random().toString(36).slice(2, 8);
    const nfc = `caf\u00e9-${tag}@example.com`;
    const progress = await importCustomers(ingestion.id, 1, [
      { rowNumber: 1, email: 'poison@[10.0.0.1]', name: 'Poison' },
      { rowNumber: 2, email: nfc, name: 'NFC' },
      { rowNumber: 3, email: `cafe\u0301-${tag}@example.com`, name: 'NFD' },
      { rowNumber: 4, email: `zero\u200bwidth-${tag}@example.com`, name: 'Zero width' },
      { rowNumber: 5, email: `rtl\u202e-${tag}@example.com`, name: 'Override' },
      { rowNumber: 6, email: uniqueEmail('emoji'), name: '\u{1F600}'.repeat(150) },
      { rowNumber: 7, email: uniqueEmail('emoji-long'), name: '\u{1F600}'.repeat(201) },
    ]);
    const invalidEmail = [{ field: 'email', code: 'FORMAT', message: 'Email is not a valid email address.' }];
    expect(progress.outcomes!.map((o) => [o.rowNumber, o.status, o.errors])).toEqual([
      [1, 'INVALID', invalidEmail],
      [2, 'CREATED', null],
      [3, 'DUPLICATE', [{ field: 'email', code: 'DUPLICATE_EMAIL', message: `Email ${nfc} already belongs to customer ${ingestion.id}-r00000002.` }]],
      [4, 'INVALID', invalidEmail],
      [5, 'INVALID', invalidEmail],
      [6, 'CREATED', null],
      [7, 'INVALID', [{ field: 'name', code: 'TOO_LONG', message: 'Name is longer than 200 characters.' }]],
    ]);
    expect(await customersWithEmail(nfc)).toHaveLength(1);
    // Nothing stored breaks a query returning customers (AWSEmail, AWSPhone, AWSDate values).
    const { listCustomers } = await api.request(ListCustomersDocument, { limit: 100 });
    expect(listCustomers.items.length).toBeGreaterThan(0);
  });
});

describe('recordRejectedRows and listIngestionRowErrors', () => {
  it('records rows the client rejected, idempotently, and lists every row error in row order', async () => {
    const { ingestion } = await start();
    const email = uniqueEmail('listed');
    await importCustomers(ingestion.id, 1, [
      { rowNumber: 12, email, name: 'Kept' },
      { rowNumber: 11, email: 'bad', name: 'Bad' },
      { rowNumber: 13, email, name: 'Repeat' },
    ]);
    const rejected = {
      ingestionId: ingestion.id,
      batchNumber: 1,
      rows: [
        { rowNumber: 2, errors: [{ field: 'row', code: 'RAGGED', message: 'Row 2 has 9 cells; the header has 7.' }], raw: JSON.stringify({ Email: '=cmd()' }) },
        { rowNumber: 30, errors: [{ field: 'email', code: 'FORMAT', message: 'Email is not a valid email address.' }] },
      ],
    };
    const first = await api.request(RecordRejectedRowsDocument, { input: rejected });
    expect(first.recordRejectedRows).toMatchObject({ stage: 'REJECTED_ROWS', invalid: 3, duplicates: 1, created: 1, processed: 5, batches: 2, replayed: false });
    const again = await api.request(RecordRejectedRowsDocument, { input: rejected });
    expect(again.recordRejectedRows).toMatchObject({ replayed: true, invalid: 3, processed: 5, batches: 2 });
    expect(await meta(ingestion.id)).toMatchObject({ invalid: 3, processed: 5, batches: 2 });

    const all = await api.request(ListIngestionRowErrorsDocument, { ingestionId: ingestion.id });
    expect(all.listIngestionRowErrors.items.map((r) => [r.rowNumber, r.status])).toEqual([
      [2, 'INVALID'],
      [11, 'INVALID'],
      [13, 'DUPLICATE'],
      [30, 'INVALID'],
    ]);
    const ragged = all.listIngestionRowErrors.items[0]!;
    expect(ragged.errors).toEqual([{ field: 'row', code: 'RAGGED', message: 'Row 2 has 9 cells; the header has 7.' }]);
    expect(JSON.parse(ragged.raw as string)).toEqual({ Email: '=cmd()' });
    expect(all.listIngestionRowErrors.items[2]!.conflict).toMatchObject({ field: 'email', value: email, ingestionId: ingestion.id, rowNumber: 12 });

    // Paginated: two pages of two, then none.
    const page1 = await api.request(ListIngestionRowErrorsDocument, { ingestionId: ingestion.id, limit: 2 });
    expect(page1.listIngestionRowErrors.items.map((r) => r.rowNumber)).toEqual([2, 11]);
    expect(page1.listIngestionRowErrors.nextToken).toBeTruthy();
    const page2 = await api.request(ListIngestionRowErrorsDocument, { ingestionId: ingestion.id, limit: 2, nextToken: page1.listIngestionRowErrors.nextToken });
    expect(page2.listIngestionRowErrors.items.map((r) => r.rowNumber)).toEqual([13, 30]);

    // A later run recording a row again (in another batch) answers it as stored and counts it once.
    const later = await api.request(RecordRejectedRowsDocument, { input: { ...rejected, batchNumber: 7, rows: [rejected.rows[0]!] } });
    expect(later.recordRejectedRows).toMatchObject({ replayed: false, invalid: 3, processed: 5, batches: 3 });
    expect(later.recordRejectedRows.outcomes).toMatchObject([{ rowNumber: 2, status: 'INVALID' }]);

    // The row error items are the ROW# items of the ingestion's partition, zero-padded.
    const sks = (await partition(ingestion.id)).map((i) => i.sk as string).filter((sk) => sk.startsWith('ROW#'));
    expect(sks).toEqual(['ROW#00000002', 'ROW#00000011', 'ROW#00000013', 'ROW#00000030']);
  });
});

describe('finishIngestion, failIngestion, getIngestion, listIngestions', () => {
  it('closes an ingestion with timing figures, idempotently, and refuses to close it another way', async () => {
    const { ingestion } = await start();
    await importCustomers(ingestion.id, 1, [
      { rowNumber: 1, email: uniqueEmail('t1'), name: 'T1' },
      { rowNumber: 2, email: uniqueEmail('t2'), name: 'T2' },
    ]);
    const { finishIngestion } = await api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'COMPLETED', durationMs: 500 } });
    // 2 rows in 0.5 s.
    expect(finishIngestion).toMatchObject({ stage: 'FINISHED', status: 'COMPLETED', durationMs: 500, rowsPerSecond: 4, processed: 2 });
    const again = await api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'COMPLETED', durationMs: 999 } });
    expect(again.finishIngestion.durationMs).toBe(500);
    const otherWay = await failure(api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'FAILED' } }));
    expect(otherWay.errorType).toBe('IngestionAlreadyFinished');

    const { getIngestion } = await api.request(GetIngestionDocument, { id: ingestion.id });
    expect(getIngestion).toMatchObject({ status: 'COMPLETED', durationMs: 500, rowsPerSecond: 4 });
    // finishedAt is an AWSDateTime (ISO 8601 in UTC) no earlier than the start.
    expect(getIngestion!.finishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(Date.parse(getIngestion!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(getIngestion!.startedAt));
    expect((await api.request(GetIngestionDocument, { id: 'missing' })).getIngestion).toBeNull();
  });

  it('records the rows the client corrected before sending (correctedRows), and refuses a negative count', async () => {
    const { ingestion } = await start();
    await importCustomers(ingestion.id, 1, [{ rowNumber: 2, email: uniqueEmail('fixed'), name: 'Fixed In The Page' }]);
    const negative = await failure(api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'COMPLETED', correctedRows: -1 } }));
    expect(negative.errorType).toBe('BadRequest');
    expect(negative.errors[0]?.message).toBe('correctedRows cannot be negative.');
    await api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'COMPLETED', correctedRows: 1 } });
    expect((await api.request(GetIngestionDocument, { id: ingestion.id })).getIngestion).toMatchObject({ status: 'COMPLETED', correctedRows: 1 });
    expect((await meta(ingestion.id)).correctedRows).toBe(1);
    // Said nothing: null.
    const other = await start();
    await api.request(FinishIngestionDocument, { input: { ingestionId: other.ingestion.id, status: 'COMPLETED' } });
    expect((await api.request(GetIngestionDocument, { id: other.ingestion.id })).getIngestion?.correctedRows).toBeNull();
  });

  it('measures the duration itself when the client gives none', async () => {
    const { ingestion } = await start();
    const { finishIngestion } = await api.request(FinishIngestionDocument, { input: { ingestionId: ingestion.id, status: 'FAILED', failureReason: 'stopped by the user' } });
    expect(finishIngestion.status).toBe('FAILED');
    expect(finishIngestion.failureReason).toBe('stopped by the user');
    // A whole number of milliseconds (the schema's Int), never negative.
    expect(Number.isInteger(finishIngestion.durationMs)).toBe(true);
    expect(finishIngestion.durationMs).toBeGreaterThanOrEqual(0);
    expect((await meta(ingestion.id)).durationMs).toBe(finishIngestion.durationMs);
  });

  it('lets the back end (IAM) fail an ingestion, and not a viewer (docs/auth.md: owners, admins, the back end)', async () => {
    const { ingestion } = await start();
    const viewer = await stack.clientFor('ingestion-viewer', ['viewers']);
    const denied = await failure(viewer.request(FailIngestionDocument, { ingestionId: ingestion.id, reason: 'no' }));
    expect(denied.errorType).toBe('Unauthorized');
    expect(denied.errors[0]?.message).toBe('Not Authorized to access failIngestion on type Mutation');
    const { failIngestion } = await iamApi.request(FailIngestionDocument, { ingestionId: ingestion.id, reason: 'unreadable object' });
    expect(failIngestion).toMatchObject({ stage: 'FINISHED', status: 'FAILED', failureReason: 'unreadable object' });
  });

  it('lists ingestions newest first, a page at a time', async () => {
    const older = await start();
    await new Promise((r) => setTimeout(r, 5));
    const newer = await start();
    const page = await api.request(ListIngestionsDocument, { limit: 2 });
    expect(page.listIngestions.items.map((i) => i.id)).toEqual([newer.ingestion.id, older.ingestion.id]);
    expect(page.listIngestions.nextToken).toBeTruthy();
    const next = await api.request(ListIngestionsDocument, { limit: 2, nextToken: page.listIngestions.nextToken });
    expect(next.listIngestions.items.map((i) => i.id)).not.toContain(newer.ingestion.id);
  });
});
