/**
 * Unit tests of the customer and project handlers, run in the local APPSYNC_JS runtime with the
 * test playing DynamoDB (no data source). What DynamoDB answers is written the way AppSync
 * documents it: a cancelled TransactWriteItems sets `ctx.error` and
 * `ctx.result = { keys: null, cancellationReasons: [...] }` in request order, with the stored item
 * that failed its condition
 * (https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html).
 */
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../schema/generated/models';
import { runHandler, valueOf } from './harness';

type Obj = Record<string, unknown>;
interface TransactRequest {
  operation: string;
  transactItems: { table: string; operation: string; key: Obj; condition?: { expression: string; expressionNames?: Record<string, string> } }[];
}

const cancelled = { message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]', type: 'DynamoDB:TransactionCanceledException' };
const none = { type: 'None', message: 'None' };
const failed = (item?: Obj) => ({ type: 'ConditionCheckFailed', message: 'The condition check failed.', ...(item ? { item } : {}) });

const stored = { id: 'c-1', email: 'ann@example.com', name: 'Ann', version: 3, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

function errorOf(outcome: Awaited<ReturnType<typeof runHandler>>) {
  if (outcome.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

describe('createCustomer', () => {
  it('stores the email trimmed and lower-cased, at version 1, created and updated at the same instant', async () => {
    const stash: Obj = {};
    await runHandler('resolvers/Mutation.createCustomer.ts', 'request', { args: { input: { email: '  Ann@Example.COM ', name: 'Ann', phone: null } }, stash });
    const customer = stash.newCustomer as Obj;
    expect(customer).toMatchObject({ email: 'ann@example.com', name: 'Ann', version: 1 });
    expect(customer.createdAt).toBe(customer.updatedAt);
    expect(customer.id).toMatch(/^[0-9a-f-]{36}$/);
    // An absent optional field is not stored as NULL.
    expect(customer).not.toHaveProperty('phone');
  });

  it('refuses a blank name and a malformed email with ValidationError naming both fields', async () => {
    const error = errorOf(await runHandler('resolvers/Mutation.createCustomer.ts', 'request', { args: { input: { email: 'not-an-email', name: '   ' } } }));
    expect(error.errorType).toBe('ValidationError');
    expect((error.errorInfo as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['email', 'name']);
  });

  it('writes the customer and its email claim in one transaction, each only if its key is free', async () => {
    const stash = { newCustomer: { ...stored, version: 1 } };
    const request = valueOf(await runHandler('resolvers/functions/putCustomerWithEmailClaim.ts', 'request', { stash })) as TransactRequest;
    expect(request.operation).toBe('TransactWriteItems');
    const [customer, claim] = request.transactItems;
    expect(customer).toMatchObject({ table: 'foreman-customers', operation: 'PutItem', key: { id: { S: 'c-1' } } });
    expect(customer!.condition!.expression).toContain('attribute_not_exists');
    expect(claim).toMatchObject({ table: 'foreman-uniques', operation: 'PutItem', key: { key: { S: 'customer.email#ann@example.com' } } });
    expect(claim!.condition!.expression).toMatch(/attribute_not_exists\((#\w+)\)/);
    const placeholder = /attribute_not_exists\((#\w+)\)/.exec(claim!.condition!.expression)![1]!;
    expect(claim!.condition!.expressionNames![placeholder]).toBe('key');
    // The claim item: which record of which model owns which field's value.
    expect((claim as unknown as { attributeValues: Obj }).attributeValues).toEqual({ kind: { S: 'UNIQUE' }, model: { S: 'Customer' }, field: { S: 'email' }, ownerId: { S: 'c-1' } });
  });

  it('claims the email under the Customer model declared claim prefix and normalisation', () => {
    const customer = MODELS.find((m) => m.name === 'Customer')!;
    // resolvers/lib/keys.ts CUSTOMER_EMAIL mirrors it for the Customer resolvers' bundles.
    expect(customer.uniques).toEqual([{ field: 'email', with: [], normalize: 'EMAIL', claim: 'customer.email', code: 'DUPLICATE_EMAIL' }]);
  });

  it('stores an email typed in NFD as its NFC form, so both forms claim one key', async () => {
    const stash: Obj = {};
    await runHandler('resolvers/Mutation.createCustomer.ts', 'request', { args: { input: { email: 'Cafe\u0301@Example.com', name: 'Ann' } }, stash });
    expect((stash.newCustomer as Obj).email).toBe('caf\u00e9@example.com');
  });

  it('answers DuplicateEmail naming the owner when the claim condition failed', async () => {
    const stash = { newCustomer: { ...stored, id: 'c-2', version: 1 } };
    const error = errorOf(
      await runHandler('resolvers/functions/putCustomerWithEmailClaim.ts', 'response', {
        stash,
        error: cancelled,
        result: { keys: null, cancellationReasons: [none, failed({ key: 'customer.email#ann@example.com', kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'c-1' })] },
      }),
    );
    expect(error.errorType).toBe('DuplicateEmail');
    expect(error.message).toContain('ann@example.com');
    expect(error.errorInfo).toEqual({ email: 'ann@example.com', existingCustomerId: 'c-1' });
  });

  it('returns the written customer when the transaction succeeded', async () => {
    const stash = { newCustomer: { ...stored, version: 1 } };
    const value = valueOf(
      await runHandler('resolvers/functions/putCustomerWithEmailClaim.ts', 'response', { stash, result: { keys: [{ id: 'c-1' }, { key: 'customer.email#ann@example.com' }], cancellationReasons: null } }),
    );
    expect(value).toEqual(stash.newCustomer);
  });
  it('leaves a transaction conflict to one retry, which answers DuplicateEmail once the winner committed', async () => {
    const stash: Obj = { newCustomer: { ...stored, id: 'c-2', version: 1 } };
    const conflict = { keys: null, cancellationReasons: [none, { type: 'TransactionConflict', message: 'Transaction is ongoing for the item' }] };
    // First attempt: no error yet, the retry is asked for.
    expect(valueOf(await runHandler('resolvers/functions/putCustomerWithEmailClaim.ts', 'response', { stash, error: cancelled, result: conflict }))).toBeNull();
    expect(stash.retryCreate).toBe(true);
    const retry = valueOf(await runHandler('resolvers/functions/putCustomerWithEmailClaimRetry.ts', 'request', { stash })) as TransactRequest;
    expect(retry.transactItems.map((i) => i.table)).toEqual(['foreman-customers', 'foreman-uniques']);
    const duplicate = errorOf(
      await runHandler('resolvers/functions/putCustomerWithEmailClaimRetry.ts', 'response', {
        stash,
        error: cancelled,
        result: { keys: null, cancellationReasons: [none, failed({ key: 'customer.email#ann@example.com', kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'c-1' })] },
      }),
    );
    expect(duplicate.errorType).toBe('DuplicateEmail');
    // A second conflict is reported as such: nothing was written, the caller may try again.
    const again = errorOf(await runHandler('resolvers/functions/putCustomerWithEmailClaimRetry.ts', 'response', { stash, error: cancelled, result: conflict }));
    expect(again.errorType).toBe('TransactionConflict');
  });

  it('skips the retry and passes the customer on when the first attempt settled it', async () => {
    const customer = { ...stored, version: 1 };
    const outcome = await runHandler('resolvers/functions/putCustomerWithEmailClaimRetry.ts', 'request', { stash: { newCustomer: customer, retryCreate: false }, prevResult: customer });
    expect(outcome).toMatchObject({ kind: 'earlyReturn', value: customer });
  });
});

describe('updateCustomer', () => {
  async function prepare(input: Obj): Promise<Obj> {
    const stash: Obj = {};
    valueOf(await runHandler('resolvers/Mutation.updateCustomer.ts', 'request', { args: { input: { id: 'c-1', ...input } }, stash }));
    stash.customer = stored;
    return stash;
  }

  it('moves the claim with the update: old claim deleted if still ours, new claim put if free, version checked', async () => {
    const stash = await prepare({ email: ' Bea@Example.com' });
    const request = valueOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'request', { stash })) as TransactRequest;
    expect(request.transactItems.map((i) => `${i.operation} ${i.table}`)).toEqual(['UpdateItem foreman-customers', 'DeleteItem foreman-uniques', 'PutItem foreman-uniques']);
    expect(request.transactItems[0]!.condition!.expression).toContain('version');
    expect(request.transactItems[1]!.key).toEqual({ key: { S: 'customer.email#ann@example.com' } });
    expect(request.transactItems[1]!.condition!.expressionNames).toMatchObject({ '#ownerId': 'ownerId' });
    expect(request.transactItems[2]!.key).toEqual({ key: { S: 'customer.email#bea@example.com' } });
    expect(request.transactItems[2]!.condition!.expression).toContain('attribute_not_exists');
    expect(stash.updated).toMatchObject({ id: 'c-1', email: 'bea@example.com', version: 4 });
  });

  it('leaves the claim alone when the new email differs only in case and spaces', async () => {
    const stash = await prepare({ email: '  ANN@example.com ', name: 'Ann B' });
    const request = valueOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'request', { stash })) as TransactRequest;
    expect(request.transactItems.map((i) => i.operation)).toEqual(['UpdateItem']);
  });

  it('refuses a stale expectedVersion before writing anything', async () => {
    const stash = await prepare({ expectedVersion: 2, name: 'X' });
    const error = errorOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'request', { stash }));
    expect(error.errorType).toBe('ConcurrentModification');
    expect(error.errorInfo).toMatchObject({ expectedVersion: 2, actualVersion: 3 });
  });

  it('answers NotFound when there is no such customer', async () => {
    const stash = await prepare({ name: 'X' });
    stash.customer = null;
    expect(errorOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'request', { stash })).errorType).toBe('NotFound');
  });

  it('tells from the cancellation reasons which condition failed', async () => {
    const stash = await prepare({ email: 'bea@example.com' });
    valueOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'request', { stash }));
    const respond = async (reasons: Obj[]) => errorOf(await runHandler('resolvers/functions/updateCustomerWithEmailClaim.ts', 'response', { stash, error: cancelled, result: { keys: null, cancellationReasons: reasons } }));
    expect((await respond([failed({ ...stored, version: 4 }), none, none])).errorType).toBe('ConcurrentModification');
    expect((await respond([failed(), none, none])).errorType).toBe('NotFound');
    const duplicate = await respond([none, none, failed({ key: 'customer.email#bea@example.com', kind: 'UNIQUE', model: 'Customer', field: 'email', ownerId: 'c-9' })]);
    expect(duplicate.errorType).toBe('DuplicateEmail');
    expect(duplicate.errorInfo).toEqual({ email: 'bea@example.com', existingCustomerId: 'c-9' });
  });

  it('takes the fields to change from the Customer model: a given value is set, an optional null removed, an absent one left', async () => {
    const stash = await prepare({ name: 'Ann B', company: 'Acme', notes: null });
    expect(stash.changes).toEqual({ id: 'c-1', set: { name: 'Ann B', company: 'Acme' }, remove: ['notes'] });
  });

  it('refuses to remove the name (null) but removes an optional field given as null', async () => {
    const error = errorOf(await runHandler('resolvers/Mutation.updateCustomer.ts', 'request', { args: { input: { id: 'c-1', name: null } } }));
    expect(error.errorType).toBe('ValidationError');
    const stash = await prepare({ phone: null });
    expect(stash.changes).toMatchObject({ set: {}, remove: ['phone'] });
  });
});

