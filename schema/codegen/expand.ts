/**
 * Reads Foreman's model vocabulary (schema/foreman.graphql) from the schema and expands it, the
 * way Amplify's transformer turns @model types into an AppSync schema (docs/models.md):
 *
 * - `readModels` interprets the directives of every @importable type into ModelMeta
 *   (schema/models.ts): columns and their rules, uniques, references, cross-field rules, batch size;
 * - `expandSchema` adds what each model needs to the schema: the `ModelName` enum, `<Model>RowInput`,
 *   `Import<Plural>Input`, the `import<Plural>` mutation, the read-only `check<Plural>` query and the
 *   `RowCheck` type it answers with, `get<Model>` / `list<Plural>` (unless the schema declares them)
 *   and the import mutations in every @importProgress subscription;
 * - `stripForeman` removes the vocabulary again: AppSync accepts only its own directives.
 *
 * Used by codegen's schema loader and plugins (schema/codegen/*.ts), never at run time.
 */
import { Kind, parse, print, valueFromASTUntyped } from 'graphql';
import type {
  ConstDirectiveNode,
  DefinitionNode,
  DocumentNode,
  EnumTypeDefinitionNode,
  FieldDefinitionNode,
  ObjectTypeDefinitionNode,
  TypeNode,
} from 'graphql';
import type { FieldFormat, FieldRule, ModelMeta, Normalize, RefSpec, StoredField, UniqueSpec } from '../models';

/** Directives and types of schema/foreman.graphql. */
export const FOREMAN_DIRECTIVES = ['importable', 'unique', 'ref', 'field', 'managed', 'rule', 'importProgress'];
export const FOREMAN_TYPES = ['ForemanNormalize'];

/** Who may call the generated fields (docs/auth.md): the same groups as the hand-written ones. */
const READ_AUTH = '@aws_cognito_user_pools(cognito_groups: ["admins", "importers", "viewers"]) @aws_iam';
const IMPORT_AUTH = '@aws_cognito_user_pools(cognito_groups: ["admins", "importers"]) @aws_iam';

/** DynamoDB's limit on the items of one TransactWriteItems and the keys of one BatchGetItem. */
const DYNAMODB_ITEMS = 100;
/** A batch's own items: the ingestion's counters and the batch marker (written) or META and marker (read). */
const BATCH_OVERHEAD = 2;
/** Never more rows per batch than this, whatever the model (the engine's unit of progress). */
const MAX_ROWS = 49;

export class ModelSchemaError extends Error {
  constructor(typeName: string, message: string) {
    super(`schema/schema.graphql, type ${typeName}: ${message}`);
    this.name = 'ModelSchemaError';
  }
}

type Args = Record<string, unknown>;

function directive(node: { directives?: readonly ConstDirectiveNode[] }, name: string): Args | undefined {
  const d = node.directives?.find((x) => x.name.value === name);
  return d ? Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)])) : undefined;
}

function directives(node: { directives?: readonly ConstDirectiveNode[] }, name: string): Args[] {
  return (node.directives ?? []).filter((x) => x.name.value === name).map((d) => Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)])));
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** `signupDate` → `Signup date`. */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `invoiceNumber` → `INVOICE_NUMBER`. */
function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

const FORMATS: Record<string, FieldFormat> = {
  AWSEmail: 'email',
  AWSPhone: 'phone',
  AWSDate: 'date',
  AWSURL: 'url',
  Float: 'decimal',
  Int: 'integer',
  String: 'text',
  ID: 'text',
};

/** Longest cell a format accepts unless @field says otherwise (RFC 5321 for emails). */
const DEFAULT_MAX_LENGTH: Record<FieldFormat, number> = { email: 254, phone: 32, date: 10, url: 2048, decimal: 32, integer: 20, enum: 64, text: 1000 };

interface Parsed {
  doc: DocumentNode;
  types: Map<string, ObjectTypeDefinitionNode>;
  enums: Map<string, EnumTypeDefinitionNode>;
}

function index(doc: DocumentNode): Parsed {
  const types = new Map<string, ObjectTypeDefinitionNode>();
  const enums = new Map<string, EnumTypeDefinitionNode>();
  for (const d of doc.definitions) {
    if (d.kind === Kind.OBJECT_TYPE_DEFINITION) types.set(d.name.value, d);
    if (d.kind === Kind.ENUM_TYPE_DEFINITION) enums.set(d.name.value, d);
  }
  return { doc, types, enums };
}

function importables(p: Parsed): ObjectTypeDefinitionNode[] {
  return [...p.types.values()].filter((t) => directive(t, 'importable'));
}

