import { describe, expect, it } from 'vitest';
import { customerModel, fieldForHeader, mapColumns, normalizeHeader, projectModel, scoreModels } from '../../../clients/ingest/models';

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
});

describe('scoreModels', () => {
  it('detects customers and projects from their headers', () => {
    expect(scoreModels(['Email', 'Full Name', 'Phone', 'Company'])[0]!.model.key).toBe('customer');
    expect(scoreModels(['Customer Email', 'Project Name', 'Status', 'Budget'])[0]!.model.key).toBe('project');
  });

  it('scores zero mapped columns for an unrelated file', () => {
    expect(scoreModels(['sku', 'warehouse', 'quantity']).every((s) => s.mapped === 0)).toBe(true);
  });
});