describe('deleteCustomer', () => {
  it('refuses a customer that a findReferrers step found still named, before any write', async () => {
    const projects = { fn: 'findProjectsByCustomer', table: 'Projects', plural: 'Projects', index: 'byCustomer', field: 'customerId' };
    const error = errorOf(
      await runHandler('resolvers/functions/deleteCustomerWithEmailClaim.ts', 'request', {
        stash: { customer: stored, referencedBy: projects },
      }),
    );
    expect(error.errorType).toBe('CustomerHasProjects');
    expect(error.message).toBe('Customer c-1 still has projects; delete them first');
  });

  it('asks each referring model in turn and stops asking once one names the customer', async () => {
    const referrers = [
      { fn: 'findProjectsByCustomer', table: 'Projects', plural: 'Projects', index: 'byCustomer', field: 'customerId' },
      { fn: 'findInvoicesByCustomer', table: 'Invoices', plural: 'Invoices', index: 'byCustomer', field: 'customerId' },
    ];
    const stash: Obj = { targetId: 'c-1', referrers, referrerAt: 0, referencedBy: null };
    const query = valueOf(await runHandler('resolvers/functions/findReferrers.ts', 'request', { stash })) as Obj;
    expect(query).toMatchObject({ operation: 'Query', index: 'byCustomer', limit: 1 });
    expect(JSON.stringify(query.query)).toContain('"S":"c-1"');
    await runHandler('resolvers/functions/findReferrers.ts', 'response', { stash, result: { items: [{ id: 'p-9' }], nextToken: null } });
    expect(stash.referencedBy).toEqual(referrers[0]);
    expect(stash.referrerAt).toBe(1);
    // the invoices are not asked about any more
    expect(await runHandler('resolvers/functions/findReferrers.ts', 'request', { stash })).toMatchObject({ kind: 'earlyReturn', value: null });
    expect(stash.referrerAt).toBe(2);
  });

  it('deletes the customer as read and releases the claim of its stored email in one transaction', async () => {
    const request = valueOf(
      await runHandler('resolvers/functions/deleteCustomerWithEmailClaim.ts', 'request', { stash: { customer: stored, referencedBy: null } }),
    ) as TransactRequest;
    expect(request.transactItems.map((i) => `${i.operation} ${i.table} ${JSON.stringify(i.key)}`)).toEqual([
      'DeleteItem foreman-customers {"id":{"S":"c-1"}}',
      'DeleteItem foreman-uniques {"key":{"S":"customer.email#ann@example.com"}}',
    ]);
  });

  it('returns null without writing when there is no such customer', async () => {
    const outcome = await runHandler('resolvers/functions/deleteCustomerWithEmailClaim.ts', 'request', { stash: { customer: null } });
    expect(outcome).toMatchObject({ kind: 'earlyReturn', value: null });
  });
});