function naming(type: ObjectTypeDefinitionNode): { label: string; plural: string; key: string } {
  const imp = directive(type, 'importable')!;
  const label = typeof imp.label === 'string' ? imp.label : type.name.value;
  const plural = typeof imp.plural === 'string' ? imp.plural : `${type.name.value}s`;
  return { label, plural, key: type.name.value.charAt(0).toLowerCase() + type.name.value.slice(1) };
}

function fieldRule(p: Parsed, typeName: string, field: FieldDefinitionNode): FieldRule {
  const f = directive(field, 'field') ?? {};
  const typeName_ = namedType(field.type);
  const nullable = field.type.kind === Kind.NON_NULL_TYPE ? field.type.type : field.type;
  if (nullable.kind === Kind.LIST_TYPE) {
    throw new ModelSchemaError(typeName, `field ${field.name.value} has type ${print(field.type)}: a file cell holds one value, not a list.`);
  }
  const enumType = p.enums.get(typeName_);
  const format: FieldFormat | undefined = enumType ? 'enum' : FORMATS[typeName_];
  if (!format) {
    throw new ModelSchemaError(typeName, `field ${field.name.value} has type ${typeName_}, which a file cell cannot hold (use a scalar, an AWS scalar or an enum).`);
  }
  const rule: FieldRule = {
    label: typeof f.label === 'string' ? f.label : humanize(field.name.value),
    required: field.type.kind === Kind.NON_NULL_TYPE && typeof f.default !== 'string',
    format,
    maxLength: typeof f.maxLength === 'number' ? f.maxLength : DEFAULT_MAX_LENGTH[format],
  };
  if (enumType) {
    rule.enumValues = (enumType.values ?? []).map((v) => v.name.value);
    if (typeof f.maxLength !== 'number') rule.maxLength = Math.max(...rule.enumValues.map((v) => v.length));
  }
  for (const key of ['min', 'max'] as const) {
    if (typeof f[key] === 'number') rule[key] = f[key] as number;
  }
  for (const key of ['pattern', 'hint', 'default'] as const) {
    if (typeof f[key] === 'string') rule[key] = f[key] as string;
  }
  if (rule.pattern !== undefined) {
    // Anchored, so the engine's RegExp.test and the server's util.matches (whole value) agree.
    if (!rule.pattern.startsWith('^') || !rule.pattern.endsWith('$')) {
      throw new ModelSchemaError(typeName, `field ${field.name.value}: @field(pattern:) must be anchored, "^…$" (the server matches the whole value, the engine a RegExp).`);
    }
    try {
      new RegExp(rule.pattern);
    } catch (e) {
      throw new ModelSchemaError(typeName, `field ${field.name.value}: @field(pattern:) is not a valid regular expression (${(e as Error).message}).`);
    }
  }
  if (rule.default !== undefined && rule.enumValues && !rule.enumValues.includes(rule.default)) {
    throw new ModelSchemaError(typeName, `field ${field.name.value}: @field(default: "${rule.default}") is not one of ${rule.enumValues.join(', ')}.`);
  }
  return rule;
}

/** `@importable(hook:)`: an AppSync function name, which is also its file name. */
function hookOf(type: ObjectTypeDefinitionNode): string | null {
  const hook = directive(type, 'importable')!.hook;
  if (hook === undefined || hook === null) return null;
  if (typeof hook !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(hook)) {
    throw new ModelSchemaError(type.name.value, `@importable(hook: ${JSON.stringify(hook)}) must be a function name (letters, digits, _), the file resolvers/functions/<hook>.ts.`);
  }
  return hook;
}

function aliasesOf(field: FieldDefinitionNode): string[] {
  const f = directive(field, 'field');
  return Array.isArray(f?.aliases) ? (f.aliases as string[]) : [];
}

/** The column base of a reference field: `customerId` → `customer`. */
function refBase(field: string): string {
  return field.endsWith('Id') && field.length > 2 ? field.slice(0, -2) : field;
}

export interface ModelsResult {
  models: ModelMeta[];
  /** model key → column → extra header names (clients only: resolvers never need them). */
  aliases: Record<string, Record<string, string[]>>;
}

