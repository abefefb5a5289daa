/**
 * The shape of the model metadata codegen derives from the schema's @importable types
 * (schema/codegen/expand.ts reads the directives; schema/generated/models.ts holds the result).
 * Read by the APPSYNC_JS import pipeline (resolvers/), the engine (clients/ingest), the CLI, the web
 * page and the Lambdas: one table, many interpreters. Types only.
 */

/** How a cell is checked, from the field's GraphQL type. */
export type FieldFormat = 'email' | 'phone' | 'date' | 'url' | 'decimal' | 'integer' | 'enum' | 'text';

/** One column of a model's row input: every cell arrives as text. */
export interface FieldRule {
  /** Human label used in messages and in `foreman models`. */
  label: string;
  required: boolean;
  format: FieldFormat;
  /** In characters (code points). */
  maxLength: number;
  /** For `enum`: the accepted values (compared upper-cased, spaces and dashes as underscores). */
  enumValues?: string[];
  /** For numbers: the smallest and largest accepted value. */
  min?: number;
  max?: number;
  /** An extra anchored pattern (Java Pattern and JavaScript RegExp alike), with `hint` for the message. */
  pattern?: string;
  hint?: string;
  /** Stored when the cell is empty. */
  default?: string;
}

export type Normalize = 'TRIM' | 'CASE_INSENSITIVE' | 'EMAIL';

/** A @unique field: one claim per value in the Uniques table, written in the record's transaction. */
export interface UniqueSpec {
  field: string;
  /** Composite uniqueness: the value is unique among records with the same values of these fields. */
  with: string[];
  normalize: Normalize;
  /** The claim keys' prefix: `<claim>#<value>[#<with value>…]`, e.g. `customer.email#ada@example.com`. */
  claim: string;
  /** FieldError code of a row whose value another record owns, e.g. DUPLICATE_EMAIL. */
  code: string;
}

/** How a row may name a reference's target: by its id or by one of its @unique fields. */
export interface RefColumn {
  /** `id` or the target's unique field. */
  by: string;
  /** The row input field (column) carrying it, e.g. customerEmail. */
  column: string;
  /** For a unique key: the target's claim prefix and normalisation. */
  claim?: string;
  normalize?: Normalize;
}

/** A @ref field: stores the target's id; the row names the target by one of `columns`. */
export interface RefSpec {
  /** The stored field, e.g. customerId. */
  field: string;
  /** The target model's name, key and table variable. */
  model: string;
  modelKey: string;
  tableEnvVar: string;
  label: string;
  /** A non-null field: one of the columns must name the target. */
  required: boolean;
  /**
   * In `by` order (a missing required reference is reported on the first). A row that fills
   * several names the target by id when it has one (an id is exact), else by the first filled.
   */
  columns: RefColumn[];
  /** FieldError code of a row naming no existing target, e.g. UNKNOWN_CUSTOMER. */
  code: string;
  /** The model table's GSI on `field` (newest first by createdAt), e.g. byCustomer for customerId. */
  index: string;
}

/** A rule across fields: `field` is not before `notBefore` (ISO dates compare as text). */
export interface CrossRule {
  field: string;
  notBefore: string;
}

/** What the server stores for a column-backed field and how (numbers are stored as numbers). */
export interface StoredField {
  field: string;
  kind: 'string' | 'number' | 'ref';
}

export interface ModelMeta {
  /** The GraphQL type, e.g. Invoice. */
  name: string;
  /** Lower-case key used by the CLI (`--model invoice`), e.g. invoice. */
  key: string;
  /** The `ModelName` enum value, e.g. INVOICE. */
  apiName: string;
  label: string;
  plural: string;
  /** The import mutation, e.g. importInvoices; its input type, e.g. ImportInvoicesInput. */
  importField: string;
  importInput: string;
  /** The read-only check query, e.g. checkInvoices: what an import of rows would answer, writing nothing. */
  checkField: string;
  /** Batch markers' sort-key kind, e.g. BATCH#Invoice. */
  markerKind: string;
  /** The model's table: logical id (e.g. Invoices) and the AppSync environment variable with its name. */
  table: string;
  tableEnvVar: string;
  /** Row input fields (file columns) in declaration order. */
  columns: Record<string, FieldRule>;
  stored: StoredField[];
  uniques: UniqueSpec[];
  refs: RefSpec[];
  rules: CrossRule[];
  /** Rows per import batch: what one TransactWriteItems and one BatchGetItem hold (100 items each). */
  batchRows: number;
  /** A hand-written APPSYNC_JS function run first in the model's import pipeline (`@importable(hook:)`). */
  hook: string | null;
  /** `get<Model>` / `list<Plural>` when codegen generated them (null when the schema declares its own). */
  generatedGet: string | null;
  generatedList: string | null;
}