describe('reads', () => {
  it('skips DynamoDB and answers null when customerByEmail found no claim', async () => {
    expect(await runHandler('resolvers/functions/getCustomerById.ts', 'request', { stash: { customerId: null } })).toMatchObject({ kind: 'earlyReturn', value: null });
  });

  it('looks the claim up by the normalised email', async () => {
    const stash: Obj = {};
    await runHandler('resolvers/Query.customerByEmail.ts', 'request', { args: { email: ' ANN@example.com' }, stash });
    const request = valueOf(await runHandler('resolvers/functions/getEmailClaim.ts', 'request', { stash })) as Obj;
    expect(request).toMatchObject({ operation: 'GetItem', key: { key: { S: 'customer.email#ann@example.com' } } });
  });

  it('pages 20 items by default, never more than 100 nor fewer than 1', async () => {
    const pageFor = async (args: Obj) => {
      const stash: Obj = {};
      await runHandler('resolvers/Query.listCustomers.ts', 'request', { args, stash });
      return (valueOf(await runHandler('resolvers/functions/scanCustomers.ts', 'request', { stash })) as Obj).limit;
    };
    expect(await pageFor({})).toBe(20);
    expect(await pageFor({ limit: 1000 })).toBe(100);
    expect(await pageFor({ limit: 0 })).toBe(1);
  });

  it('queries the byCustomer index for a customer projects', async () => {
    const stash: Obj = {};
    await runHandler('resolvers/Query.listProjectsByCustomer.ts', 'request', { args: { customerId: 'c-1', limit: 5, nextToken: 'tok' }, stash });
    const request = valueOf(await runHandler('resolvers/functions/queryProjectsByCustomer.ts', 'request', { stash })) as Obj;
    expect(request).toMatchObject({ operation: 'Query', index: 'byCustomer', limit: 5, nextToken: 'tok' });
    expect(JSON.stringify(request.query)).toContain('"c-1"');
  });
});