/** Interprets every @importable type of `doc` (see schema/foreman.graphql). */
export function readModels(doc: DocumentNode): ModelsResult {
  const p = index(doc);
  const models: ModelMeta[] = [];
  const aliases: ModelsResult['aliases'] = {};
  const types = importables(p);
  const byName = new Map(types.map((t) => [t.name.value, t]));
  const uniqueOf = (type: ObjectTypeDefinitionNode, field: string): Args | undefined => {
    const def = type.fields?.find((f) => f.name.value === field);
    return def ? directive(def, 'unique') : undefined;
  };
  for (const type of types) {
    const typeName = type.name.value;
    const { label, plural, key } = naming(type);
    const columns: Record<string, FieldRule> = {};
    const columnAliases: Record<string, string[]> = {};
    const stored: StoredField[] = [];
    const uniques: UniqueSpec[] = [];
    const refs: RefSpec[] = [];
    const fields = type.fields ?? [];
    if (!fields.some((f) => f.name.value === 'id' && directive(f, 'managed'))) {
      throw new ModelSchemaError(typeName, 'an importable model needs `id: ID! @managed`.');
    }
    for (const field of fields) {
      const name = field.name.value;
      if (directive(field, 'managed')) continue;
      const ref = directive(field, 'ref');
      if (ref) {
        const target = byName.get(String(ref.model));
        if (!target) throw new ModelSchemaError(typeName, `field ${name}: @ref(model: "${String(ref.model)}") names no @importable type.`);
        const by = Array.isArray(ref.by) ? (ref.by as string[]) : [];
        if (by.length === 0) throw new ModelSchemaError(typeName, `field ${name}: @ref needs by: ["id", …].`);
        const targetNaming = naming(target);
        const refLabel = typeof ref.label === 'string' ? ref.label : targetNaming.label;
        const refAliases = (Array.isArray(ref.aliases) ? (ref.aliases as string[]) : []).map((a) => {
          const at = a.indexOf('=');
          if (at <= 0 || !by.includes(a.slice(0, at))) {
            throw new ModelSchemaError(typeName, `field ${name}: @ref alias "${a}" must read "<key>=<column name>" with a key of by: ${JSON.stringify(by)}.`);
          }
          return [a.slice(0, at), a.slice(at + 1)] as const;
        });
        const spec: RefSpec = {
          field: name,
          model: target.name.value,
          modelKey: targetNaming.key,
          tableEnvVar: `${constantCase(targetNaming.plural)}_TABLE`,
          label: refLabel,
          required: field.type.kind === Kind.NON_NULL_TYPE,
          columns: [],
          code: `UNKNOWN_${constantCase(target.name.value)}`,
          index: `by${capitalize(refBase(name))}`,
        };
        for (const k of by) {
          const column = `${refBase(name)}${capitalize(k)}`;
          if (k === 'id') {
            columns[column] = { label: `${refLabel} id`, required: false, format: 'text', maxLength: 64 };
            spec.columns.push({ by: 'id', column });
          } else {
            const unique = uniqueOf(target, k);
            const targetField = target.fields?.find((f) => f.name.value === k);
            if (!unique || !targetField || (Array.isArray(unique.with) && unique.with.length > 0)) {
              throw new ModelSchemaError(typeName, `field ${name}: @ref by "${k}" must be "id" or a single-field @unique of ${target.name.value}.`);
            }
            const targetRule = fieldRule(p, target.name.value, targetField);
            columns[column] = { label: `${refLabel} ${targetRule.label.toLowerCase()}`, required: false, format: targetRule.format, maxLength: targetRule.maxLength };
            spec.columns.push({ by: k, column, claim: `${targetNaming.key}.${k}`, normalize: (unique.normalize as Normalize) ?? 'TRIM' });
          }
          columnAliases[column] = refAliases.filter(([key_]) => key_ === k).map(([, alias]) => alias);
        }
        refs.push(spec);
        stored.push({ field: name, kind: 'ref' });
        continue;
      }
      const rule = fieldRule(p, typeName, field);
      columns[name] = rule;
      columnAliases[name] = aliasesOf(field);
      stored.push({ field: name, kind: rule.format === 'decimal' || rule.format === 'integer' ? 'number' : 'string' });
      const unique = directive(field, 'unique');
      if (unique) {
        const withFields = Array.isArray(unique.with) ? (unique.with as string[]) : [];
        for (const w of withFields) {
          if (!fields.some((f) => f.name.value === w && !directive(f, 'managed'))) {
            throw new ModelSchemaError(typeName, `field ${name}: @unique(with: ["${w}"]) names no imported field of ${typeName}.`);
          }
        }
        uniques.push({
          field: name,
          with: withFields,
          normalize: (unique.normalize as Normalize) ?? 'TRIM',
          claim: [`${key}.${name}`, ...withFields].join('+'),
          code: `DUPLICATE_${constantCase(name)}`,
        });
      }
    }
    const rules = directives(type, 'rule').map((r) => ({ field: String(r.field), notBefore: String(r.notBefore) }));
    for (const r of rules) {
      for (const f of [r.field, r.notBefore]) {
        if (!columns[f]) throw new ModelSchemaError(typeName, `@rule names ${f}, which is not an imported field.`);
      }
    }
    const u = uniques.length;
    const batchRows = Math.min(
      MAX_ROWS,
      // Written: per row its record and a claim per unique, plus a condition check per reference.
      Math.floor((DYNAMODB_ITEMS - BATCH_OVERHEAD) / (1 + u + refs.length)),
      // Read: per row its stored error and its claims (or its derived id when it has none).
      Math.floor((DYNAMODB_ITEMS - BATCH_OVERHEAD) / (1 + Math.max(u, 1))),
      // References looked up: one key per row and reference.
      refs.length > 0 ? Math.floor(DYNAMODB_ITEMS / refs.length) : MAX_ROWS,
    );
    const queryFields = fieldNames(p.types.get('Query'));
    if (batchRows < 1) throw new ModelSchemaError(typeName, 'too many @unique and @ref fields for one DynamoDB transaction per row.');
    if (queryFields.has(`check${plural}`)) throw new ModelSchemaError(typeName, `Query declares check${plural}, the check query codegen generates for the model; remove it or choose another plural.`);
    models.push({
      name: typeName,
      key,
      apiName: constantCase(typeName),
      label,
      plural,
      importField: `import${plural}`,
      importInput: `Import${plural}Input`,
      checkField: `check${plural}`,
      markerKind: `BATCH#${typeName}`,
      table: plural,
      tableEnvVar: `${constantCase(plural)}_TABLE`,
      columns,
      stored,
      uniques,
      refs,
      rules,
      batchRows,
      hook: hookOf(type),
      generatedGet: queryFields.has(`get${typeName}`) ? null : `get${typeName}`,
      generatedList: queryFields.has(`list${plural}`) ? null : `list${plural}`,
    });
    aliases[key] = columnAliases;
  }
  return { models, aliases };
}

