/**
 * The model vocabulary (schema/foreman.graphql) and its expansion (schema/codegen/expand.ts):
 * what a declaration turns into, what is refused, and that AppSync never sees our directives.
 * Expected values are worked out from the declarations and DynamoDB's 100-item limits by hand.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, print, visit, type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';
import { repoRoot } from '../../infra/bundle';
import { expandSchema, readModels, stripForeman, ModelSchemaError } from '../../schema/codegen/expand';
import { MODELS } from '../../schema/generated/models';

const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');
const VOCABULARY = read('schema/foreman.graphql');
const AWS = read('schema/aws.graphql');

/** AppSync's own directives (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, real-time-data.html) and GraphQL's. */
const APPSYNC_DIRECTIVES = new Set(['aws_api_key', 'aws_iam', 'aws_oidc', 'aws_lambda', 'aws_cognito_user_pools', 'aws_auth', 'aws_subscribe', 'deprecated']);

/** A small API around `types`: the roots the expansion extends. */
function api(types: string, queries = 'ping: String'): string {
  return `
type Query { ${queries} }
type Mutation { noop: String }
type Subscription { onImport: IngestionProgress @aws_subscribe(mutations: ["noop"]) @importProgress }
type IngestionProgress { ingestionId: ID! }
enum RowStatus { CREATED DUPLICATE INVALID ALREADY_IMPORTED RETRY }
type FieldError { field: String! code: String! message: String! }
type RowConflict { field: String! value: String! existingId: ID! ingestionId: ID rowNumber: Int }
${types}`;
}

const VENDOR = `
type Vendor @importable(label: "Vendor") @rule(field: "renewal", notBefore: "since") {
  id: ID! @managed
  code: String! @unique(normalize: CASE_INSENSITIVE) @field(maxLength: 12, aliases: ["vendor code"])
  taxId: String @unique(with: ["country"])
  country: String
  name: String! @field(label: "Vendor name")
  rating: Int @field(min: 1, max: 5)
  since: AWSDate
  renewal: AWSDate
  ownerId: ID @ref(model: "Vendor", by: ["id", "code"], aliases: ["code=parent vendor"])
  createdAt: AWSDateTime! @managed
}`;

describe('the schema AppSync receives', () => {
  const sdl = read('schema/generated/appsync.graphql');

  it('uses no directive AppSync does not know, and defines none', () => {
    const used = new Set<string>();
    const doc = parse(sdl);
    visit(doc, { Directive: (node) => void used.add(node.name.value) });
    expect([...used].filter((d) => !APPSYNC_DIRECTIVES.has(d))).toEqual([]);
    expect(doc.definitions.filter((d) => d.kind === Kind.DIRECTIVE_DEFINITION)).toEqual([]);
    expect(sdl).not.toContain('ForemanNormalize');
    // and it is a valid schema next to what AppSync provides implicitly
    expect(() => buildSchema(`${AWS}\n${sdl}`)).not.toThrow();
  });

  it('has every model: ModelName, a row input of text cells, an import mutation, and get/list for Invoice', () => {
    const schema = buildSchema(`${AWS}\n${sdl}`);
    expect((schema.getType('ModelName') as unknown as { getValues(): { name: string }[] }).getValues().map((v) => v.name)).toEqual(['CUSTOMER', 'PROJECT', 'INVOICE']);
    const invoiceRow = schema.getType('InvoiceRowInput') as GraphQLInputObjectType;
    expect(Object.keys(invoiceRow.getFields())).toEqual(['rowNumber', 'invoiceNumber', 'customerEmail', 'customerId', 'projectId', 'amount', 'currency', 'issueDate', 'dueDate', 'description']);
    expect(Object.values(invoiceRow.getFields()).map((f) => String(f.type))).toEqual(['Int!', ...Array(9).fill('String')]);
    const mutation = schema.getMutationType()!.getFields();
    expect(String(mutation.importInvoices!.type)).toBe('IngestionProgress!');
    expect(String(mutation.importInvoices!.args[0]!.type)).toBe('ImportInvoicesInput!');
    const query = schema.getQueryType()!.getFields();
    expect(String(query.getInvoice!.type)).toBe('Invoice');
    expect(String(query.listInvoices!.type)).toBe('InvoiceConnection!');
    // the hand-written Customer queries stay as declared (no generated listCustomers twice)
    expect(query.customerByEmail).toBeDefined();
    const subscribe = (schema.getSubscriptionType() as GraphQLObjectType).getFields().onIngestionProgress!.astNode!.directives!.find((d) => d.name.value === 'aws_subscribe')!;
    expect(JSON.stringify(subscribe.arguments)).toContain('importInvoices');
  });
});

