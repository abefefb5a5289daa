/**
 * The read-only pre-check through the real local stack (resolvers/Query.checkRows.ts,
 * Query.checkFile.ts): check<Plural> answers per row what import<Plural> would answer — the same
 * statuses, codes, messages and conflicts — and checkFile what startIngestion would, and neither
 * writes anything (every table is scanned before and after). Expected answers are worked out from
 * the import rules (docs/architecture.md, "The import pipeline") and, where it matters, compared with
 * what the real import then answers for the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import type { GraphQLClient } from '../../../clients/api/client';
import {
  CheckCustomersDocument,
  CheckFileDocument,
  CheckInvoicesDocument,
  CheckProjectsDocument,
  CreateCustomerDocument,
  CreateProjectDocument,
  FinishIngestionDocument,
  ImportCustomersDocument,
  ImportInvoicesDocument,
  ImportProjectsDocument,
  StartIngestionDocument,
  type CustomerRowInput,
  type ModelName,
} from '../../../clients/api/generated';
import { failure } from '../../helpers/graphql';
import { scanTable, startTestStack, stackClients, type TestStack } from '../../helpers/localStack';

let stack: TestStack;
let admin: GraphQLClient;
let iam: GraphQLClient;
let ines: GraphQLClient;
let omar: GraphQLClient;
let vera: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  ({ api: admin, iam } = stackClients(stack));
  ines = await stack.clientFor('ines', ['importers']);
  omar = await stack.clientFor('omar', ['importers']);
  vera = await stack.clientFor('vera', ['viewers']);
}, 180_000);

afterAll(() => stack?.stop());

const sha = () => createHash('sha256').update(randomBytes(16)).digest('hex');
const tag = () => randomBytes(3).toString('hex');

/** Every item of every table of the stack, for "nothing was written". */
async function everything(): Promise<Record<string, unknown[]>> {
  const all: Record<string, unknown[]> = {};
  for (const [id, name] of Object.entries(stack.tableNames)) {
    const items = await scanTable(stack, name);
    all[id] = items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return all;
}

/** Starts an ingestion as `client` and imports `rows` into it as batch 1; returns its id and the outcomes. */
async function importCustomers(client: GraphQLClient, rows: CustomerRowInput[], finish = true) {
  const { startIngestion } = await client.request(StartIngestionDocument, { input: { fileName: 'customers.csv', sha256: sha(), model: 'CUSTOMER' as ModelName, source: 'API' } });
  const ingestionId = startIngestion.ingestion!.id;
  const { importCustomers } = await client.request(ImportCustomersDocument, { input: { ingestionId, batchNumber: 1, rows } });
  if (finish) await client.request(FinishIngestionDocument, { input: { ingestionId, status: 'COMPLETED' } });
  return { ingestionId, outcomes: importCustomers.outcomes! };
}

describe('checkCustomers: what importCustomers would answer, per row, writing nothing', () => {
  it('answers DUPLICATE_EMAIL naming the owner for customers that exist, and exactly what the import then answers', async () => {
    const t = tag();
    // Two customers from a file (rows 2 and 3 of ingestion `first`) and one created outside any file.
    const first = await importCustomers(admin, [
      { rowNumber: 2, email: `ada.${t}@example.com`, name: 'Ada' },
      { rowNumber: 3, email: `bob.${t}@example.com`, name: 'Bob' },
    ]);
    const [ada, bob] = first.outcomes.map((o) => o.id!);
    const carl = (await admin.request(CreateCustomerDocument, { input: { email: `carl.${t}@example.com`, name: 'Carl' } })).createCustomer.id;
    const rows: CustomerRowInput[] = [
      { rowNumber: 2, email: `  ADA.${t}@Example.com `, name: 'Ada again' },
      { rowNumber: 3, email: `new.${t}@example.com`, name: 'New' },
      { rowNumber: 4, email: `carl.${t}@example.com`, name: 'Carl again' },
      { rowNumber: 5, email: 'not-an-email', name: 'Broken' },
      { rowNumber: 6, email: `bob.${t}@example.com` },
    ];
    const before = await everything();
    const { checkCustomers } = await ines.request(CheckCustomersDocument, { rows });
    expect(await everything()).toEqual(before);
    expect(checkCustomers).toEqual([
      {
        rowNumber: 2,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: `Email ada.${t}@example.com already belongs to customer ${ada}.` }],
        conflict: { field: 'email', value: `ada.${t}@example.com`, existingId: ada, ingestionId: first.ingestionId, rowNumber: 2 },
        repeatOf: null,
      },
      { rowNumber: 3, status: 'CREATED', id: null, errors: null, conflict: null, repeatOf: null },
      {
        rowNumber: 4,
        status: 'DUPLICATE',
        id: null,
        errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: `Email carl.${t}@example.com already belongs to customer ${carl}.` }],
        // created outside any file: no ingestion, no row
        conflict: { field: 'email', value: `carl.${t}@example.com`, existingId: carl, ingestionId: null, rowNumber: null },
        repeatOf: null,
      },
      { rowNumber: 5, status: 'INVALID', id: null, errors: [{ field: 'email', code: 'FORMAT', message: 'Email is not a valid email address.' }], conflict: null, repeatOf: null },
      // the required name is missing: INVALID before the email's owner is looked at, as in the import
      { rowNumber: 6, status: 'INVALID', id: null, errors: [{ field: 'name', code: 'REQUIRED', message: 'Name is required.' }], conflict: null, repeatOf: null },
    ]);
    expect(bob).toBeTruthy();
    // The real import of the same rows answers the same statuses, errors and conflicts.
    const real = await importCustomers(ines, rows);
    expect(real.outcomes.map((o) => ({ rowNumber: o.rowNumber, status: o.status, errors: o.errors ?? null, conflict: o.conflict ?? null }))).toEqual(
      checkCustomers.map((c) => ({ rowNumber: c.rowNumber, status: c.status, errors: c.errors, conflict: c.conflict })),
    );
  });

  it('answers a repeat of an earlier checked row DUPLICATE with repeatOf (the first row in file order owns the value)', async () => {
    const t = tag();
    const rows: CustomerRowInput[] = [
      { rowNumber: 7, email: `dup.${t}@example.com`, name: 'First' },
      { rowNumber: 9, email: `other.${t}@example.com`, name: 'Other' },
      { rowNumber: 12, email: ` DUP.${t}@EXAMPLE.COM`, name: 'Repeat' },
      { rowNumber: 14, email: `dup.${t}@example.com`, name: 'Again' },
    ];
    const { checkCustomers } = await admin.request(CheckCustomersDocument, { rows });
    expect(checkCustomers.map((c) => [c.rowNumber, c.status, c.repeatOf])).toEqual([
      [7, 'CREATED', null],
      [9, 'CREATED', null],
      [12, 'DUPLICATE', 7],
      [14, 'DUPLICATE', 7],
    ]);
    expect(checkCustomers[2]).toMatchObject({
      errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: `Email dup.${t}@example.com already belongs to row 7 of this file.` }],
      conflict: null,
    });
    // The import answers the same rows the same way (it names the record row 7 became).
    const real = await importCustomers(admin, rows);
    expect(real.outcomes.map((o) => [o.rowNumber, o.status])).toEqual(checkCustomers.map((c) => [c.rowNumber, c.status]));
    expect(real.outcomes[2]!.conflict).toMatchObject({ existingId: real.outcomes[0]!.id, rowNumber: 7 });
  });

  it('with the ingestion a real run would resume, answers the rows it wrote ALREADY_IMPORTED with their records', async () => {
    const t = tag();
    // An interrupted run: rows 2 and 3 written, the ingestion left RUNNING.
    const open = await importCustomers(ines, [
      { rowNumber: 2, email: `r2.${t}@example.com`, name: 'Two' },
      { rowNumber: 3, email: `r3.${t}@example.com`, name: 'Three' },
    ], false);
    const rows: CustomerRowInput[] = [
      { rowNumber: 2, email: `r2.${t}@example.com`, name: 'Two' },
      { rowNumber: 3, email: `r3.${t}@example.com`, name: 'Three' },
      { rowNumber: 4, email: `r4.${t}@example.com`, name: 'Four' },
      // row 5 repeats row 2's email: row 2's record owns it (DUPLICATE naming that record, row 2 of the ingestion)
      { rowNumber: 5, email: `r2.${t}@example.com`, name: 'Five' },
    ];
    const { checkCustomers } = await ines.request(CheckCustomersDocument, { rows, ingestionId: open.ingestionId });
    expect(checkCustomers.map((c) => [c.rowNumber, c.status, c.id])).toEqual([
      [2, 'ALREADY_IMPORTED', open.outcomes[0]!.id],
      [3, 'ALREADY_IMPORTED', open.outcomes[1]!.id],
      [4, 'CREATED', null],
      [5, 'DUPLICATE', null],
    ]);
    expect(checkCustomers[3]!.conflict).toEqual({ field: 'email', value: `r2.${t}@example.com`, existingId: open.outcomes[0]!.id, ingestionId: open.ingestionId, rowNumber: 2 });
    // Without the ingestion, the same rows are plain duplicates of those records.
    const plain = (await ines.request(CheckCustomersDocument, { rows })).checkCustomers;
    expect(plain.map((c) => c.status)).toEqual(['DUPLICATE', 'DUPLICATE', 'CREATED', 'DUPLICATE']);
  });

  it('refuses an empty check, more rows than an import batch, a row twice and a row number below 1', async () => {
    const row = (n: number): CustomerRowInput => ({ rowNumber: n, email: `x${n}@example.com`, name: 'X' });
    const empty = await failure(admin.request(CheckCustomersDocument, { rows: [] }));
    expect([empty.errorType, empty.errors[0]!.message]).toEqual(['BadRequest', 'A check needs at least one row.']);
    const big = await failure(admin.request(CheckCustomersDocument, { rows: Array.from({ length: 50 }, (_, i) => row(i + 2)) }));
    expect([big.errorType, big.errors[0]!.message]).toEqual(['BatchTooLarge', 'A check holds at most 49 rows (an import batch of customer rows); this one has 50. Split it.']);
    const twice = await failure(admin.request(CheckCustomersDocument, { rows: [row(2), row(2)] }));
    expect([twice.errorType, twice.errors[0]!.message]).toEqual(['BadRequest', 'Row 2 appears twice in this check.']);
    const zero = await failure(admin.request(CheckCustomersDocument, { rows: [row(0)] }));
    expect([zero.errorType, zero.errors[0]!.message]).toEqual(['BadRequest', 'Row numbers start at 1, got 0.']);
  });

  it('is for importers, admins and the back end: a viewer is refused', async () => {
    const rows = [{ rowNumber: 2, email: `v.${tag()}@example.com`, name: 'V' }];
    expect((await failure(vera.request(CheckCustomersDocument, { rows }))).errorType).toBe('Unauthorized');
    expect((await iam.request(CheckCustomersDocument, { rows })).checkCustomers[0]!.status).toBe('CREATED');
  });
});