function fieldNames(type: ObjectTypeDefinitionNode | undefined): Set<string> {
  return new Set((type?.fields ?? []).map((f) => f.name.value));
}

/**
 * The schema with every model's generated definitions added (see the file's comment). The Foreman
 * directives stay: `stripForeman` removes them for AppSync.
 */
export function expandSchema(doc: DocumentNode): DocumentNode {
  const { models } = readModels(doc);
  const p = index(doc);
  const sdl: string[] = [];
  sdl.push(`"The importable models (@importable types)."\nenum ModelName {\n${models.map((m) => `  ${m.apiName}`).join('\n')}\n}`);
  const newQueries: string[] = [];
  const newMutations: string[] = [];
  if (models.length > 0 && !p.types.has('RowCheck')) sdl.push(ROW_CHECK);
  for (const m of models) {
    const cols = Object.entries(m.columns)
      .map(([name, rule]) => `  "${rule.label}${rule.required ? ' (required)' : ''}"\n  ${name}: String`)
      .join('\n');
    const article = /^[aeiou]/i.test(m.label) ? 'An' : 'A';
    sdl.push(`"${article} ${m.label.toLowerCase()} row as read from a file: every cell is text, the server validates it (generated from @importable ${m.name})."\ninput ${m.name}RowInput {\n  rowNumber: Int!\n${cols}\n}`);
    sdl.push(
      `input ${m.importInput} {\n  ingestionId: ID!\n  "Numbered from 1 by the client; re-sending a batch number is a no-op that returns the stored outcomes."\n  batchNumber: Int!\n  "At most ${m.batchRows} rows."\n  rows: [${m.name}RowInput!]!\n}`,
    );
    newMutations.push(`  "Imports a batch of ${m.label.toLowerCase()} rows into a running ingestion (generated)."\n  ${m.importField}(input: ${m.importInput}!): IngestionProgress! ${IMPORT_AUTH}`);
    newQueries.push(
      `  "What ${m.importField} would answer for these rows now — at most ${m.batchRows}; writes nothing (generated). With ingestionId (checkFile's RESUME), rows that ingestion wrote answer ALREADY_IMPORTED."\n  ${m.checkField}(rows: [${m.name}RowInput!]!, ingestionId: ID): [RowCheck!]! ${IMPORT_AUTH}`,
    );
    if (!p.types.has(`${m.name}Connection`)) {
      sdl.push(`type ${m.name}Connection @aws_cognito_user_pools @aws_iam {\n  items: [${m.name}!]!\n  nextToken: String\n}`);
    }
    if (m.generatedGet) newQueries.push(`  ${m.generatedGet}(id: ID!): ${m.name} ${READ_AUTH}`);
    if (m.generatedList) newQueries.push(`  ${m.generatedList}(limit: Int, nextToken: String): ${m.name}Connection! ${READ_AUTH}`);
  }
  const imports = models.map((m) => m.importField);
  const extra = parse(sdl.join('\n\n'));
  const extraFields = (body: string[]): readonly FieldDefinitionNode[] =>
    body.length === 0 ? [] : (parse(`type X {\n${body.join('\n')}\n}`).definitions[0] as ObjectTypeDefinitionNode).fields ?? [];
  const definitions: DefinitionNode[] = doc.definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION) return d;
    if (d.name.value === 'Query') return { ...d, fields: [...(d.fields ?? []), ...extraFields(newQueries)] };
    if (d.name.value === 'Mutation') return { ...d, fields: [...(d.fields ?? []), ...extraFields(newMutations)] };
    if (d.name.value === 'Subscription') {
      return { ...d, fields: (d.fields ?? []).map((f) => (directive(f, 'importProgress') ? withImportMutations(f, imports) : f)) };
    }
    return d;
  });
  return { kind: Kind.DOCUMENT, definitions: [...definitions, ...extra.definitions] };
}

