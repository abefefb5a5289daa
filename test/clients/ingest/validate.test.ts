import { describe, expect, it } from 'vitest';
import { customerModel, projectModel } from '../../../clients/ingest/models';
import { isCalendarDate, validateRow } from '../../../clients/ingest/validate';

const codes = (errors: { field: string; code: string }[]) => errors.map((e) => `${e.field}:${e.code}`);

describe('validateRow', () => {
  it('accepts a complete customer row', () => {
    expect(validateRow(customerModel, { rowNumber: 2, email: 'ann@x.example', name: 'Ann', phone: '+1 555 010 2000', signupDate: '2024-02-29' })).toEqual([]);
  });

  it('uses the shared codes: REQUIRED, FORMAT, TOO_LONG', () => {
    expect(codes(validateRow(customerModel, { rowNumber: 2, email: 'not-an-email' }))).toEqual(['email:FORMAT', 'name:REQUIRED']);
    expect(codes(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'x'.repeat(201) }))).toEqual(['name:TOO_LONG']);
    expect(codes(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'A', phone: 'call me' }))).toEqual(['phone:FORMAT']);
  });

  it('refuses dates that match the pattern but name no calendar day, as the server does', () => {
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(codes(validateRow(customerModel, { rowNumber: 2, email: 'a@x.example', name: 'A', signupDate: '2023-02-31' }))).toEqual(['signupDate:FORMAT']);
  });

  it('checks project enums, ranges and the cross-field rules', () => {
    expect(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', status: 'on hold', budget: '10.5' })).toEqual([]);
    expect(codes(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', status: 'Done' }))).toEqual(['status:ENUM']);
    expect(codes(validateRow(projectModel, { rowNumber: 2, customerEmail: 'a@x.example', name: 'P', budget: '-1' }))).toEqual(['budget:RANGE']);
    expect(codes(validateRow(projectModel, { rowNumber: 2, name: 'P' }))).toEqual(['customerEmail:REQUIRED']);
    expect(codes(validateRow(projectModel, { rowNumber: 2, customerId: 'c1', name: 'P', startDate: '2024-06-01', dueDate: '2024-01-01' }))).toEqual(['dueDate:RANGE']);
  });
});

describe('values the schema will accept', () => {
  it('refuses address literals, RFC 822 specials and invisible or bidi characters in emails', async () => {
    const { validateRow } = await import('../../../clients/ingest/validate');
    const { MODELS } = await import('../../../clients/ingest/models');
    const customer = MODELS.find((m) => m.key === 'customer')!;
    const codes = (email: string) => validateRow(customer, { rowNumber: 2, email, name: 'N' } as never).map((e) => e.code);
    for (const bad of ['poison@[10.0.0.1]', 'a:b@x.example', 'a"b@x.example', 'a\u200b@x.example', 'a\u202eb@x.example', 'a\u0007@x.example']) expect(codes(bad), bad).toEqual(['FORMAT']);
    for (const good of ['café@x.example', 'cafe\u0301@x.example', "o'brien+tag@x.example"]) expect(codes(good), good).toEqual([]);
  });

  it('counts lengths in characters, not UTF-16 units: 150 emoji fit a 200-character name, 201 do not', async () => {
    const { validateRow, characterCount } = await import('../../../clients/ingest/validate');
    const { MODELS } = await import('../../../clients/ingest/models');
    const customer = MODELS.find((m) => m.key === 'customer')!;
    expect(characterCount('😀'.repeat(150))).toBe(150);
    expect(validateRow(customer, { rowNumber: 2, email: 'e@x.example', name: '😀'.repeat(150) } as never)).toEqual([]);
    expect(validateRow(customer, { rowNumber: 2, email: 'e@x.example', name: '😀'.repeat(201) } as never)).toEqual([
      { field: 'name', code: 'TOO_LONG', message: 'Name is 201 characters long; at most 200 are allowed' },
    ]);
  });
});
