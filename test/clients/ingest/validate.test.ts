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
