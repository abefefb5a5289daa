import { describe, expect, it } from 'vitest';
import { fieldForHeader, mapColumns, modelByKey, normalizeHeader, scoreModels } from '../../../clients/ingest/models';

const customerModel = modelByKey('customer')!;
const projectModel = modelByKey('project')!;
const invoiceModel = modelByKey('invoice')!;

describe('normalizeHeader', () => {
  it('trims, lower-cases and folds spaces, underscores, dashes and punctuation', () => {
    expect(normalizeHeader('  E-Mail_Address ')).toBe('e mail address');
    expect(normalizeHeader('Signup   Date:')).toBe('signup date');
    expect(normalizeHeader('signupDate')).toBe('signup date');
  });
});

describe('fieldForHeader', () => {
  it('maps the field name and its aliases in any case and spacing', () => {
    for (const h of ['email', 'Email', 'EMAIL', 'E-mail', 'e_mail', 'Email Address', 'E-Mail Address', 'emailAddress', 'Work Email']) {
      expect(fieldForHeader(customerModel, h), h).toBe('email');
    }
    expect(fieldForHeader(customerModel, 'Full Name')).toBe('name');
    expect(fieldForHeader(customerModel, 'Sign-up date')).toBe('signupDate');
    expect(fieldForHeader(projectModel, 'Customer E-mail')).toBe('customerEmail');
  });

  it('never maps a header that merely contains an alias', () => {
    expect(fieldForHeader(customerModel, 'Email opt-in date')).toBeUndefined();
    expect(fieldForHeader(customerModel, 'Secondary email')).toBeUndefined();
    expect(fieldForHeader(customerModel, 'Phone type')).toBeUndefined();
  });
});

describe('mapColumns', () => {
  it('reports unmapped columns and missing required fields', () => {
    const m = mapColumns(customerModel, ['Customer Name', 'Email opt-in date', 'Phone']);
    expect(m.unmapped.map((c) => c.header)).toEqual(['Email opt-in date']);
    expect(m.missingRequired).toEqual(['email']);
    expect(m.fieldColumn.get('name')).toBe(0);
  });

  it('reports two columns that map to one field', () => {
    const m = mapColumns(customerModel, ['Email', 'Name', 'E-mail address']);
    expect(m.conflicts).toEqual([['email', ['Email', 'E-mail address']]]);
  });

  it('requires a project to have a customer email or customer id column', () => {
    expect(mapColumns(projectModel, ['Project name', 'Status']).missingRequired).toContain('customerEmail');
    expect(mapColumns(projectModel, ['Customer ID', 'Project name']).missingRequired).toEqual([]);
  });

  it('satisfies a required reference with any of its columns and reports the first one missing', () => {
    // Invoice's customer is a required @ref(by: ["email", "id"]): columns customerEmail, customerId.
    const base = ['Invoice number', 'Amount', 'Currency', 'Issue date', 'Due date'];
    expect(mapColumns(invoiceModel, base).missingRequired).toEqual(['customerEmail']);
    expect(mapColumns(invoiceModel, [...base, 'Customer id']).missingRequired).toEqual([]);
    expect(mapColumns(invoiceModel, [...base, 'Customer email']).missingRequired).toEqual([]);
    // The project reference is optional: no column for it is fine.
    expect(mapColumns(invoiceModel, [...base, 'Customer email']).fieldColumn.has('projectId')).toBe(false);
  });
});

describe('scoreModels', () => {
  it('detects customers and projects from their headers', () => {
    expect(scoreModels(['Email', 'Full Name', 'Phone', 'Company'])[0]!.model.key).toBe('customer');
    expect(scoreModels(['Customer Email', 'Project Name', 'Status', 'Budget'])[0]!.model.key).toBe('project');
  });

  it('detects invoices from their headers, every column mapped', () => {
    const headers = ['Invoice number', 'Customer email', 'Amount', 'Currency', 'Issue date', 'Due date'];
    const [best, ...rest] = scoreModels(headers);
    expect(best!.model.key).toBe('invoice');
    expect(best!.complete).toBe(true);
    expect(best!.mapped).toBe(6);
    expect([...best!.mapping.fieldColumn.entries()]).toEqual([
      ['invoiceNumber', 0],
      ['customerEmail', 1],
      ['amount', 2],
      ['currency', 3],
      ['issueDate', 4],
      ['dueDate', 5],
    ]);
    // Projects share some of these names (Customer email, Amount as budget, Due date) but miss the project name.
    expect(rest.find((s) => s.model.key === 'project')!.complete).toBe(false);
  });

  it('maps invoice headers by alias (Total, CCY, Invoice date, Payment due, Bill to email)', () => {
    const m = mapColumns(invoiceModel, ['Inv No', 'Bill to email', 'Total', 'CCY', 'Invoice date', 'Payment due']);
    expect(m.columns.map((c) => c.field)).toEqual(['invoiceNumber', 'customerEmail', 'amount', 'currency', 'issueDate', 'dueDate']);
    expect(m.missingRequired).toEqual([]);
  });

  it('scores zero mapped columns for an unrelated file', () => {
    expect(scoreModels(['sku', 'warehouse', 'quantity']).every((s) => s.mapped === 0)).toBe(true);
  });
});
