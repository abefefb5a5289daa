// Saved column mappings (issue 10 point 1) against the real local stack: saveMapping, getMapping,
// listMappings, deleteMapping, each confined to the caller (docs/auth.md), and the server's own
// check of a mapping against the model (resolvers/lib/mappings.ts) answered as one ValidationError.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../clients/api/client';
import { DeleteMappingDocument, GetMappingDocument, ListMappingsDocument, SaveMappingDocument, type ModelName, type SaveMappingInput } from '../../clients/api/generated';
import { mappingFingerprint, modelByKey } from '../../clients/ingest';
import { nodeDigest } from '../../clients/ingest/node';
import { failure } from '../helpers/graphql';
import { scanTable, startTestStack, stackClients, type TestStack } from '../helpers/localStack';

let stack: TestStack;
let alice: GraphQLClient; // importer
let bob: GraphQLClient; // another importer
let vera: GraphQLClient; // viewer
let ada: GraphQLClient; // admin
let iam: GraphQLClient; // back end

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob, vera, ada] = await Promise.all([
    stack.clientFor('alice', ['importers']),
    stack.clientFor('bob', ['importers']),
    stack.clientFor('vera', ['viewers']),
    stack.clientFor('ada', ['admins']),
  ]);
  iam = stackClients(stack).iam;
}, 120_000);

afterAll(() => stack?.stop());

const customer = modelByKey('customer')!;
const project = modelByKey('project')!;
const GERMAN = ['Kontakt E-Mail', 'Kunde', 'Telefonnummer', 'Firma', 'Interne Nummer'];
const GERMAN_MAPPING = { 'Kontakt E-Mail': 'email', Kunde: 'name', Telefonnummer: 'phone', Firma: 'company', 'Interne Nummer': null };

async function input(headers: string[], mapping: Record<string, unknown>, model = customer): Promise<SaveMappingInput> {
  return { fingerprint: await mappingFingerprint(model, headers, nodeDigest), model: model.apiName as ModelName, headers, mapping: JSON.stringify(mapping) };
}

const subOf = (name: string) => stack.userPool.findUser(name)!.sub;