describe('readModels', () => {
  it('turns a declaration into columns, claims, references, rules and a batch size', () => {
    const { models, aliases } = readModels(parse(VOCABULARY + api(VENDOR)));
    const [vendor] = models;
    expect(vendor!.name).toBe('Vendor');
    expect(vendor!.apiName).toBe('VENDOR');
    expect(vendor!.importField).toBe('importVendors');
    expect(vendor!.tableEnvVar).toBe('VENDORS_TABLE');
    // @managed fields are not columns; the reference becomes one column per key, in `by` order
    expect(Object.keys(vendor!.columns)).toEqual(['code', 'taxId', 'country', 'name', 'rating', 'since', 'renewal', 'ownerId', 'ownerCode']);
    expect(vendor!.columns.code).toEqual({ label: 'Code', required: true, format: 'text', maxLength: 12 });
    expect(vendor!.columns.name!.label).toBe('Vendor name');
    expect(vendor!.columns.rating).toEqual({ label: 'Rating', required: false, format: 'integer', maxLength: 20, min: 1, max: 5 });
    expect(vendor!.columns.since).toEqual({ label: 'Since', required: false, format: 'date', maxLength: 10 });
    // a reference by a unique key takes that key's format and length
    expect(vendor!.columns.ownerCode).toEqual({ label: 'Vendor code', required: false, format: 'text', maxLength: 12 });
    expect(vendor!.uniques).toEqual([
      { field: 'code', with: [], normalize: 'CASE_INSENSITIVE', claim: 'vendor.code', code: 'DUPLICATE_CODE' },
      { field: 'taxId', with: ['country'], normalize: 'TRIM', claim: 'vendor.taxId+country', code: 'DUPLICATE_TAX_ID' },
    ]);
    expect(vendor!.refs).toEqual([
      {
        field: 'ownerId',
        model: 'Vendor',
        modelKey: 'vendor',
        tableEnvVar: 'VENDORS_TABLE',
        label: 'Vendor',
        required: false,
        columns: [
          { by: 'id', column: 'ownerId' },
          { by: 'code', column: 'ownerCode', claim: 'vendor.code', normalize: 'CASE_INSENSITIVE' },
        ],
        code: 'UNKNOWN_VENDOR',
        index: 'byOwner',
      },
    ]);
    expect(vendor!.rules).toEqual([{ field: 'renewal', notBefore: 'since' }]);
    expect(vendor!.stored.find((s) => s.field === 'rating')!.kind).toBe('number');
    expect(vendor!.stored.find((s) => s.field === 'ownerId')!.kind).toBe('ref');
    // 2 uniques and 1 reference: written 1 + 2 + 1 = 4 items a row → ⌊98 / 4⌋ = 24; read 1 + 2 → ⌊98 / 3⌋ = 32; refs ⌊100 / 1⌋
    expect(vendor!.batchRows).toBe(24);
    expect(vendor!.generatedGet).toBe('getVendor');
    expect(vendor!.hook).toBeNull();
    expect(aliases.vendor!.code).toEqual(['vendor code']);
    expect(aliases.vendor!.ownerCode).toEqual(['parent vendor']);
  });

  it('derives the repository models as the issue describes them', () => {
    const invoice = MODELS.find((m) => m.name === 'Invoice')!;
    expect(invoice.uniques.map((u) => [u.field, u.claim])).toEqual([['invoiceNumber', 'invoice.invoiceNumber']]);
    expect(invoice.refs.map((r) => [r.field, r.model, r.required, r.columns.map((c) => c.column)])).toEqual([
      ['customerId', 'Customer', true, ['customerEmail', 'customerId']],
      ['projectId', 'Project', false, ['projectId']],
    ]);
    expect(invoice.columns.amount).toMatchObject({ format: 'decimal', min: 0, required: true });
    expect(invoice.columns.currency!.format).toBe('enum');
    expect(invoice.columns.currency!.enumValues).toEqual(expect.arrayContaining(['EUR', 'USD', 'JPY', 'CHF']));
    expect(invoice.columns.currency!.enumValues).not.toContain('XYZ');
    expect(invoice.rules).toEqual([{ field: 'dueDate', notBefore: 'issueDate' }]);
    // Invoice: 1 unique + 2 references → ⌊98 / 4⌋ = 24 rows; Customer 1 + 1 → 49; Project 1 + 1 ref → 49
    expect(MODELS.map((m) => [m.name, m.batchRows])).toEqual([
      ['Customer', 49],
      ['Project', 49],
      ['Invoice', 24],
    ]);
    expect(MODELS.find((m) => m.name === 'Project')!.columns.status).toMatchObject({ required: false, default: 'PLANNED', format: 'enum' });
  });

  it.each([
    ['a reference to a type that is not importable', 'customerId: ID @ref(model: "Nobody", by: ["id"])', /@ref\(model: "Nobody"\) names no @importable type/],
    ['a reference by a field that is not unique', 'other: ID @ref(model: "Thing", by: ["name"])', /must be "id" or a single-field @unique of Thing/],
    ['an alias for a key the reference does not have', 'other: ID @ref(model: "Thing", by: ["id"], aliases: ["email=x"])', /must read "<key>=<column name>"/],
    ['a field a file cell cannot hold', 'tags: [String]', /field tags has type \[String\]: a file cell holds one value, not a list/],
    ['a uniqueness with an unknown field', 'code: String @unique(with: ["nope"])', /@unique\(with: \["nope"\]\) names no imported field/],
    ['an invalid pattern', 'code: String @field(pattern: "^([a-z$")', /not a valid regular expression/],
    ['a pattern that is not anchored', 'code: String @field(pattern: "[a-z]+")', /must be anchored, "\^…\$"/],
  ])('refuses %s, naming the type and field', (_what, field, message) => {
    const sdl = VOCABULARY + api(`type Thing @importable(label: "Thing") { id: ID! @managed  name: String  ${field} }`);
    expect(() => readModels(parse(sdl))).toThrow(ModelSchemaError);
    expect(() => readModels(parse(sdl))).toThrow(message);
  });

  it('refuses a model without a managed id and a rule on an unknown field', () => {
    expect(() => readModels(parse(VOCABULARY + api('type T @importable(label: "T") { name: String }')))).toThrow(/type T: an importable model needs `id: ID! @managed`/);
    expect(() => readModels(parse(VOCABULARY + api('type T @importable(label: "T") @rule(field: "a", notBefore: "b") { id: ID! @managed  a: AWSDate }')))).toThrow(/@rule names b/);
    expect(() => readModels(parse(VOCABULARY + api('type T @importable(label: "T", hook: "../evil") { id: ID! @managed  a: String }')))).toThrow(/@importable\(hook: "..\/evil"\) must be a function name/);
    expect(readModels(parse(VOCABULARY + api('type T @importable(label: "T", hook: "checkTRows") { id: ID! @managed  a: String }'))).models[0]!.hook).toBe('checkTRows');
  });

  it('refuses a model whose generated check query the schema already declares', () => {
    expect(() => readModels(parse(VOCABULARY + api('type T @importable(label: "T") { id: ID! @managed  a: String }', 'checkTs(rows: [String]): String')))).toThrow(
      /type T: Query declares checkTs, the check query codegen generates for the model/,
    );
  });
});

