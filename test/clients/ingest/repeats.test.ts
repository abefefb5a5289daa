/**
 * Claim keys of a row as the engine computes them to hold repeated unique values back
 * (clients/ingest/repeats.ts), for every @unique of a model: `<claim>#<normalised value>[#<with value>…]`.
 */
import { describe, expect, it } from 'vitest';
import { claimKey, claimKeys, modelByKey, normalizeUnique, type ModelMeta } from '../../../clients/ingest';

const customer = modelByKey('customer')!;
const invoice = modelByKey('invoice')!;

describe('normalizeUnique', () => {
  it('TRIM keeps case, CASE_INSENSITIVE and EMAIL lower-case; all trim and compose to NFC', () => {
    expect(normalizeUnique('  INV-1 ', 'TRIM')).toBe('INV-1');
    expect(normalizeUnique('Cafe\u0301', 'TRIM')).toBe('Caf\u00e9');
    expect(normalizeUnique(' Ab ', 'CASE_INSENSITIVE')).toBe('ab');
    expect(normalizeUnique(' Caf\u00e9@X.example ', 'EMAIL')).toBe(normalizeUnique('cafe\u0301@x.example', 'EMAIL'));
  });
});

describe('claimKey', () => {
  it('keys a customer by its email and an invoice by its number, as the server claims them', () => {
    expect(claimKeys(customer, { rowNumber: 2, email: ' Ada@Example.COM ', name: 'Ada' })).toEqual(['customer.email#ada@example.com']);
    expect(claimKeys(invoice, { rowNumber: 2, invoiceNumber: ' INV-1 ', customerEmail: 'a@x.example' })).toEqual(['invoice.invoiceNumber#INV-1']);
    // a model without uniques claims nothing
    expect(claimKeys(modelByKey('project')!, { rowNumber: 2, name: 'P', customerId: 'c1' })).toEqual([]);
  });

  it('leaves out a unique the row does not fill', () => {
    expect(claimKey(invoice, invoice.uniques[0]!, { rowNumber: 2, invoiceNumber: '   ' })).toBeNull();
  });

  it('adds the `with` values of a composite unique: a column as trimmed text, a reference as the row names its target', () => {
    // A fixture model: a task code unique per project (a reference by id or by a unique name) and per lane (a column).
    const tasks: ModelMeta = {
      ...invoice,
      name: 'Task',
      key: 'task',
      columns: {
        code: { label: 'Code', required: true, format: 'text', maxLength: 20 },
        lane: { label: 'Lane', required: false, format: 'text', maxLength: 20 },
        projectId: { label: 'Project id', required: false, format: 'text', maxLength: 64 },
        projectName: { label: 'Project name', required: false, format: 'text', maxLength: 64 },
      },
      uniques: [{ field: 'code', with: ['projectId', 'lane'], normalize: 'CASE_INSENSITIVE', claim: 'task.code', code: 'DUPLICATE_CODE' }],
      refs: [
        {
          field: 'projectId',
          model: 'Project',
          modelKey: 'project',
          tableEnvVar: 'PROJECTS_TABLE',
          label: 'Project',
          required: true,
          columns: [
            { by: 'name', column: 'projectName', claim: 'project.name', normalize: 'CASE_INSENSITIVE' },
            { by: 'id', column: 'projectId' },
          ],
          code: 'UNKNOWN_PROJECT',
          index: 'byProject',
        },
      ],
      rules: [],
    };
    const u = tasks.uniques[0]!;
    // projectId is both a column and the reference's stored field: the column's text is the value.
    expect(claimKey(tasks, u, { rowNumber: 2, code: ' T-1 ', projectId: 'p1', lane: ' Blue ' })).toBe('task.code#t-1#p1#Blue');
    // Without the id column filled the reference is named by its other column, normalised as that key.
    const byName: ModelMeta = { ...tasks, columns: { code: tasks.columns.code!, lane: tasks.columns.lane!, projectName: tasks.columns.projectName! } };
    expect(claimKey(byName, u, { rowNumber: 2, code: 'T-1', projectName: ' Apollo ', lane: '' })).toBe('task.code#t-1#name=apollo#');
  });
});