/** The answer of every generated check<Plural> query, one per row (declared once for all models). */
const ROW_CHECK = `"What an import would make of one row now (the generated check queries); nothing is written."
type RowCheck @aws_cognito_user_pools @aws_iam {
  rowNumber: Int!
  "CREATED: the row would be created; DUPLICATE or INVALID: it would be rejected, with the import's errors; ALREADY_IMPORTED: the ingestion named in the query wrote it."
  status: RowStatus!
  "ALREADY_IMPORTED: the record."
  id: ID
  errors: [FieldError!]
  "DUPLICATE of an existing record: who owns the value."
  conflict: RowConflict
  "DUPLICATE of an earlier row among the checked rows: that row's number (the first row in file order owns a value)."
  repeatOf: Int
}`;

/** Adds `imports` to the field's @aws_subscribe(mutations:) list, first. */
function withImportMutations(field: FieldDefinitionNode, imports: string[]): FieldDefinitionNode {
  return {
    ...field,
    directives: (field.directives ?? []).map((d) => {
      if (d.name.value !== 'aws_subscribe') return d;
      return {
        ...d,
        arguments: (d.arguments ?? []).map((a) => {
          if (a.name.value !== 'mutations' || a.value.kind !== Kind.LIST) return a;
          const listed = a.value.values.map((v) => (v.kind === Kind.STRING ? v.value : ''));
          const added = imports.filter((i) => !listed.includes(i)).map((value) => ({ kind: Kind.STRING, value }) as const);
          return { ...a, value: { ...a.value, values: [...added, ...a.value.values] } };
        }),
      };
    }),
  };
}

/** The document without Foreman's directives (usages and definitions) and types: what AppSync accepts. */
export function stripForeman(doc: DocumentNode): DocumentNode {
  const strip = <T extends { directives?: readonly ConstDirectiveNode[] }>(node: T): T =>
    node.directives ? { ...node, directives: node.directives.filter((d) => !FOREMAN_DIRECTIVES.includes(d.name.value)) } : node;
  const definitions = doc.definitions
    .filter((d) => !(d.kind === Kind.DIRECTIVE_DEFINITION && FOREMAN_DIRECTIVES.includes(d.name.value)))
    .filter((d) => !('name' in d && d.name && FOREMAN_TYPES.includes(d.name.value)))
    .map((d) => {
      if (d.kind === Kind.OBJECT_TYPE_DEFINITION) return { ...strip(d), fields: d.fields?.map(strip) };
      return d;
    });
  return { kind: Kind.DOCUMENT, definitions };
}

/**
 * The operations clients send for each model (codegen's documents loader): its import mutation and
 * its check query (fragments ProgressFields and RowCheckFields: clients/api/operations/ingestion.graphql).
 */
export function importOperations(doc: DocumentNode): string {
  return readModels(doc)
    .models.map(
      (m) =>
        `mutation ${capitalize(m.importField)}($input: ${m.importInput}!) {\n  ${m.importField}(input: $input) {\n    ...ProgressFields\n  }\n}\n\n` +
        `query ${capitalize(m.checkField)}($rows: [${m.name}RowInput!]!, $ingestionId: ID) {\n  ${m.checkField}(rows: $rows, ingestionId: $ingestionId) {\n    ...RowCheckFields\n  }\n}\n`,
    )
    .join('\n');
}

export { print };
