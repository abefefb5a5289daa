/**
 * Saved mappings on the clients' side (clients/ingest/savedMappings.ts): the header-row
 * fingerprint (one implementation over an injected SHA-256), reading what the API returns, what is
 * sent to save, the explicit mapping over a saved one, and the engine applying a saved mapping it is
 * handed (`savedMapping` option) — or not, when it no longer fits.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  FileProblemError,
  MappingNotSavableError,
  fingerprintText,
  hasherDigest,
  ingestFile,
  mapColumns,
  mappingFingerprint,
  mappingToSave,
  modelByKey,
  overSaved,
  savedAt,
  toSavedMatch,
  type SavedMappingMatch,
} from '../../../clients/ingest';
import { nodeDigest, nodeSha256 } from '../../../clients/ingest/node';
import { browserSha256 } from '../../../clients/web/src/browser';
import { bytesSource } from './fakeServer';

const customer = modelByKey('customer')!;
const project = modelByKey('project')!;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('mappingFingerprint', () => {
  it('is the SHA-256 of the version, the model key and the normalised headers, the same with every hasher', async () => {
    const headers = ['Kontakt E-Mail', 'Kunde'];
    const text = '["foreman.mapping.v1","customer",["kontakt e mail","kunde"]]';
    expect(fingerprintText(customer, headers)).toBe(text);
    const fingerprints = await Promise.all([nodeDigest, hasherDigest(nodeSha256), hasherDigest(browserSha256)].map((d) => mappingFingerprint(customer, headers, d)));
    expect(fingerprints).toEqual([sha(text), sha(text), sha(text)]);
  });

  it('does not care about case, spacing and punctuation of a header, as header matching does not', async () => {
    const a = await mappingFingerprint(customer, ['Kontakt E-Mail', 'Kunde '], nodeDigest);
    const b = await mappingFingerprint(customer, ['kontakt_e_mail', '  KUNDE'], nodeDigest);
    expect(a).toBe(b);
  });

  it('differs for another model, another column order, another column, and headers that only join alike', async () => {
    const base = await mappingFingerprint(customer, ['Mail', 'Wer'], nodeDigest);
    const others = await Promise.all([
      mappingFingerprint(project, ['Mail', 'Wer'], nodeDigest),
      mappingFingerprint(customer, ['Wer', 'Mail'], nodeDigest),
      mappingFingerprint(customer, ['Mail', 'Wer', 'Extra'], nodeDigest),
      mappingFingerprint(customer, ['Mail Wer'], nodeDigest),
    ]);
    expect(new Set([base, ...others]).size).toBe(5);
    // a header holding what a naive join would use is still one header
    expect(fingerprintText(customer, ['a","b'])).not.toBe(fingerprintText(customer, ['a', 'b']));
  });
});

describe('reading and writing saved mappings', () => {
  const fields = { fingerprint: 'f'.repeat(64), model: 'CUSTOMER' as const, headers: ['Mail', 'Wer'], owner: 'cognito:x', createdAt: '2025-01-30T08:00:00.000Z', updatedAt: '2025-01-31T14:02:03.456Z' };

  it('turns the API’s SavedMapping into the engine’s mapping, and refuses what this client cannot read', () => {
    expect(toSavedMatch({ ...fields, mapping: '{"Mail":"email","Wer":null}' })).toEqual({ ...fields, model: customer, mapping: { Mail: 'email', Wer: null }, owner: undefined });
    expect(toSavedMatch({ ...fields, model: 'VENDOR' as 'CUSTOMER', mapping: '{}' })).toBeNull();
    expect(toSavedMatch({ ...fields, mapping: '{"Mail":' })).toBeNull();
    expect(toSavedMatch({ ...fields, mapping: '["email"]' })).toBeNull();
    expect(toSavedMatch({ ...fields, mapping: '{"Mail":7}' })).toBeNull();
  });

  it('says when in UTC, to the minute', () => {
    expect(savedAt(fields.updatedAt)).toBe('2025-01-31 14:02 UTC');
  });

  it('sends every column with a header and its field (null when ignored), under the fingerprint', async () => {
    const mapping = mapColumns(customer, ['Kontakt E-Mail', 'Kunde', '', 'Intern'], { 'Kontakt E-Mail': 'email', Kunde: 'name' });
    const input = await mappingToSave(mapping, nodeDigest);
    expect(input).toEqual({
      fingerprint: await mappingFingerprint(customer, ['Kontakt E-Mail', 'Kunde', '', 'Intern'], nodeDigest),
      model: 'CUSTOMER',
      headers: ['Kontakt E-Mail', 'Kunde', '', 'Intern'],
      mapping: '{"Kontakt E-Mail":"email","Kunde":"name","Intern":null}',
    });
  });

  it('refuses to send what the server would refuse, with the server’s words', async () => {
    const headers = Array.from({ length: 501 }, (_, i) => (i === 0 ? 'email' : i === 1 ? 'name' : `c${i}`));
    const error = await mappingToSave(mapColumns(customer, headers), nodeDigest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingNotSavableError);
    expect((error as Error).message).toBe('the mapping cannot be saved: headers holds 501 columns; a saved mapping takes at most 500');
  });
});

describe('overSaved: the explicit mapping over a saved one', () => {
  const headers = ['Kontakt E-Mail', 'Kunde', 'Firma', 'Notiz'];
  const saved = { 'Kontakt E-Mail': 'email', Kunde: 'name', Firma: 'company', Notiz: null };

  it('is the saved mapping when nothing is explicit', () => {
    expect(overSaved(customer, headers, saved, undefined)).toBe(saved);
  });

  it('lets explicit entries win column by column, naming the column in any spelling', () => {
    expect(overSaved(customer, headers, saved, { firma: 'notes', NOTIZ: 'company' })).toEqual({ 'Kontakt E-Mail': 'email', Kunde: 'name', firma: 'notes', NOTIZ: 'company' });
  });

  it('takes a field the explicit mapping gives to another column from the saved column, which is then ignored', () => {
    expect(overSaved(customer, headers, saved, { Notiz: 'Company' })).toEqual({ 'Kontakt E-Mail': 'email', Kunde: 'name', Firma: null, Notiz: 'Company' });
  });
});

describe('ingestFile with a saved mapping', () => {
  const GERMAN = 'Kontakt E-Mail,Kunde,Firma,Interne Nummer\nanna@remap.example,Anna Schmidt,Schmidt GmbH,K-1\njonas@remap.example,Jonas Weber,Weber AG,K-2\n';
  const headers = ['Kontakt E-Mail', 'Kunde', 'Firma', 'Interne Nummer'];
  const match = (mapping: Record<string, string | null>, model = customer): SavedMappingMatch => ({
    fingerprint: 'a'.repeat(64),
    model,
    headers,
    mapping,
    createdAt: '2025-01-30T08:00:00.000Z',
    updatedAt: '2025-01-31T14:02:03.456Z',
  });
  const SAVED = { 'Kontakt E-Mail': 'email', Kunde: 'name', Firma: 'company', 'Interne Nummer': null };
  const run = (lookup: (h: string[]) => Promise<SavedMappingMatch | null>, extra: Parameters<typeof ingestFile>[0] extends infer O ? Partial<O> : never = {}) =>
    ingestFile({ fileName: 'german.csv', source: bytesSource(GERMAN), createHasher: nodeSha256, dryRun: true, savedMapping: lookup, ...extra });

  it('looks it up once with the header row and applies it: its model, its columns', async () => {
    const lookup = vi.fn(async () => match(SAVED));
    let saved: unknown;
    const summary = await run(lookup, { onInspected: (i) => (saved = i.saved) });
    expect(lookup.mock.calls).toEqual([[headers]]);
    expect(summary).toMatchObject({ outcome: 'DRY_RUN', model: 'customer', rows: 2, invalid: 0 });
    expect(summary.mapping).toEqual([
      { column: 'Kontakt E-Mail', field: 'email', explicit: true },
      { column: 'Kunde', field: 'name', explicit: true },
      { column: 'Firma', field: 'company', explicit: true },
      { column: 'Interne Nummer', field: null, explicit: true },
    ]);
    expect(summary.savedMapping).toEqual({ fingerprint: 'a'.repeat(64), model: 'customer', updatedAt: '2025-01-31T14:02:03.456Z', applied: true, problem: null });
    expect(saved).toMatchObject({ applied: true, problem: null, columns: headers });
  });

  it('lets the explicit mapping win over it, and counts only the saved columns as the saved mapping’s', async () => {
    let columns: string[] = [];
    const summary = await run(async () => match(SAVED), { mapping: { Firma: 'notes' }, onInspected: (i) => (columns = i.saved!.columns) });
    expect(summary.mapping.find((c) => c.column === 'Firma')).toEqual({ column: 'Firma', field: 'notes', explicit: true });
    expect(columns).toEqual(['Kontakt E-Mail', 'Kunde', 'Interne Nummer']);
  });

  it('is not used when it no longer fits the model, saying why; the headers decide (and here refuse the file)', async () => {
    let problem: string | null = null;
    const error = await run(async () => match({ ...SAVED, Firma: 'fax' }), { onInspected: (i) => (problem = i.saved!.problem) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblemError);
    expect((error as FileProblemError).code).toBe('UNKNOWN_MODEL');
    expect((error as FileProblemError).message).toMatch(/^german\.csv: none of the columns in row 1 .* \(Note: your saved mapping from 2025-01-31 14:02 UTC was not used: "fax" is no longer a field of customer\.\)$/);
    // with a mapping of its own the file is usable, and the reason is kept
    const summary = await run(async () => match({ ...SAVED, Firma: 'fax' }), { mapping: SAVED, onInspected: (i) => (problem = i.saved!.problem) });
    expect(summary.savedMapping).toMatchObject({ applied: false, problem: 'your saved mapping from 2025-01-31 14:02 UTC was not used: "fax" is no longer a field of customer' });
    expect(problem).toBe(summary.savedMapping!.problem);
  });

  it('is not used for another model than the one asked for', async () => {
    const summary = await run(async () => match({ 'Kontakt E-Mail': 'customerEmail', Kunde: 'name', Firma: null, 'Interne Nummer': null }, project), { model: 'customer', mapping: SAVED });
    expect(summary.model).toBe('customer');
    expect(summary.savedMapping).toBeNull();
  });

  it('is not looked up for a file with no data rows', async () => {
    const lookup = vi.fn(async () => match(SAVED));
    const error = await ingestFile({ fileName: 'h.csv', source: bytesSource('email,name\n'), createHasher: nodeSha256, dryRun: true, savedMapping: lookup }).catch((e: unknown) => e);
    expect((error as FileProblemError).code).toBe('HEADER_ONLY');
    expect(lookup).not.toHaveBeenCalled();
  });
});
