/**
 * Customers and projects through the real local stack: HTTP POST /graphql with the typed client,
 * the APPSYNC_JS bundles in the local runtime, DynamoDB Local underneath. After each write the
 * tables are read directly (not through our API) to prove what was, and was not, stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { GraphQLResponseError, type GraphQLClient } from '../../clients/api/client';
import {
  CreateCustomerDocument,
  CreateProjectDocument,
  CustomerByEmailDocument,
  DeleteCustomerDocument,
  DeleteProjectDocument,
  GetCustomerDocument,
  GetProjectDocument,
  ListCustomersDocument,
  ListProjectsByCustomerDocument,
  ListProjectsDocument,
  UpdateCustomerDocument,
  UpdateProjectDocument,
} from '../../clients/api/generated';
import { scanTable, startTestStack, type TestStack, stackClients } from '../helpers/localStack';
import { failure } from '../helpers/graphql';

let stack: TestStack;
let api: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = stackClients(stack).api;
});

afterAll(() => stack?.stop());

type Item = Record<string, unknown>;

/** Every item of a table, read straight from DynamoDB Local (strongly consistent). */
async function scanAll(table: 'Customers' | 'Projects' | 'Uniques'): Promise<Item[]> {
  return scanTable(stack, stack.tableNames[table]);
}

async function claimOf(email: string): Promise<Item | undefined> {
  const out = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Uniques, Key: { key: `customer.email#${email}` }, ConsistentRead: true }));
  return out.Item;
}

/** The GraphQL error a call must fail with. */

/** Unique per test, so tests sharing the stack never collide. */
let serial = 0;
function uniqueEmail(label: string): string {
  serial += 1;
  return `${label.toLowerCase()}.${serial}.${Date.now().toString(36)}@example.com`;
}

async function createCustomer(email: string, name = 'Someone') {
  return (await api.request(CreateCustomerDocument, { input: { email, name } })).createCustomer;
}