describe('expandSchema and stripForeman', () => {
  it('adds the generated definitions, keeps declared queries, and strips every Foreman directive', () => {
    const expanded = expandSchema(parse(VOCABULARY + api(VENDOR, 'getVendor(id: ID!): Vendor')));
    const text = stripForeman(expanded);
    const schema = buildSchema(`${AWS}\n${print(text)}`);
    // getVendor was declared: only the declared one exists (no generated twin)
    expect(schema.getQueryType()!.getFields().getVendor!.args.map((a) => a.name)).toEqual(['id']);
    expect(Object.keys((schema.getType('VendorRowInput') as GraphQLInputObjectType).getFields())).toContain('ownerCode');
    expect(schema.getMutationType()!.getFields().importVendors).toBeDefined();
    expect(schema.getQueryType()!.getFields().listVendors).toBeDefined();
    const subscribe = schema.getSubscriptionType()!.getFields().onImport!.astNode!.directives!.map((d) => d.name.value);
    expect(subscribe).toEqual(['aws_subscribe']);
    const used = new Set<string>();
    visit(text, { Directive: (node) => void used.add(node.name.value) });
    expect([...used].sort()).toEqual(['aws_cognito_user_pools', 'aws_iam', 'aws_subscribe']);
  });

  it('adds a read-only check query per model, for importers, answering one shared RowCheck per row', () => {
    const TASK = `type Task @importable(label: "Task") { id: ID! @managed code: String! @unique }`;
    const expanded = print(stripForeman(expandSchema(parse(VOCABULARY + api(`${VENDOR}\n${TASK}`)))));
    const schema = buildSchema(`${AWS}\n${expanded}`);
    const queries = schema.getQueryType()!.getFields();
    // check<Plural>(rows: [<Model>RowInput!]!, ingestionId: ID): [RowCheck!]! — a query, so it cannot write
    for (const [field, input] of [['checkVendors', 'VendorRowInput'], ['checkTasks', 'TaskRowInput']] as const) {
      expect(String(queries[field]!.type)).toBe('[RowCheck!]!');
      expect(queries[field]!.args.map((a) => [a.name, String(a.type)])).toEqual([
        ['rows', `[${input}!]!`],
        ['ingestionId', 'ID'],
      ]);
      // the import's groups: admins and importers (viewers may read records, not try imports), and IAM
      const directives = queries[field]!.astNode!.directives!.map((d) => print(d));
      expect(directives).toEqual(['@aws_cognito_user_pools(cognito_groups: ["admins", "importers"])', '@aws_iam']);
    }
    expect(schema.getMutationType()!.getFields().checkVendors).toBeUndefined();
    // one RowCheck for every model: the import's row outcome, and the earlier checked row a repeat names
    expect(expanded.match(/type RowCheck /g)).toHaveLength(1);
    const rowCheck = schema.getType('RowCheck') as GraphQLObjectType;
    expect(Object.fromEntries(Object.values(rowCheck.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      rowNumber: 'Int!',
      status: 'RowStatus!',
      id: 'ID',
      errors: '[FieldError!]',
      conflict: 'RowConflict',
      repeatOf: 'Int',
    });
    // MODELS names the field (the wiring and the engine find a model's check by it)
    expect(readModels(parse(VOCABULARY + api(VENDOR))).models[0]!.checkField).toBe('checkVendors');
    expect(MODELS.map((m) => m.checkField)).toEqual(['checkCustomers', 'checkProjects', 'checkInvoices']);
  });

  it('keeps a RowCheck the schema declares instead of generating a second one', () => {
    const declared = `type RowCheck { rowNumber: Int! note: String }`;
    const kept = print(stripForeman(expandSchema(parse(VOCABULARY + api(`${VENDOR}\n${declared}`)))));
    expect(kept.match(/type RowCheck/g)).toHaveLength(1);
    expect(kept).toContain('note: String');
  });
});
