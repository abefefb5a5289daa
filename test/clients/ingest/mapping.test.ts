/**
 * An explicit column mapping (the `mapping` option): header → field or null, checked against the
 * model's fields and the file's header row, and applied by the engine over the headers' own mapping.
 */
import { describe, expect, it } from 'vitest';
import { FileProblemError, ingestFile, inspectFile, mapColumns, modelByKey, scoreModels, type MappingOverride } from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

const customerModel = modelByKey('customer')!;
const projectModel = modelByKey('project')!;

const GERMAN = 'Kontakt E-Mail,Kunde,Telefonnummer,Interne Nummer\nanna@remap.example,Anna Schmidt,+49 30 1234567,K-1\njonas@remap.example,Jonas Weber,,K-2\n';
const FULL: MappingOverride = { 'Kontakt E-Mail': 'email', Kunde: 'name', Telefonnummer: 'phone', 'Interne Nummer': null };

describe('mapColumns with an explicit mapping', () => {
  it('maps the named columns, leaves the others to their headers and ignores null', () => {
    const m = mapColumns(customerModel, ['Kontakt E-Mail', 'Kunde', 'Phone', 'Intern'], { 'Kontakt E-Mail': 'email', Kunde: 'name', Intern: null });
    expect(m.columns.map((c) => [c.header, c.field, c.explicit])).toEqual([
      ['Kontakt E-Mail', 'email', true],
      ['Kunde', 'name', true],
      ['Phone', 'phone', false],
      ['Intern', null, true],
    ]);
    expect(m.missingRequired).toEqual([]);
    expect(m.overrideProblems).toEqual({ unknownColumns: [], unknownFields: [], conflicts: [] });
  });

  it('finds columns by their normalised header and fields in any case or spacing', () => {
    const m = mapColumns(customerModel, ['E-Mail Adresse', 'Kunde', 'Seit'], { 'e mail adresse': 'EMAIL', KUNDE: 'Name', seit: 'signup_date' });
    expect(m.columns.map((c) => c.field)).toEqual(['email', 'name', 'signupDate']);
  });

  it('takes a field away from the column whose header names it when another column is given it', () => {
    const m = mapColumns(customerModel, ['email', 'name', 'Work address'], { 'Work address': 'email' });
    expect(m.fieldColumn.get('email')).toBe(2);
    expect(m.columns[0]).toMatchObject({ field: null, explicit: false, displaced: 'email' });
    expect(m.conflicts).toEqual([]);
  });

  it('reports unknown columns, unknown fields and one field given twice', () => {
    const m = mapColumns(customerModel, ['a', 'b', 'c'], { a: 'email', b: 'email', c: 'sku', zzz: 'name' });
    expect(m.overrideProblems).toEqual({ unknownColumns: ['zzz'], unknownFields: [['c', 'sku']], conflicts: [['email', ['a', 'b']]] });
  });

  it('counts a required field whose only column is ignored as missing', () => {
    expect(mapColumns(customerModel, ['email', 'name'], { email: null }).missingRequired).toEqual(['email']);
  });

  it('ranks first the model whose fields the mapping names', () => {
    // Without a mapping these headers look like nothing; "budget" exists only in projects.
    const headers = ['Kunde Mail', 'Vorhaben', 'Etat'];
    expect(scoreModels(headers).every((s) => s.mapped === 0)).toBe(true);
    const [best] = scoreModels(headers, { 'Kunde Mail': 'customerEmail', Vorhaben: 'name', Etat: 'budget' });
    expect(best!.model).toBe(projectModel);
    expect(best!.complete).toBe(true);
  });
});

describe('inspectFile and ingestFile with an explicit mapping', () => {
  const inspect = (text: string, mapping?: MappingOverride, model?: 'customer' | 'project') => inspectFile(bytesSource(text, 32), { fileName: 'k.csv', mapping, model });

  it('refuses a file whose headers match nothing, and maps it when told how', async () => {
    await expect(inspect(GERMAN)).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
    const i = await inspect(GERMAN, FULL);
    expect(i.model).toBe(customerModel);
    expect(i.preview[0]!.values).toEqual({ email: 'anna@remap.example', name: 'Anna Schmidt', phone: '+49 30 1234567' });
  });

  it('names the model and lists its fields for a field it does not have', async () => {
    const error = (await inspect(GERMAN, { ...FULL, Kunde: 'fullName' }).catch((e: unknown) => e)) as FileProblemError;
    expect(error).toBeInstanceOf(FileProblemError);
    expect(error.code).toBe('BAD_MAPPING');
    expect(error.message).toBe(
      'k.csv: the mapping sends column "Kunde" to "fullName", which is not a field of customer (detected from the headers; choose another model with --model). The customer fields are: email, name, phone, company, country, signupDate, notes (or map the column to nothing to ignore it).',
    );
  });

  it('checks the fields against the forced model', async () => {
    // "email" and "phone" are customer fields; a project has customerEmail and no phone.
    const error = (await inspect(GERMAN, FULL, 'project').catch((e: unknown) => e)) as FileProblemError;
    expect(error.code).toBe('BAD_MAPPING');
    expect(error.message).toBe(
      'k.csv: the mapping sends column "Kontakt E-Mail" to "email" and column "Telefonnummer" to "phone", which are not fields of project. The project fields are: customerEmail, customerId, name, status, budget, startDate, dueDate, description (or map the column to nothing to ignore it).',
    );
  });

  it('names a column the header row does not have, and lists the columns', async () => {
    await expect(inspect(GERMAN, { ...FULL, 'E-Mail': 'email' })).rejects.toThrow(
      'k.csv: the mapping names "E-Mail", but row 1 (the header) has no such column. Its columns are: "Kontakt E-Mail", "Kunde", "Telefonnummer", "Interne Nummer".',
    );
  });

  it('refuses a mapping that gives one field two columns', async () => {
    await expect(inspect(GERMAN, { ...FULL, Telefonnummer: 'email' })).rejects.toThrow('the mapping sends "Kontakt E-Mail" and "Telefonnummer" to the same field email');
  });

  it('refuses a mapping that leaves a required field without a column', async () => {
    const error = (await inspect(GERMAN, { 'Kontakt E-Mail': 'email', Telefonnummer: 'phone' }).catch((e: unknown) => e)) as FileProblemError;
    expect(error.code).toBe('MISSING_REQUIRED');
    expect(error.message).toContain('no column maps to the required Name');
    expect(error.message).toContain('--map "Column=name"');
  });

  it('sends the mapped values, leaves ignored columns out and reports the mapping in the summary', async () => {
    const server = new FakeServer();
    const summary = await ingestFile({ fileName: 'k.csv', source: bytesSource(GERMAN, 16), createHasher: nodeSha256, client: server.client(), mapping: FULL, sleep: async () => undefined });
    expect(summary).toMatchObject({ outcome: 'COMPLETED', rows: 2, created: 2 });
    const rows = server.importCalls().flatMap((c) => c.input.rows as Record<string, unknown>[]);
    expect(rows).toEqual([
      { rowNumber: 2, email: 'anna@remap.example', name: 'Anna Schmidt', phone: '+49 30 1234567' },
      { rowNumber: 3, email: 'jonas@remap.example', name: 'Jonas Weber' },
    ]);
    expect(summary.mapping).toEqual([
      { column: 'Kontakt E-Mail', field: 'email', explicit: true },
      { column: 'Kunde', field: 'name', explicit: true },
      { column: 'Telefonnummer', field: 'phone', explicit: true },
      { column: 'Interne Nummer', field: null, explicit: true },
    ]);
  });
});