describe('a user’s own saved mapping', () => {
  it('is saved under the fingerprint and model, read back, listed, replaced keeping createdAt, and deleted', async () => {
    const saveInput = await input(GERMAN, GERMAN_MAPPING);
    // the fingerprint is SHA-256 of the version, the model key and the normalised headers (docs/mappings.md)
    expect(saveInput.fingerprint).toBe(
      createHash('sha256').update(JSON.stringify(['foreman.mapping.v1', 'customer', ['kontakt e mail', 'kunde', 'telefonnummer', 'firma', 'interne nummer']])).digest('hex'),
    );
    const { saveMapping: saved } = await alice.request(SaveMappingDocument, { input: saveInput });
    expect(saved).toEqual({
      fingerprint: saveInput.fingerprint,
      model: 'CUSTOMER',
      headers: GERMAN,
      mapping: JSON.stringify(GERMAN_MAPPING),
      owner: `cognito:${subOf('alice')}`,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      updatedAt: saved.createdAt,
    });
    // stored in the Mappings table under the owner, sk <model>#<fingerprint>, the mapping as JSON text
    const items = (await scanTable(stack, stack.tableNames.Mappings)).filter((i) => i.owner === saved.owner);
    expect(items).toEqual([{ ...saved, sk: `CUSTOMER#${saveInput.fingerprint}` }]);

    const { getMapping } = await alice.request(GetMappingDocument, { fingerprint: saveInput.fingerprint, model: 'CUSTOMER' });
    expect(getMapping).toEqual(saved);
    // the same fingerprint for another model is another (absent) mapping
    expect((await alice.request(GetMappingDocument, { fingerprint: saveInput.fingerprint, model: 'PROJECT' })).getMapping).toBeNull();

    // saving again replaces the mapping; createdAt stays, updatedAt moves on
    await new Promise((r) => setTimeout(r, 5));
    const changed = { ...GERMAN_MAPPING, Firma: 'notes' };
    const { saveMapping: again } = await alice.request(SaveMappingDocument, { input: { ...saveInput, mapping: JSON.stringify(changed) } });
    expect(again).toMatchObject({ createdAt: saved.createdAt, mapping: JSON.stringify(changed) });
    expect(again.updatedAt > saved.updatedAt).toBe(true);
    expect((await scanTable(stack, stack.tableNames.Mappings)).filter((i) => i.owner === saved.owner)).toHaveLength(1);

    const { listMappings } = await alice.request(ListMappingsDocument, {});
    expect(listMappings).toEqual({ items: [again], nextToken: null });

    const { deleteMapping } = await alice.request(DeleteMappingDocument, { fingerprint: saveInput.fingerprint, model: 'CUSTOMER' });
    expect(deleteMapping).toEqual(again);
    // deleting what is not there answers null; it is gone
    expect((await alice.request(DeleteMappingDocument, { fingerprint: saveInput.fingerprint, model: 'CUSTOMER' })).deleteMapping).toBeNull();
    expect((await alice.request(GetMappingDocument, { fingerprint: saveInput.fingerprint, model: 'CUSTOMER' })).getMapping).toBeNull();
    expect((await alice.request(ListMappingsDocument, {})).listMappings.items).toEqual([]);
  });

  it('stores the mapping in header-row order, whatever order the client sent it in', async () => {
    const headers = ['Mail', 'Wer', 'Egal'];
    const { saveMapping: saved } = await alice.request(SaveMappingDocument, { input: await input(headers, { Egal: null, Wer: 'name', Mail: 'email' }) });
    expect(saved.mapping).toBe('{"Mail":"email","Wer":"name","Egal":null}');
    await alice.request(DeleteMappingDocument, { fingerprint: saved.fingerprint, model: 'CUSTOMER' });
  });

  it('lists the most recently saved first, a page at a time', async () => {
    const rows = [
      ['Mail 1', 'Name 1'],
      ['Mail 2', 'Name 2'],
      ['Mail 3', 'Name 3'],
    ];
    const saved = [];
    for (const [mail, name] of rows) {
      saved.push((await bob.request(SaveMappingDocument, { input: await input([mail!, name!], { [mail!]: 'email', [name!]: 'name' }) })).saveMapping);
      await new Promise((r) => setTimeout(r, 5));
    }
    const first = (await bob.request(ListMappingsDocument, { limit: 2 })).listMappings;
    expect(first.items.map((m) => m.headers[0])).toEqual(['Mail 3', 'Mail 2']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = (await bob.request(ListMappingsDocument, { limit: 2, nextToken: first.nextToken })).listMappings;
    expect(second.items.map((m) => m.headers[0])).toEqual(['Mail 1']);
    expect(second.nextToken).toBeNull();
    // saving the oldest again makes it the newest
    await bob.request(SaveMappingDocument, { input: await input(rows[0]!, { 'Mail 1': 'email', 'Name 1': 'name' }) });
    expect((await bob.request(ListMappingsDocument, {})).listMappings.items.map((m) => m.headers[0])).toEqual(['Mail 1', 'Mail 3', 'Mail 2']);
    for (const m of saved) await bob.request(DeleteMappingDocument, { fingerprint: m.fingerprint, model: m.model });
  });
});

describe('whose mapping it is (docs/auth.md)', () => {
  it('lets no one else see, list, replace or delete it: another importer, an admin, the back end', async () => {
    const mine = await input(GERMAN, GERMAN_MAPPING);
    const { saveMapping: alices } = await alice.request(SaveMappingDocument, { input: mine });
    for (const other of [bob, ada, iam]) {
      expect((await other.request(GetMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' })).getMapping).toBeNull();
      expect((await other.request(ListMappingsDocument, {})).listMappings.items.map((m) => m.owner)).not.toContain(alices.owner);
      expect((await other.request(DeleteMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' })).deleteMapping).toBeNull();
    }
    // bob saving the same header row saves his own; alice's is untouched
    const { saveMapping: bobs } = await bob.request(SaveMappingDocument, { input: { ...mine, mapping: JSON.stringify({ ...GERMAN_MAPPING, Firma: null }) } });
    expect(bobs.owner).toBe(`cognito:${subOf('bob')}`);
    expect((await alice.request(GetMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' })).getMapping).toEqual(alices);
    // the back end's own mappings are its own too (owner iam:<ARN>)
    const { saveMapping: iams } = await iam.request(SaveMappingDocument, { input: mine });
    expect(iams.owner).toMatch(/^iam:/);
    expect((await iam.request(ListMappingsDocument, {})).listMappings.items).toEqual([iams]);
    expect((await ada.request(ListMappingsDocument, {})).listMappings.items).toEqual([]);
    for (const c of [alice, bob, iam]) await c.request(DeleteMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' });
  });

  it('refuses viewers every mapping field (they cannot import)', async () => {
    const mine = await input(GERMAN, GERMAN_MAPPING);
    const calls: [string, () => Promise<unknown>, string][] = [
      ['getMapping', () => vera.request(GetMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' }), 'Query'],
      ['listMappings', () => vera.request(ListMappingsDocument, {}), 'Query'],
      ['saveMapping', () => vera.request(SaveMappingDocument, { input: mine }), 'Mutation'],
      ['deleteMapping', () => vera.request(DeleteMappingDocument, { fingerprint: mine.fingerprint, model: 'CUSTOMER' }), 'Mutation'],
    ];
    for (const [field, call, type] of calls) {
      const error = await failure(call());
      expect({ errorType: error.errorType, message: error.errors[0]?.message }).toEqual({ errorType: 'Unauthorized', message: `Not Authorized to access ${field} on type ${type}` });
    }
    expect((await scanTable(stack, stack.tableNames.Mappings)).filter((i) => i.owner === `cognito:${subOf('vera')}`)).toEqual([]);
  });
});

describe('a mapping that does not fit is refused (ValidationError, nothing stored)', () => {
  const many = Array.from({ length: 501 }, (_, i) => `Column ${i + 1}`);
  const cases: [string, () => Promise<SaveMappingInput>, { field: string; code: string; message: string }[]][] = [
    [
      'a field the model does not have',
      () => input(GERMAN, { ...GERMAN_MAPPING, Firma: 'firm' }),
      [{ field: 'mapping', code: 'UNKNOWN_FIELD', message: 'mapping sends the column "Firma" to "firm", which is not a field of customer (its fields: email, name, phone, company, country, signupDate, notes)' }],
    ],
    ['a column the header row does not have', () => input(GERMAN, { ...GERMAN_MAPPING, Kundin: 'notes' }), [{ field: 'mapping', code: 'UNKNOWN_COLUMN', message: 'mapping names the column "Kundin", which is not in headers' }]],
    ['one field for two columns', () => input(GERMAN, { ...GERMAN_MAPPING, Firma: 'name' }), [{ field: 'mapping', code: 'FIELD_TWICE', message: 'mapping sends both "Kunde" and "Firma" to name; a field takes one column' }]],
    ['a required field without a column', () => input(GERMAN, { ...GERMAN_MAPPING, Kunde: null }), [{ field: 'mapping', code: 'MISSING_REQUIRED', message: 'no column is mapped to the required Name (name)' }]],
    [
      'a required reference without any of its columns',
      () => input(['Projekt', 'Kunde'], { Projekt: 'name', Kunde: null }, project),
      [{ field: 'mapping', code: 'MISSING_REQUIRED', message: 'no column is mapped to customerEmail or customerId: the customer is required' }],
    ],
    ['a value that is not a field name or null', () => input(GERMAN, { ...GERMAN_MAPPING, Firma: 7 }), [{ field: 'mapping', code: 'FORMAT', message: 'mapping sends the column "Firma" to "7"; use a field name, or null to ignore the column' }]],
    ['a mapping that is not an object', async () => ({ ...(await input(GERMAN, {})), mapping: JSON.stringify(['email', 'name']) }), [{ field: 'mapping', code: 'FORMAT', message: 'mapping must be a JSON object of column → field (or null to ignore the column)' }]],
    [
      'a fingerprint that is not a SHA-256',
      async () => ({ ...(await input(GERMAN, GERMAN_MAPPING)), fingerprint: 'ABC' }),
      [{ field: 'fingerprint', code: 'FORMAT', message: 'fingerprint must be 64 lower-case hexadecimal characters (a SHA-256), got "ABC"' }],
    ],
    ['an empty header row', async () => ({ ...(await input(GERMAN, {})), headers: [], mapping: '{}' }), [{ field: 'headers', code: 'REQUIRED', message: 'headers must hold the header row: at least one column' }]],
    ['more than 500 columns', () => input(many, { 'Column 1': 'email', 'Column 2': 'name' }), [{ field: 'headers', code: 'TOO_MANY', message: 'headers holds 501 columns; a saved mapping takes at most 500' }]],
    [
      'a header longer than 256 characters',
      () => input(['Mail', 'x'.repeat(257)], { Mail: 'email', ['x'.repeat(257)]: 'name' }),
      [{ field: 'headers', code: 'TOO_LONG', message: `header 2 ("${'x'.repeat(39)}…") is 257 characters long; at most 256` }],
    ],
    [
      'a header row longer than 32,768 characters in all',
      () => {
        const wide = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')}${'w'.repeat(200)}`);
        return input(wide, { [wide[0]!]: 'email', [wide[1]!]: 'name' });
      },
      [{ field: 'headers', code: 'TOO_LONG', message: 'the header row holds 40600 characters; a saved mapping takes at most 32768' }],
    ],
    ['a header twice', () => input(['Mail', 'Name', 'Mail'], { Mail: 'email', Name: 'name' }), [{ field: 'headers', code: 'DUPLICATE_HEADER', message: 'header 3 ("Mail") appears twice in the header row' }]],
  ];

  it.each(cases)('%s', async (_, make, expected) => {
    const bad = await make();
    const error = await failure(alice.request(SaveMappingDocument, { input: bad }));
    expect(error.errors).toHaveLength(1);
    const [e] = error.errors;
    expect(e).toMatchObject({ errorType: 'ValidationError', path: ['saveMapping'], message: `The mapping cannot be saved: ${expected.map((x) => x.message).join('; ')}.` });
    expect((e!.errorInfo as { errors: unknown[] }).errors).toEqual(expected);
    expect((await scanTable(stack, stack.tableNames.Mappings)).filter((i) => i.owner === `cognito:${subOf('alice')}`)).toEqual([]);
  });

  it('lists every problem of one mapping, at most ten and how many more', async () => {
    const headers = Array.from({ length: 14 }, (_, i) => `C${i}`);
    const mapping = Object.fromEntries(headers.map((h) => [h, `nope${h}`]));
    const error = await failure(alice.request(SaveMappingDocument, { input: await input(headers, mapping) }));
    const errors = (error.errors[0]!.errorInfo as { errors: { code: string; message: string }[] }).errors;
    // 14 unknown fields and 2 required fields without a column: 10 listed, then "and 6 more"
    expect(errors.map((x) => x.code)).toEqual([...Array(10).fill('UNKNOWN_FIELD'), 'MORE']);
    expect(errors.at(-1)!.message).toBe('and 6 more problems');
  });

  it('is refused by GraphQL before any resolver for an unknown model or a mapping that is not JSON', async () => {
    const good = await input(GERMAN, GERMAN_MAPPING);
    const notJson = await failure(alice.request(SaveMappingDocument, { input: { ...good, mapping: '{"Kunde": ' } }));
    expect(notJson.errors[0]!.message).toBe(`Variable 'input' has an invalid value: "{\\"Kunde\\": " at "input.mapping"; Expected type "AWSJSON". Invalid AWSJSON value: "{\\"Kunde\\": "`);
    const unknownModel = await failure(alice.request(SaveMappingDocument, { input: { ...good, model: 'VENDOR' as ModelName } }));
    expect(unknownModel.errors[0]!.message).toMatch(/^Variable 'input' has an invalid value: .*"input\.model".*ModelName/);
    expect((await scanTable(stack, stack.tableNames.Mappings)).filter((i) => i.owner === `cognito:${subOf('alice')}`)).toEqual([]);
  });
});