describe('checkProjects and checkInvoices: references naming no existing record', () => {
  it('answers UNKNOWN_CUSTOMER for an email and an id no customer has, and links by either otherwise', async () => {
    const t = tag();
    const known = (await admin.request(CreateCustomerDocument, { input: { email: `owner.${t}@example.com`, name: 'Owner' } })).createCustomer.id;
    const before = await everything();
    const { checkProjects } = await ines.request(CheckProjectsDocument, {
      rows: [
        { rowNumber: 2, customerEmail: `OWNER.${t}@example.com`, name: 'Linked by email' },
        { rowNumber: 3, customerEmail: `ghost.${t}@example.com`, name: 'Ghost' },
        { rowNumber: 4, customerId: known, name: 'Linked by id' },
        { rowNumber: 5, customerId: 'no-such-id', name: 'Nobody' },
        { rowNumber: 6, name: 'No customer at all' },
      ],
    });
    expect(await everything()).toEqual(before);
    expect(checkProjects.map((c) => [c.rowNumber, c.status, c.errors])).toEqual([
      [2, 'CREATED', null],
      [3, 'INVALID', [{ field: 'customerEmail', code: 'UNKNOWN_CUSTOMER', message: `No customer with email ghost.${t}@example.com.` }]],
      [4, 'CREATED', null],
      [5, 'INVALID', [{ field: 'customerId', code: 'UNKNOWN_CUSTOMER', message: 'No customer with id no-such-id.' }]],
      [6, 'INVALID', [{ field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' }]],
    ]);
  });

  it('answers an invoice naming an unknown customer or project INVALID before its number, and a taken number DUPLICATE_INVOICE_NUMBER', async () => {
    const t = tag();
    const customer = (await admin.request(CreateCustomerDocument, { input: { email: `payer.${t}@example.com`, name: 'Payer' } })).createCustomer;
    const project = (await admin.request(CreateProjectDocument, { input: { customerId: customer.id, name: 'Billed' } })).createProject.id;
    // An invoice INV-<t>-1 exists (imported).
    const { startIngestion } = await admin.request(StartIngestionDocument, { input: { fileName: 'i.csv', sha256: sha(), model: 'INVOICE' as ModelName, source: 'API' } });
    const base = { amount: '10', currency: 'EUR', issueDate: '2024-01-01', dueDate: '2024-01-31' };
    const { checkInvoices: none } = await admin.request(CheckInvoicesDocument, { rows: [{ rowNumber: 2, invoiceNumber: `INV-${t}-1`, customerEmail: `payer.${t}@example.com`, ...base }] });
    expect(none[0]!.status).toBe('CREATED');
    const { importInvoices } = await admin.request(ImportInvoicesDocument, {
      input: { ingestionId: startIngestion.ingestion!.id, batchNumber: 1, rows: [{ rowNumber: 2, invoiceNumber: `INV-${t}-1`, customerEmail: `payer.${t}@example.com`, ...base }] },
    });
    const owner = importInvoices.outcomes![0]!.id!;
    const { checkInvoices } = await ines.request(CheckInvoicesDocument, {
      rows: [
        { rowNumber: 2, invoiceNumber: ` INV-${t}-1 `, customerEmail: `payer.${t}@example.com`, ...base },
        { rowNumber: 3, invoiceNumber: `inv-${t}-1`, customerEmail: `payer.${t}@example.com`, projectId: project, ...base },
        { rowNumber: 4, invoiceNumber: `INV-${t}-1`, customerEmail: `nobody.${t}@example.com`, ...base },
        { rowNumber: 5, invoiceNumber: `INV-${t}-2`, customerEmail: `payer.${t}@example.com`, projectId: 'no-such-project', ...base },
      ],
    });
    expect(checkInvoices.map((c) => [c.rowNumber, c.status, c.errors?.map((e) => [e.code, e.message])])).toEqual([
      // trimmed it is the taken number (TRIM: case matters, so row 3's is another)
      [2, 'DUPLICATE', [['DUPLICATE_INVOICE_NUMBER', `Invoice number INV-${t}-1 already belongs to invoice ${owner}.`]]],
      [3, 'CREATED', undefined],
      [4, 'INVALID', [['UNKNOWN_CUSTOMER', `No customer with email nobody.${t}@example.com.`]]],
      [5, 'INVALID', [['UNKNOWN_PROJECT', 'No project with id no-such-project.']]],
    ]);
    expect(checkInvoices[0]!.conflict).toEqual({ field: 'invoiceNumber', value: `INV-${t}-1`, existingId: owner, ingestionId: startIngestion.ingestion!.id, rowNumber: 2 });
  });

  it('answers a project an unfinished ingestion wrote (no unique: found by its derived id) ALREADY_IMPORTED', async () => {
    const t = tag();
    await admin.request(CreateCustomerDocument, { input: { email: `pm.${t}@example.com`, name: 'PM' } });
    const { startIngestion } = await ines.request(StartIngestionDocument, { input: { fileName: 'p.csv', sha256: sha(), model: 'PROJECT' as ModelName, source: 'API' } });
    const ingestionId = startIngestion.ingestion!.id;
    const rows = [2, 3].map((n) => ({ rowNumber: n, customerEmail: `pm.${t}@example.com`, name: `P${n}` }));
    await ines.request(ImportProjectsDocument, { input: { ingestionId, batchNumber: 1, rows: rows.slice(0, 1) } });
    const { checkProjects } = await ines.request(CheckProjectsDocument, { rows, ingestionId });
    expect(checkProjects.map((c) => [c.rowNumber, c.status, c.id])).toEqual([
      [2, 'ALREADY_IMPORTED', `${ingestionId}-r00000002`],
      [3, 'CREATED', null],
    ]);
  });
});

describe('checkFile: what startIngestion would answer for these bytes', () => {
  it('answers NEW for bytes never seen, and refuses what is not a SHA-256', async () => {
    const digest = sha();
    expect((await ines.request(CheckFileDocument, { sha256: digest.toUpperCase() })).checkFile).toEqual({ sha256: digest, ingested: false, outcome: 'NEW', ingestion: null });
    const bad = await failure(ines.request(CheckFileDocument, { sha256: 'abc' }));
    expect([bad.errorType, bad.errors[0]!.message]).toEqual(['BadRequest', 'sha256 must be the 64 hex digits of the file’s SHA-256.']);
    expect((await failure(vera.request(CheckFileDocument, { sha256: digest }))).errorType).toBe('Unauthorized');
  });

  it('answers DUPLICATE with the ingestion to its owner and an admin, and without it to another user, writing nothing', async () => {
    const digest = sha();
    const { startIngestion } = await ines.request(StartIngestionDocument, { input: { fileName: 'mine.csv', sha256: digest, model: 'CUSTOMER' as ModelName, source: 'CLI', rowCount: 0 } });
    const id = startIngestion.ingestion!.id;
    await ines.request(FinishIngestionDocument, { input: { ingestionId: id, status: 'COMPLETED' } });
    const before = await everything();
    const mine = (await ines.request(CheckFileDocument, { sha256: digest })).checkFile;
    expect(mine).toMatchObject({ sha256: digest, ingested: true, outcome: 'DUPLICATE', ingestion: { id, fileName: 'mine.csv', status: 'COMPLETED', startedAt: startIngestion.ingestion!.startedAt } });
    expect((await admin.request(CheckFileDocument, { sha256: digest })).checkFile.ingestion?.id).toBe(id);
    // Someone else's: only that the bytes were ingested before (docs/auth.md), as startIngestion says it.
    expect((await omar.request(CheckFileDocument, { sha256: digest })).checkFile).toEqual({ sha256: digest, ingested: true, outcome: 'DUPLICATE', ingestion: null });
    expect(await everything()).toEqual(before);
    const started = (await omar.request(StartIngestionDocument, { input: { fileName: 'copy.csv', sha256: digest, model: 'CUSTOMER' as ModelName, source: 'CLI' } })).startIngestion;
    expect(started).toEqual({ outcome: 'DUPLICATE', ingestion: null });
  });

  it('answers RESUME for an unfinished ingestion its caller may continue, IN_PROGRESS for someone else', async () => {
    const digest = sha();
    const { startIngestion } = await ines.request(StartIngestionDocument, { input: { fileName: 'open.csv', sha256: digest, model: 'CUSTOMER' as ModelName, source: 'CLI' } });
    const id = startIngestion.ingestion!.id;
    expect((await ines.request(CheckFileDocument, { sha256: digest })).checkFile).toMatchObject({ ingested: true, outcome: 'RESUME', ingestion: { id, status: 'RUNNING' } });
    expect((await omar.request(CheckFileDocument, { sha256: digest })).checkFile).toEqual({ sha256: digest, ingested: true, outcome: 'IN_PROGRESS', ingestion: null });
    // an admin and the back end may continue anyone's, as startIngestion lets them
    expect((await admin.request(CheckFileDocument, { sha256: digest })).checkFile.outcome).toBe('RESUME');
    expect((await iam.request(CheckFileDocument, { sha256: digest })).checkFile.outcome).toBe('RESUME');
    // what startIngestion then does for the other user: refuses
    expect((await failure(omar.request(StartIngestionDocument, { input: { fileName: 'x.csv', sha256: digest, model: 'CUSTOMER' as ModelName, source: 'CLI' } }))).errorType).toBe('FileInProgress');
  });
});