describe('customers over HTTP', () => {
  it('creates, reads, updates and deletes a customer, the email stored normalised', async () => {
    const email = uniqueEmail('Life');
    const created = await createCustomer(email.toUpperCase(), 'Ann');
    expect(created).toMatchObject({ email, name: 'Ann', version: 1 });
    expect(created.createdAt).toBe(created.updatedAt);

    expect((await api.request(GetCustomerDocument, { id: created.id })).getCustomer).toEqual(created);
    // customerByEmail takes a plain String: any case, surrounding spaces, finds the same customer.
    expect((await api.request(CustomerByEmailDocument, { email: `  ${email.toUpperCase()} ` })).customerByEmail?.id).toBe(created.id);

    const updated = (await api.request(UpdateCustomerDocument, { input: { id: created.id, name: 'Ann B', company: 'Acme' } })).updateCustomer;
    expect(updated).toMatchObject({ id: created.id, email, name: 'Ann B', company: 'Acme', version: 2, createdAt: created.createdAt });
    const stored = await stack.ddb.send(new GetCommand({ TableName: stack.tableNames.Customers, Key: { id: created.id }, ConsistentRead: true }));
    expect(stored.Item).toMatchObject({ name: 'Ann B', company: 'Acme', version: 2 });

    const removed = (await api.request(UpdateCustomerDocument, { input: { id: created.id, company: null } })).updateCustomer;
    expect(removed).toMatchObject({ company: null, version: 3 });

    expect((await api.request(DeleteCustomerDocument, { input: { id: created.id } })).deleteCustomer?.id).toBe(created.id);
    expect((await api.request(GetCustomerDocument, { id: created.id })).getCustomer).toBeNull();
    expect(await claimOf(email)).toBeUndefined();
    expect((await api.request(CustomerByEmailDocument, { email })).customerByEmail).toBeNull();
    // Deleting again is not an error: there is nothing left to delete.
    expect((await api.request(DeleteCustomerDocument, { input: { id: created.id } })).deleteCustomer).toBeNull();
  });

  it('refuses a second customer with the same email in another case, and writes nothing', async () => {
    const email = uniqueEmail('dup');
    const first = await createCustomer(email, 'First');
    const before = (await scanAll('Customers')).length;

    const error = await failure(createCustomer(email.toUpperCase(), 'Second'));
    expect(error.errorType).toBe('DuplicateEmail');
    expect(error.errors[0]!.errorInfo).toEqual({ email, existingCustomerId: first.id });
    expect(error.errors[0]!.path).toEqual(['createCustomer']);

    expect((await scanAll('Customers')).length).toBe(before);
    expect((await scanAll('Customers')).filter((c) => c.email === email).map((c) => c.id)).toEqual([first.id]);
    expect(await claimOf(email)).toEqual({ key: `customer.email#${email}`, kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: first.id });
  });

  it('refuses a second customer whose email differs only by case and surrounding spaces, and writes nothing', async () => {
    const email = uniqueEmail('pad');
    const first = await createCustomer(email, 'First');
    const before = (await scanAll('Customers')).length;

    const error = await failure(createCustomer(`  ${email.toUpperCase()}   `, 'Padded'));
    expect(error.errorType).toBe('DuplicateEmail');
    expect(error.errors[0]!.errorInfo).toEqual({ email, existingCustomerId: first.id });
    expect((await scanAll('Customers')).length).toBe(before);
    expect(await claimOf(email)).toMatchObject({ ownerId: first.id });
  });

  it('refuses an email that is not an address once trimmed, with a ValidationError naming the field', async () => {
    const before = (await scanAll('Customers')).length;
    const error = await failure(createCustomer('  not-an-email  ', 'Nobody'));
    expect(error.errorType).toBe('ValidationError');
    expect(error.message).toContain('email');
    expect((await scanAll('Customers')).length).toBe(before);
  });

  it('moves the claim when the email changes: the old email is free again, the new one taken', async () => {
    const [oldEmail, newEmail, otherEmail] = [uniqueEmail('old'), uniqueEmail('new'), uniqueEmail('other')];
    const ann = await createCustomer(oldEmail, 'Ann');
    const bob = await createCustomer(otherEmail, 'Bob');

    const moved = (await api.request(UpdateCustomerDocument, { input: { id: ann.id, email: newEmail.toUpperCase() } })).updateCustomer;
    expect(moved).toMatchObject({ email: newEmail, version: 2 });
    expect(await claimOf(oldEmail)).toBeUndefined();
    expect(await claimOf(newEmail)).toMatchObject({ ownerId: ann.id });

    // The old email can be used again by someone else …
    const carl = await createCustomer(oldEmail, 'Carl');
    expect(await claimOf(oldEmail)).toMatchObject({ ownerId: carl.id });

    // … and the new one cannot: Bob's update is refused as a whole.
    const error = await failure(api.request(UpdateCustomerDocument, { input: { id: bob.id, email: newEmail, name: 'Bobby' } }));
    expect(error.errorType).toBe('DuplicateEmail');
    expect(error.errors[0]!.errorInfo).toMatchObject({ existingCustomerId: ann.id });
    expect((await api.request(GetCustomerDocument, { id: bob.id })).getCustomer).toMatchObject({ email: otherEmail, name: 'Bob', version: 1 });
    expect(await claimOf(otherEmail)).toMatchObject({ ownerId: bob.id });
  });

  it('refuses an update from a stale version and one of a customer that does not exist', async () => {
    const ann = await createCustomer(uniqueEmail('stale'), 'Ann');
    await api.request(UpdateCustomerDocument, { input: { id: ann.id, name: 'Ann 2', expectedVersion: 1 } });
    const stale = await failure(api.request(UpdateCustomerDocument, { input: { id: ann.id, name: 'Ann 3', expectedVersion: 1 } }));
    expect(stale.errorType).toBe('ConcurrentModification');
    expect((await api.request(GetCustomerDocument, { id: ann.id })).getCustomer).toMatchObject({ name: 'Ann 2', version: 2 });

    const missing = await failure(api.request(UpdateCustomerDocument, { input: { id: 'no-such-customer', name: 'X' } }));
    expect(missing.errorType).toBe('NotFound');
  });

  it('lets exactly one of many concurrent updates from the same version win', async () => {
    const ann = await createCustomer(uniqueEmail('race'), 'Ann');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => api.request(UpdateCustomerDocument, { input: { id: ann.id, name: `Ann ${i}`, expectedVersion: 1 } })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const types = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as GraphQLResponseError).errorType] : []));
    expect(types.every((t) => t === 'ConcurrentModification' || t === 'TransactionConflict')).toBe(true);
    expect((await api.request(GetCustomerDocument, { id: ann.id })).getCustomer?.version).toBe(2);
  });

  it('releases the claim on delete, so the same email can be used again', async () => {
    const email = uniqueEmail('release');
    const first = await createCustomer(email);
    await api.request(DeleteCustomerDocument, { input: { id: first.id } });
    expect(await claimOf(email)).toBeUndefined();
    const second = await createCustomer(email);
    expect(second.id).not.toBe(first.id);
    expect(await claimOf(email)).toMatchObject({ ownerId: second.id });
  });

  it('never stores two customers with one email under 40 concurrent creates over 8 emails', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => uniqueEmail(`burst${i}`));
    // Five creates per email, in different cases, fired all at once.
    const variants = emails.flatMap((e) => [e, e.toUpperCase(), e, `${e[0]!.toUpperCase()}${e.slice(1)}`, e.toUpperCase()]);
    const results = await Promise.allSettled(variants.map((email, i) => createCustomer(email, `Racer ${i}`)));

    const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as GraphQLResponseError] : []));
    expect(refusals.every((e) => e instanceof GraphQLResponseError)).toBe(true);

    const customers = (await scanAll('Customers')).filter((c) => emails.includes(c.email as string));
    const claims = (await scanAll('Uniques')).filter((u) => emails.includes((u.key as string).slice('customer.email#'.length)));
    // Exactly one customer and one claim per email, the claim naming that customer.
    expect(customers.map((c) => c.email).sort()).toEqual([...emails].sort());
    expect(claims).toHaveLength(8);
    for (const claim of claims) {
      const owner = customers.find((c) => c.id === claim.ownerId);
      expect(owner?.email).toBe((claim.key as string).slice('customer.email#'.length));
    }
    // What the callers were told matches what was stored.
    expect(created.map((c) => c.id).sort()).toEqual(customers.map((c) => c.id).sort());
    expect(refusals).toHaveLength(32);
    const types = refusals.map((e) => e.errorType);
    // A create that lost while the winner's transaction was still in flight is told to retry;
    // one that lost after it committed is told the email is taken.
    expect(types.every((t) => t === 'DuplicateEmail' || t === 'TransactionConflict')).toBe(true);
  });

  it('pages through customers with limit and nextToken, each exactly once', async () => {
    const mine = new Set<string>();
    for (let i = 0; i < 7; i += 1) mine.add((await createCustomer(uniqueEmail('page'))).id);
    const seen: string[] = [];
    let nextToken: string | null | undefined = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextToken?: string | null } = (await api.request(ListCustomersDocument, { limit: 3, nextToken })).listCustomers;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c) => c.id));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 1000);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...mine].filter((id) => !seen.includes(id))).toEqual([]);
    expect(seen.length).toBe((await scanAll('Customers')).length);
  });
});

