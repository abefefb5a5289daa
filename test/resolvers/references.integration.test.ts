/**
 * A record another record still names is not deleted (resolvers/lib/referrers.ts): every model's
 * @ref is checked, not just the hand-written customer → projects one. Through the local stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { GraphQLClient } from '../../clients/api/client';
import {
  CreateCustomerDocument,
  CreateProjectDocument,
  DeleteCustomerDocument,
  DeleteProjectDocument,
  GetCustomerDocument,
  ImportInvoicesDocument,
  StartIngestionDocument,
} from '../../clients/api/generated';
import { failure } from '../helpers/graphql';
import { startTestStack, stackClients, type TestStack } from '../helpers/localStack';

let stack: TestStack;
let api: GraphQLClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = stackClients(stack).api;
}, 180_000);

afterAll(() => stack?.stop());

/** Imports one invoice naming the customer (by email) and, when given, the project (by id); returns its id. */
async function invoiceFor(email: string, projectId: string | null): Promise<string> {
  const { startIngestion } = await api.request(StartIngestionDocument, {
    input: { fileName: 'invoices.csv', sha256: randomBytes(32).toString('hex'), model: 'INVOICE', source: 'API' },
  });
  const ingestionId = startIngestion.ingestion!.id;
  const row = { rowNumber: 2, invoiceNumber: `REF-${randomBytes(4).toString('hex')}`, customerEmail: email, projectId, amount: '10', currency: 'EUR', issueDate: '2024-01-01', dueDate: '2024-01-31' };
  const { importInvoices } = await api.request(ImportInvoicesDocument, { input: { ingestionId, batchNumber: 1, rows: [row] } });
  expect(importInvoices.outcomes![0]!.status).toBe('CREATED');
  return importInvoices.outcomes![0]!.id!;
}

describe('deleting a record that others name', () => {
  it('refuses a customer an invoice names (CustomerHasInvoices), and deletes it once the invoice is gone', async () => {
    const email = `billed.${randomBytes(3).toString('hex')}@example.com`;
    const customer = (await api.request(CreateCustomerDocument, { input: { email, name: 'Billed' } })).createCustomer;
    const invoiceId = await invoiceFor(email, null);
    const refused = await failure(api.request(DeleteCustomerDocument, { input: { id: customer.id } }));
    expect(refused.errorType).toBe('CustomerHasInvoices');
    expect(refused.errors[0]!.message).toBe(`Customer ${customer.id} still has invoices; delete them first`);
    expect((await api.request(GetCustomerDocument, { id: customer.id })).getCustomer?.id).toBe(customer.id);
    // Invoices have no delete mutation; remove it underneath, as an operator would.
    await stack.ddb.send(new DeleteCommand({ TableName: stack.tableNames.Invoices, Key: { id: invoiceId } }));
    expect((await api.request(DeleteCustomerDocument, { input: { id: customer.id } })).deleteCustomer?.id).toBe(customer.id);
  });

  it('names projects first when both projects and invoices name the customer (the schema order of the models)', async () => {
    const email = `both.${randomBytes(3).toString('hex')}@example.com`;
    const customer = (await api.request(CreateCustomerDocument, { input: { email, name: 'Both' } })).createCustomer;
    await api.request(CreateProjectDocument, { input: { customerId: customer.id, name: 'P' } });
    await invoiceFor(email, null);
    expect((await failure(api.request(DeleteCustomerDocument, { input: { id: customer.id } }))).errorType).toBe('CustomerHasProjects');
  });

  it('refuses a project an invoice names (ProjectHasInvoices); an unnamed project is deleted', async () => {
    const email = `proj.${randomBytes(3).toString('hex')}@example.com`;
    const customer = (await api.request(CreateCustomerDocument, { input: { email, name: 'Owner' } })).createCustomer;
    const billed = (await api.request(CreateProjectDocument, { input: { customerId: customer.id, name: 'Billed' } })).createProject;
    const free = (await api.request(CreateProjectDocument, { input: { customerId: customer.id, name: 'Free' } })).createProject;
    await invoiceFor(email, billed.id);
    const refused = await failure(api.request(DeleteProjectDocument, { input: { id: billed.id } }));
    expect(refused.errorType).toBe('ProjectHasInvoices');
    expect(refused.errors[0]!.message).toBe(`Project ${billed.id} still has invoices; delete them first`);
    expect((await api.request(DeleteProjectDocument, { input: { id: free.id } })).deleteProject?.id).toBe(free.id);
  });
});
