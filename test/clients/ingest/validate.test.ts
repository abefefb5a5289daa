import { describe, expect, it } from 'vitest';
import { modelByKey } from '../../../clients/ingest/models';
import { characterCount, checkRow, isCalendarDate, isUrl, validateRow } from '../../../clients/ingest/validate';
import type { FieldRule, ModelMeta } from '../../../schema/models';

const customerModel = modelByKey('customer')!;
const projectModel = modelByKey('project')!;
const invoiceModel = modelByKey('invoice')!;

const codes = (errors: { field: string; code: string }[]) => errors.map((e) => `${e.field}:${e.code}`);

describe('validateRow', () => {
  it('accepts a complete customer row', () => {
    expect(validateRow(customerModel, { rowNumber: 2, email: 'ann@x.example', name: 'Ann', phone: '+1 555 010 2000', signupDate: '2024-02-29' })).toEqual([]);
  });

  it('uses the shared codes, with messages that quote the cell and say what is accepted: REQUIRED, FORMAT, TOO_LONG', () => {
    expect(validateRow(customerModel, { rowNumber: 2, email: 'not-an-email' })).toEqual([
      { field: 'email', code: 'FORMAT', message: 'Email "not-an-email" is not an email address like name@example.com.' },
      { field: 'name', code: 'REQUIRED', message: 'Name is required.' },
    ]);
    expect(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'x'.repeat(201) })).toEqual([{ field: 'name', code: 'TOO_LONG', message: 'Name is 201 characters long; at most 200 are allowed.' }]);
    // a long cell is quoted to its first 59 characters
    expect(validateRow(customerModel, { rowNumber: 2, email: 'x'.repeat(80), name: 'A' })).toEqual([
      { field: 'email', code: 'FORMAT', message: `Email "${'x'.repeat(59)}…" is not an email address like name@example.com.` },
    ]);
    expect(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'A', phone: 'call me' })).toEqual([{ field: 'phone', code: 'FORMAT', message: 'Phone "call me" is not a phone number (digits, spaces, dashes, brackets, an optional leading +).' }]);
  });

  it('refuses dates that match the pattern but name no calendar day, as the server does', () => {
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'A', signupDate: '2023-02-31' })).toEqual([
      { field: 'signupDate', code: 'FORMAT', message: 'Signup date "2023-02-31" is not a date as YYYY-MM-DD.' },
    ]);
  });

  it('checks project enums, ranges, the required reference and the cross-field rule', () => {
    expect(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', status: 'on hold', budget: '10.5' })).toEqual([]);
    expect(codes(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', status: 'Done' }))).toEqual(['status:ENUM']);
    expect(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', budget: '-1' })).toEqual([{ field: 'budget', code: 'RANGE', message: 'Budget must be at least 0 (it is -1).' }]);
    expect(validateRow(projectModel, { rowNumber: 2, name: 'P' })).toEqual([{ field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' }]);
    expect(validateRow(projectModel, { rowNumber: 2, customerId: 'c1', name: 'P', startDate: '2024-06-01', dueDate: '2024-01-01' })).toEqual([
      { field: 'dueDate', code: 'RANGE', message: 'Due date 2024-01-01 is before start date 2024-06-01.' },
    ]);
  });

  it('fills an empty cell with its default and normalises enums in the values it returns', () => {
    // Project status: @field default PLANNED.
    expect(checkRow(projectModel, { rowNumber: 2, customerId: 'c1', name: 'P' }).values.status).toBe('PLANNED');
    expect(checkRow(projectModel, { rowNumber: 2, customerId: 'c1', name: 'P', status: 'on-hold' }).values.status).toBe('ON_HOLD');
  });
});

describe('invoices (a model declared only in the schema)', () => {
  const invoice = { rowNumber: 2, invoiceNumber: 'INV-1', customerEmail: 'ada@x.example', amount: '120.50', currency: 'EUR', issueDate: '2024-02-01', dueDate: '2024-03-01' };

  it('accepts a complete invoice', () => {
    expect(validateRow(invoiceModel, invoice)).toEqual([]);
    expect(validateRow(invoiceModel, { ...invoice, customerEmail: undefined, customerId: 'cust-1', projectId: 'proj-1', description: 'Work' })).toEqual([]);
  });

  it('refuses a due date before the issue date (RANGE on dueDate)', () => {
    expect(validateRow(invoiceModel, { ...invoice, issueDate: '2024-02-01', dueDate: '2024-01-01' })).toEqual([
      { field: 'dueDate', code: 'RANGE', message: 'Due date 2024-01-01 is before issue date 2024-02-01.' },
    ]);
    // the same day is not before
    expect(validateRow(invoiceModel, { ...invoice, issueDate: '2024-02-01', dueDate: '2024-02-01' })).toEqual([]);
  });

  it('normalises a currency in any case and refuses one that is no ISO 4217 code', () => {
    const checked = checkRow(invoiceModel, { ...invoice, currency: 'eur' });
    expect(checked.errors).toEqual([]);
    expect(checked.values.currency).toBe('EUR');
    const [error, ...more] = validateRow(invoiceModel, { ...invoice, currency: 'XYZ' });
    expect(more).toEqual([]);
    expect(error).toMatchObject({ field: 'currency', code: 'ENUM' });
    expect(error!.message).toBe('Currency "XYZ" is not one of AED, AFN, ALL, AMD, ANG, AOA, ARS, AUD, … (162 values; foreman models lists them).');
  });

  it('refuses a negative amount (RANGE) and one that is no number (FORMAT)', () => {
    expect(validateRow(invoiceModel, { ...invoice, amount: '-1' })).toEqual([{ field: 'amount', code: 'RANGE', message: 'Amount must be at least 0 (it is -1).' }]);
    expect(validateRow(invoiceModel, { ...invoice, amount: '12,50' })).toEqual([{ field: 'amount', code: 'FORMAT', message: 'Amount "12,50" is not a number like 1234.56 (a dot for decimals, no thousands separators).' }]);
    expect(validateRow(invoiceModel, { ...invoice, amount: '0' })).toEqual([]);
  });

  it('requires the customer by email or id, reported on customerEmail', () => {
    expect(validateRow(invoiceModel, { ...invoice, customerEmail: '  ' })).toEqual([{ field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' }]);
    // a malformed email has its own error and is not "missing"
    expect(validateRow(invoiceModel, { ...invoice, customerEmail: 'nobody' })).toEqual([{ field: 'customerEmail', code: 'FORMAT', message: 'Customer email "nobody" is not an email address like name@example.com.' }]);
  });

  it('refuses zero-width, RTL-override and control characters in the invoice number (an identifier)', () => {
    const message = 'Invoice number contains a control, invisible or text-direction character.';
    for (const bad of ['INV\u200b1', 'INV-\u202e1', '\u2066INV-1\u2069', 'INV\u00071', 'INV\ufeff1']) {
      expect(validateRow(invoiceModel, { ...invoice, invoiceNumber: bad }), JSON.stringify(bad)).toEqual([{ field: 'invoiceNumber', code: 'FORMAT', message }]);
    }
    // and in reference columns
    expect(codes(validateRow(invoiceModel, { ...invoice, customerEmail: undefined, customerId: 'cust\u200d1' }))).toEqual(['customerId:FORMAT']);
    // a description is no identifier: the same characters are text there
    expect(validateRow(invoiceModel, { ...invoice, description: 'a\u200bb' })).toEqual([]);
  });

  it('reports every missing required column of an empty row, then the reference', () => {
    expect(codes(validateRow(invoiceModel, { rowNumber: 2 }))).toEqual([
      'invoiceNumber:REQUIRED',
      'amount:REQUIRED',
      'currency:REQUIRED',
      'issueDate:REQUIRED',
      'dueDate:REQUIRED',
      'customerEmail:REQUIRED',
    ]);
  });
});

describe('formats and bounds any model may declare', () => {
  const rule = (r: Partial<FieldRule>): FieldRule => ({ label: 'Value', required: false, format: 'text', maxLength: 100, ...r });
  const model = (columns: Record<string, FieldRule>): ModelMeta => ({ ...invoiceModel, columns, uniques: [], refs: [], rules: [] });

  it('integers, with min and max, and at most a GraphQL Int', () => {
    const m = model({ n: rule({ label: 'Seats', format: 'integer', min: 1, max: 500 }), big: rule({ label: 'Big', format: 'integer' }) });
    expect(validateRow(m, { n: '12' })).toEqual([]);
    expect(validateRow(m, { n: '1.5' })).toEqual([{ field: 'n', code: 'FORMAT', message: 'Seats "1.5" is not a whole number.' }]);
    expect(validateRow(m, { n: '0' })).toEqual([{ field: 'n', code: 'RANGE', message: 'Seats must be at least 1 (it is 0).' }]);
    expect(validateRow(m, { n: '501' })).toEqual([{ field: 'n', code: 'RANGE', message: 'Seats must be at most 500 (it is 501).' }]);
    expect(validateRow(m, { big: '2147483648' })).toEqual([{ field: 'big', code: 'RANGE', message: 'Big must be at most 2147483647 (it is 2147483648).' }]);
  });

  it('URLs: a scheme is required and the path holds no double slash', () => {
    expect(isUrl('https://example.com/a/b?x=1')).toBe(true);
    expect(isUrl('mailto:someone@example.com')).toBe(true);
    expect(isUrl('example.com/a')).toBe(false);
    expect(isUrl('https://example.com//a')).toBe(false);
    expect(validateRow(model({ site: rule({ label: 'Website', format: 'url' }) }), { site: 'www.example.com' })).toEqual([{ field: 'site', code: 'FORMAT', message: 'Website "www.example.com" is not a URL like https://example.com.' }]);
  });

  it('a declared pattern, with or without a hint', () => {
    const m = model({ a: rule({ label: 'Code', pattern: '^[A-Z]{3}-[0-9]+$', hint: 'like ABC-123' }), b: rule({ label: 'Ref', pattern: '^R[0-9]+$' }) });
    expect(validateRow(m, { a: 'ABC-1', b: 'R7' })).toEqual([]);
    expect(validateRow(m, { a: 'abc-1', b: 'X' })).toEqual([
      { field: 'a', code: 'FORMAT', message: 'Code "abc-1" must be like ABC-123.' },
      { field: 'b', code: 'FORMAT', message: 'Ref "X" is not in the expected form.' },
    ]);
  });
});

describe('values the schema will accept', () => {
  it('refuses address literals, RFC 822 specials and invisible or bidi characters in emails', () => {
    const emailCodes = (email: string) => validateRow(customerModel, { rowNumber: 2, email, name: 'N' }).map((e) => e.code);
    for (const bad of ['poison@[10.0.0.1]', 'a:b@x.example', 'a"b@x.example', 'a\u200b@x.example', 'a\u202eb@x.example', 'a\u0007@x.example']) expect(emailCodes(bad), bad).toEqual(['FORMAT']);
    for (const good of ['café@x.example', 'cafe\u0301@x.example', "o'brien+tag@x.example"]) expect(emailCodes(good), good).toEqual([]);
  });

  it('counts lengths in characters, not UTF-16 units: 150 emoji fit a 200-character name, 201 do not', () => {
    expect(characterCount('😀'.repeat(150))).toBe(150);
    expect(validateRow(customerModel, { rowNumber: 2, email: 'e@x.example', name: '😀'.repeat(150) })).toEqual([]);
    expect(validateRow(customerModel, { rowNumber: 2, email: 'e@x.example', name: '😀'.repeat(201) })).toEqual([{ field: 'name', code: 'TOO_LONG', message: 'Name is 201 characters long; at most 200 are allowed.' }]);
  });
});
