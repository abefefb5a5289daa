/**
 * The declarative field rules of every importable model: one table read by two interpreters,
 * the APPSYNC_JS validator in `resolvers/lib/validate.ts` (server side, `util.matches`) and the
 * engine's validator in `clients/ingest` (client side, `RegExp`). Patterns are therefore written
 * in the common subset of Java's Pattern and JavaScript's RegExp, and always anchored.
 *
 * The mapped types make this table follow the schema: add a field to `CustomerRowInput` or
 * `ProjectRowInput` in schema.graphql, run codegen, and compilation fails until its rule exists.
 *
 * APPSYNC_JS-safe: plain data, no functions.
 */
import type { CustomerRowInput, ProjectRowInput } from '../../schema/generated/types';

export type FieldFormat = 'email' | 'phone' | 'date' | 'decimal' | 'enum' | 'text';

export interface FieldRule {
  /** Human label used in messages and in `foreman models`. */
  label: string;
  required: boolean;
  format: FieldFormat;
  maxLength: number;
  /** Column headers that map to this field, compared after normalising the header (see `normalizeHeader`). */
  aliases: string[];
  /** For `enum`: the accepted values (compared upper-cased, spaces and dashes as underscores). */
  enumValues?: string[];
  /** For `decimal`: the smallest accepted value. */
  min?: number;
}

export type ModelRules<T> = { [K in Exclude<keyof T, 'rowNumber'>]-?: FieldRule };

/** One character an email may hold (a negated class written for both Java's Pattern and JavaScript's RegExp). */
const EMAIL_PART = '[^\\s@,;:<>()\\[\\]"\\\\\\u0000-\\u001f\\u007f-\\u00a0\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';

/** Anchored patterns shared by both validators. */
export const PATTERNS = {
  // local@domain.tld with none of RFC 822's specials ()<>@,;:\\"[] (what AppSync's AWSEmail refuses:
  // `poison@[10.0.0.1]` would be stored and then break every query returning it), no whitespace,
  // control, zero-width or bidi-override characters (they make look-alike addresses).
  email: `^${EMAIL_PART}+@${EMAIL_PART}+\\.${EMAIL_PART}+$`,
  phone: '^\\+?[0-9][0-9 ().\\-]{5,22}[0-9]$',
  date: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
  decimal: '^-?[0-9]+(\\.[0-9]+)?$',
} as const;

export const customerRules: ModelRules<CustomerRowInput> = {
  email: {
    label: 'Email',
    required: true,
    format: 'email',
    maxLength: 254,
    aliases: ['email', 'e-mail', 'e mail', 'email address', 'e-mail address', 'mail', 'emailaddress', 'contact email', 'customer email', 'work email'],
  },
  name: {
    label: 'Name',
    required: true,
    format: 'text',
    maxLength: 200,
    aliases: ['name', 'full name', 'fullname', 'customer name', 'customer', 'contact name', 'contact'],
  },
  phone: {
    label: 'Phone',
    required: false,
    format: 'phone',
    maxLength: 32,
    aliases: ['phone', 'phone number', 'telephone', 'tel', 'mobile', 'cell', 'phone no'],
  },
  company: {
    label: 'Company',
    required: false,
    format: 'text',
    maxLength: 200,
    aliases: ['company', 'company name', 'organization', 'organisation', 'org', 'business', 'employer'],
  },
  country: {
    label: 'Country',
    required: false,
    format: 'text',
    maxLength: 100,
    aliases: ['country', 'country code', 'nation'],
  },
  signupDate: {
    label: 'Signup date',
    required: false,
    format: 'date',
    maxLength: 10,
    aliases: ['signup date', 'signupdate', 'sign up date', 'signed up', 'joined', 'join date', 'registration date', 'customer since'],
  },
  notes: {
    label: 'Notes',
    required: false,
    format: 'text',
    maxLength: 2000,
    aliases: ['notes', 'note', 'comments', 'comment', 'remarks'],
  },
};

export const projectRules: ModelRules<ProjectRowInput> = {
  customerEmail: {
    label: 'Customer email',
    required: false,
    format: 'email',
    maxLength: 254,
    aliases: ['customer email', 'customeremail', 'client email', 'customer e-mail', 'owner email', 'email'],
  },
  customerId: {
    label: 'Customer id',
    required: false,
    format: 'text',
    maxLength: 64,
    aliases: ['customer id', 'customerid', 'client id', 'customer'],
  },
  name: {
    label: 'Project name',
    required: true,
    format: 'text',
    maxLength: 200,
    aliases: ['name', 'project', 'project name', 'projectname', 'title'],
  },
  status: {
    label: 'Status',
    required: false,
    format: 'enum',
    maxLength: 20,
    aliases: ['status', 'state', 'project status', 'stage'],
    enumValues: ['PLANNED', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'CANCELLED'],
  },
  budget: {
    label: 'Budget',
    required: false,
    format: 'decimal',
    maxLength: 20,
    aliases: ['budget', 'amount', 'value', 'budget usd', 'budget eur', 'cost'],
    min: 0,
  },
  startDate: {
    label: 'Start date',
    required: false,
    format: 'date',
    maxLength: 10,
    aliases: ['start date', 'startdate', 'start', 'starts', 'kickoff', 'begin date'],
  },
  dueDate: {
    label: 'Due date',
    required: false,
    format: 'date',
    maxLength: 10,
    aliases: ['due date', 'duedate', 'due', 'deadline', 'end date', 'enddate'],
  },
  description: {
    label: 'Description',
    required: false,
    format: 'text',
    maxLength: 4000,
    aliases: ['description', 'details', 'summary', 'notes'],
  },
};

/**
 * Rules that span fields, checked by both validators:
 * - a project names its customer by `customerEmail` or `customerId` (at least one);
 * - a project's `dueDate` is not before its `startDate`.
 */
export const CROSS_FIELD_RULES = ['projectCustomerRequired', 'projectDatesOrdered'] as const;

/** The longest batch an import mutation accepts: 2 transaction items a row + 2, within DynamoDB's 100. */
export const MAX_BATCH_ROWS = 49;

/**
 * How much of a rejected row the server stores (a `ROW#` item, and the errors again in the batch
 * marker's outcomes), so that rows of any width fit DynamoDB's 400 KB item limit and a batch of 49
 * fits TransactWriteItems' 4 MB: each cell cut to `cellChars` (marked "… [N more characters]"),
 * header names, fields and codes to `nameChars`, the row's JSON to about `rawChars` (cells after
 * that are counted, not stored), at most `errors` errors (then one MORE_ERRORS) of `messageChars`.
 * Worst case, every character 3 UTF-8 bytes: one error ≤ (64 + 64 + 200)·3 = 984 B, so a ROW item
 * ≤ 8,192·3 + 7·984 B ≈ 31 KB and a marker's errors ≤ 49·7·984 B ≈ 337 KB, both under 400 KB, and a
 * batch ≤ 49·31 KB + 337 KB ≈ 1.9 MB. The client's `--errors-out` report keeps the whole row.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export const ROW_ERROR_LIMITS = {
  cellChars: 1024,
  nameChars: 64,
  rawChars: 8192,
  errors: 6,
  messageChars: 200,
} as const;
