/**
 * The engine's interpreter of the model table (schema/generated/models.ts): the same checks and
 * codes as the server's APPSYNC_JS validator over the same table (docs/architecture.md, "Bad
 * input"), so a row the engine rejects is one the server would reject. Its messages quote the cell
 * and say what would be accepted, for the person fixing the file; the server's are shorter. The
 * server validates again; this one lets the client reject bad rows before sending them.
 *
 * Per row, in this order: every column (declaration order), then every required reference, then
 * the cross-field rules. Per cell: empty → its default, else REQUIRED when required; TOO_LONG
 * (characters, i.e. code points); FORMAT (email, phone, date, url, decimal, integer, then the
 * column's `pattern`); FORMAT for an identifier (a text column with @unique, or a reference
 * column) holding a control, zero-width or bidi-override character; ENUM; RANGE (min, max).
 */
import type { FieldErrorInput } from '../../schema/generated/types';
import { IDENTIFIER_FORBIDDEN, INT_MAX, PATTERNS } from '../../resolvers/lib/rules';
import { fieldsOf, refColumnsLabel, type FieldFormat, type FieldRule, type ModelMeta, type RowInput } from './models';

export type FieldError = FieldErrorInput;

/** A row after validation: the values as the server stores them (trimmed, defaults filled, enums normalised, numbers as text) and the errors. */
export interface CheckedRow {
  values: Record<string, string>;
  errors: FieldError[];
}

const REGEX = {
  email: new RegExp(PATTERNS.email),
  phone: new RegExp(PATTERNS.phone),
  date: new RegExp(PATTERNS.date),
  decimal: new RegExp(PATTERNS.decimal),
  integer: new RegExp(PATTERNS.integer),
  url: new RegExp(PATTERNS.url),
} as const;

/** Characters an identifier may not hold (the server's class): controls, zero-width, bidi embeddings, overrides and isolates, BOM. */
const NOT_IN_IDENTIFIERS = new RegExp(IDENTIFIER_FORBIDDEN);

/** Upper-cased with each space and dash an underscore, exactly as the server compares enum values. */
export function normalizeEnum(value: string): string {
  return value.trim().toUpperCase().replace(/[ -]/g, '_');
}

/** `YYYY-MM-DD` naming a real calendar day (the pattern alone accepts 2023-02-31), as the server checks. */
export function isCalendarDate(text: string): boolean {
  if (!REGEX.date.test(text)) return false;
  const digit = (i: number) => text.charCodeAt(i) - 48;
  const y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const m = digit(5) * 10 + digit(6);
  const d = digit(8) * 10 + digit(9);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d >= 1 && d <= days;
}