describe('projects', () => {
  it('creates a project PLANNED unless told otherwise, and refuses a due date before its start', async () => {
    const stash: Obj = {};
    await runHandler('resolvers/Mutation.createProject.ts', 'request', { args: { input: { customerId: 'c-1', name: 'Roof', budget: 0 } }, stash });
    expect(stash.newProject).toMatchObject({ customerId: 'c-1', name: 'Roof', status: 'PLANNED', budget: 0, version: 1 });
    const error = errorOf(
      await runHandler('resolvers/Mutation.createProject.ts', 'request', { args: { input: { customerId: 'c-1', name: 'Roof', startDate: '2026-05-02', dueDate: '2026-05-01' } } }),
    );
    expect(error.errorType).toBe('ValidationError');
  });

  it('refuses to remove a project name or its status (it has a default), and a negative budget', async () => {
    const update = async (input: Obj) => errorOf(await runHandler('resolvers/Mutation.updateProject.ts', 'request', { args: { input: { id: 'p-1', ...input } } }));
    expect((await update({ name: null })).errorInfo).toEqual({ errors: [{ field: 'name', code: 'REQUIRED', message: 'Project name is required' }] });
    expect((await update({ status: null })).errorInfo).toEqual({ errors: [{ field: 'status', code: 'REQUIRED', message: 'Status cannot be removed' }] });
    expect((await update({ budget: -1 })).errorInfo).toEqual({ errors: [{ field: 'budget', code: 'RANGE', message: 'Budget must be at least 0' }] });
    const stash: Obj = {};
    await runHandler('resolvers/Mutation.updateProject.ts', 'request', { args: { input: { id: 'p-1', status: 'ACTIVE', description: null } }, stash });
    expect(stash.changes).toEqual({ id: 'p-1', set: { status: 'ACTIVE' }, remove: ['description'] });
  });

  it('checks the dates of an update against the stored ones', async () => {
    const project = { id: 'p-1', customerId: 'c-1', name: 'Roof', status: 'PLANNED', startDate: '2026-05-02', version: 1 };
    const error = errorOf(
      await runHandler('resolvers/functions/updateProjectById.ts', 'request', { stash: { project, changes: { id: 'p-1', set: { dueDate: '2026-05-01' }, remove: [] } } }),
    );
    expect(error.errorInfo).toEqual({ errors: [{ field: 'dueDate', code: 'RANGE', message: 'Due date 2026-05-01 is before start date 2026-05-02' }] });
  });

  it('answers CustomerNotFound when the customer condition check failed', async () => {
    const stash = { newProject: { id: 'p-1', customerId: 'c-404', name: 'Roof', status: 'PLANNED', version: 1 } };
    const error = errorOf(
      await runHandler('resolvers/functions/putProjectForCustomer.ts', 'response', { stash, error: cancelled, result: { keys: null, cancellationReasons: [failed(), none] } }),
    );
    expect(error.errorType).toBe('CustomerNotFound');
    expect(error.errorInfo).toEqual({ customerId: 'c-404' });
  });

  it('turns a failed version condition on update into ConcurrentModification', async () => {
    const error = errorOf(
      await runHandler('resolvers/functions/updateProjectById.ts', 'response', {
        stash: { changes: { id: 'p-1', set: {}, remove: [] } },
        error: { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' },
      }),
    );
    expect(error.errorType).toBe('ConcurrentModification');
  });
});

describe('generated get and list queries (getInvoice, listInvoices, …)', () => {
  it('gets a record by id from the function data source table, consistently, and skips DynamoDB without an id', async () => {
    const stash: Obj = {};
    valueOf(await runHandler('resolvers/Query.getModel.ts', 'request', { args: { id: 'inv-1' }, stash, fieldName: 'getInvoice', parentTypeName: 'Query' }));
    expect(valueOf(await runHandler('resolvers/functions/getModelItem.ts', 'request', { stash }))).toEqual({ operation: 'GetItem', key: { id: { S: 'inv-1' } }, consistentRead: true });
    const item = { id: 'inv-1', invoiceNumber: 'INV-1' };
    expect(valueOf(await runHandler('resolvers/functions/getModelItem.ts', 'response', { stash, result: item }))).toEqual(item);
    expect(valueOf(await runHandler('resolvers/functions/getModelItem.ts', 'response', { stash, result: null }))).toBeNull();
    expect(await runHandler('resolvers/functions/getModelItem.ts', 'request', { stash: {} })).toMatchObject({ kind: 'earlyReturn', value: null });
    expect(valueOf(await runHandler('resolvers/Query.getModel.ts', 'response', { stash, prevResult: item }))).toEqual(item);
  });

  it('lists a page of 20 by default, never more than 100 nor fewer than 1, passing nextToken on', async () => {
    const pageFor = async (args: Obj) => {
      const stash: Obj = {};
      await runHandler('resolvers/Query.listModels.ts', 'request', { args, stash, fieldName: 'listInvoices', parentTypeName: 'Query' });
      return valueOf(await runHandler('resolvers/functions/scanModel.ts', 'request', { stash })) as Obj;
    };
    expect(await pageFor({})).toMatchObject({ operation: 'Scan', limit: 20 });
    expect(await pageFor({ limit: 1000, nextToken: 'tok' })).toMatchObject({ limit: 100, nextToken: 'tok' });
    expect((await pageFor({ limit: 0 })).limit).toBe(1);
    const page = valueOf(await runHandler('resolvers/functions/scanModel.ts', 'response', { stash: {}, result: { items: [{ id: 'a' }], nextToken: 'next', scannedCount: 1 } }));
    expect(page).toEqual({ items: [{ id: 'a' }], nextToken: 'next' });
  });
});