describe('projects over HTTP', () => {
  it('refuses a project for an unknown customer and writes nothing', async () => {
    const before = (await scanAll('Projects')).length;
    const error = await failure(api.request(CreateProjectDocument, { input: { customerId: 'no-such-customer', name: 'Ghost' } }));
    expect(error.errorType).toBe('CustomerNotFound');
    expect((await scanAll('Projects')).length).toBe(before);
  });

  it('creates, lists by customer oldest first with paging, updates with a version check, deletes', async () => {
    const customer = await createCustomer(uniqueEmail('owner'));
    const names = ['One', 'Two', 'Three'];
    const created = [];
    for (const name of names) {
      created.push((await api.request(CreateProjectDocument, { input: { customerId: customer.id, name, budget: 1000.5, startDate: '2026-01-01' } })).createProject);
    }
    expect(created[0]).toMatchObject({ customerId: customer.id, name: 'One', status: 'PLANNED', budget: 1000.5, version: 1 });

    const first = (await api.request(ListProjectsByCustomerDocument, { customerId: customer.id, limit: 2 })).listProjectsByCustomer;
    expect(first.items.map((p) => p.name)).toEqual(['One', 'Two']);
    expect(first.nextToken).toBeTruthy();
    const second = (await api.request(ListProjectsByCustomerDocument, { customerId: customer.id, limit: 2, nextToken: first.nextToken })).listProjectsByCustomer;
    expect(second.items.map((p) => p.name)).toEqual(['Three']);

    const all = (await api.request(ListProjectsDocument, { limit: 100 })).listProjects.items.map((p) => p.id);
    expect(all).toEqual(expect.arrayContaining(created.map((p) => p.id)));

    const project = created[0]!;
    const updated = (await api.request(UpdateProjectDocument, { input: { id: project.id, status: 'ACTIVE', expectedVersion: 1 } })).updateProject;
    expect(updated).toMatchObject({ id: project.id, status: 'ACTIVE', name: 'One', version: 2 });
    const stale = await failure(api.request(UpdateProjectDocument, { input: { id: project.id, status: 'ON_HOLD', expectedVersion: 1 } }));
    expect(stale.errorType).toBe('ConcurrentModification');
    const early = await failure(api.request(UpdateProjectDocument, { input: { id: project.id, dueDate: '2025-12-31' } }));
    expect(early.errorType).toBe('ValidationError');

    // A customer with projects cannot be deleted; without them it can.
    expect((await failure(api.request(DeleteCustomerDocument, { input: { id: customer.id } }))).errorType).toBe('CustomerHasProjects');
    for (const p of created) {
      expect((await api.request(DeleteProjectDocument, { input: { id: p.id } })).deleteProject?.id).toBe(p.id);
    }
    expect((await api.request(GetProjectDocument, { id: project.id })).getProject).toBeNull();
    expect((await api.request(DeleteCustomerDocument, { input: { id: customer.id } })).deleteCustomer?.id).toBe(customer.id);
  });
});