/** An AWSURL: a scheme and no two slashes in a row in the path (after `scheme://host`). */
export function isUrl(text: string): boolean {
  if (!REGEX.url.test(text)) return false;
  const rest = text.slice(text.indexOf(':') + 1);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  return !path.split(/[?#]/)[0]!.includes('//');
}

/** Code points in `text` (UTF-16 surrogate pairs count once). */
export function characterCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/** Whether a text cell of `format` is well-formed (text and enum always are; enums are checked apart). */
function wellFormed(format: FieldFormat, text: string): boolean {
  switch (format) {
    case 'email':
    case 'phone':
    case 'decimal':
    case 'integer':
      return REGEX[format].test(text);
    case 'date':
      return isCalendarDate(text);
    case 'url':
      return isUrl(text);
    default:
      return true;
  }
}

/**
 * What a malformed cell of each format should look like. The engine's messages quote the cell and
 * say how to fix it (the person reading them has the file open); the server's, for rows sent to the
 * API directly, are shorter (resolvers/lib/rules.ts FORMAT_MESSAGES). The codes are the same.
 */
const FORMAT_HINTS: Record<string, string> = {
  email: 'is not an email address like name@example.com',
  phone: 'is not a phone number (digits, spaces, dashes, brackets, an optional leading +)',
  date: 'is not a date as YYYY-MM-DD',
  url: 'is not a URL like https://example.com',
  integer: 'is not a whole number',
  decimal: 'is not a number like 1234.56 (a dot for decimals, no thousands separators)',
};

/** A cell as a message quotes it: at most 60 characters. */
function quoted(text: string): string {
  const chars = [...text];
  return JSON.stringify(chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : text);
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The FORMAT message of a malformed cell. */
export function formatMessage(rule: FieldRule, text: string): string {
  return `${rule.label} ${quoted(text)} ${FORMAT_HINTS[rule.format] ?? 'is not in the expected form'}.`;
}

/** An enum's accepted values as a message lists them: all of a short list, a sample of a long one. */
function acceptedValues(values: string[]): string {
  return values.length <= 12 ? values.join(', ') : `${values.slice(0, 8).join(', ')}, … (${values.length} values; foreman models lists them)`;
}

const patternCache = new Map<string, RegExp>();
function patternOf(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) patternCache.set(pattern, (re = new RegExp(pattern)));
  return re;
}

/** The columns whose values identify something (text columns with @unique, and reference columns). */
const identifierCache = new WeakMap<ModelMeta, Set<string>>();
export function identifierColumns(model: ModelMeta): Set<string> {
  let set = identifierCache.get(model);
  if (!set) {
    set = new Set([...model.uniques.map((u) => u.field), ...model.refs.flatMap((r) => r.columns.map((c) => c.column))]);
    identifierCache.set(model, set);
  }
  return set;
}

/**
 * Checks one cell against its column's rule; `value` is the raw cell (trimmed here; empty is
 * missing). Returns the value as stored (null when absent or wrong) and adds errors.
 */
export function checkCell(field: string, rule: FieldRule, value: unknown, errors: FieldError[], identifier = false): string | null {
  let text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '') {
    if (rule.default === undefined) {
      if (rule.required) errors.push({ field, code: 'REQUIRED', message: `${rule.label} is required.` });
      return null;
    }
    text = rule.default;
  }
  // Characters as a user counts them (code points: an emoji is one), as the server counts them.
  if (text.length > rule.maxLength) {
    const length = characterCount(text);
    if (length > rule.maxLength) {
      errors.push({ field, code: 'TOO_LONG', message: `${rule.label} is ${count(length)} characters long; at most ${count(rule.maxLength)} are allowed.` });
      return null;
    }
  }
  if (!wellFormed(rule.format, text)) {
    errors.push({ field, code: 'FORMAT', message: formatMessage(rule, text) });
    return null;
  }
  if (rule.pattern !== undefined && !patternOf(rule.pattern).test(text)) {
    errors.push({ field, code: 'FORMAT', message: `${rule.label} ${quoted(text)} ${rule.hint ? `must be ${rule.hint}` : 'is not in the expected form'}.` });
    return null;
  }
  if (identifier && NOT_IN_IDENTIFIERS.test(text)) {
    errors.push({ field, code: 'FORMAT', message: `${rule.label} contains a control, invisible or text-direction character.` });
    return null;
  }
  if (rule.format === 'enum') {
    const normalised = normalizeEnum(text);
    const accepted = rule.enumValues ?? [];
    if (!accepted.includes(normalised)) {
      errors.push({ field, code: 'ENUM', message: `${rule.label} ${quoted(text)} is not one of ${acceptedValues(accepted)}.` });
      return null;
    }
    return normalised;
  }
  if (rule.format === 'decimal' || rule.format === 'integer') {
    const n = Number(text);
    let min = rule.min;
    let max = rule.max;
    if (rule.format === 'integer') {
      // A GraphQL Int is 32 bits: AppSync could not return a larger one.
      min = min === undefined || min < -INT_MAX - 1 ? -INT_MAX - 1 : min;
      max = max === undefined || max > INT_MAX ? INT_MAX : max;
    }
    if (min !== undefined && n < min) {
      errors.push({ field, code: 'RANGE', message: `${rule.label} must be at least ${min} (it is ${text}).` });
      return null;
    }
    if (max !== undefined && n > max) {
      errors.push({ field, code: 'RANGE', message: `${rule.label} must be at most ${max} (it is ${text}).` });
      return null;
    }
  }
  return text;
}

/**
 * Validates one row against its model: every column, the required references (one of a
 * reference's columns must be filled; REQUIRED on the first), then the cross-field rules.
 */
export function checkRow(model: ModelMeta, row: RowInput | Record<string, unknown>): CheckedRow {
  const raw = row as Record<string, unknown>;
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  const identifiers = identifierColumns(model);
  for (const [field, rule] of fieldsOf(model)) {
    const v = checkCell(field, rule, raw[field], errors, identifiers.has(field));
    if (v !== null) values[field] = v;
  }
  const filled = (column: string) => {
    const v = raw[column];
    return v !== undefined && v !== null && String(v).trim() !== '';
  };
  for (const ref of model.refs) {
    // Only when every column is empty: a malformed one already has its error.
    if (ref.required && !ref.columns.some((c) => filled(c.column))) {
      errors.push({ field: ref.columns[0]!.column, code: 'REQUIRED', message: `${refColumnsLabel(model, ref)} is required.` });
    }
  }
  for (const rule of model.rules) {
    // ISO dates (and any values of one format) compare as text, only when both are valid.
    const v = values[rule.field];
    const w = values[rule.notBefore];
    if (v !== undefined && w !== undefined && v < w) {
      const label = model.columns[rule.field]?.label ?? rule.field;
      const before = (model.columns[rule.notBefore]?.label ?? rule.notBefore).toLowerCase();
      errors.push({ field: rule.field, code: 'RANGE', message: `${label} ${v} is before ${before} ${w}.` });
    }
  }
  return { values, errors };
}

/**
 * Validates one row against its model's rules.
 * @returns the errors, empty when the row is valid.
 */
export function validateRow(model: ModelMeta, row: RowInput | Record<string, unknown>): FieldError[] {
  return checkRow(model, row).errors;
}
