/**
 * The server's interpreter of the generated model table (schema/generated/models.ts; the engine has
 * its own interpreter of the same table, clients/ingest/validate.ts, with the same order, codes and
 * messages). APPSYNC_JS-safe: patterns are checked with `util.matches` (Java Pattern,
 * https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html), loops are for-of, no
 * callbacks, no regex literals.
 *
 * Every cell arrives as text. A cell is trimmed; an empty cell is a missing value (or its column's
 * `default`). Per row, in this order: every column (declaration order), every required reference,
 * the cross-field rules. Per cell: REQUIRED; TOO_LONG (code points); FORMAT (the format's pattern,
 * then the column's own `pattern`, then, for an identifier — a @unique field or a reference column —
 * control, zero-width and bidi characters); ENUM; RANGE (min, max; an Int within 32 bits).
 */
import { util } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import type { FieldRule, ModelMeta, RefSpec } from '../../schema/models';
import { FORMAT_MESSAGES, IDENTIFIER_FORBIDDEN, INT_MAX, PATTERNS } from './rules';

/** A row after validation: the cleaned values (trimmed, defaults filled, enums normalised) and the errors found. */
export interface CheckedRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: FieldError[];
}

/** Trimmed text, or null for an absent or empty cell. */
export function cell(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const text = `${value}`.trim();
  return text.length > 0 ? text : null;
}

/**
 * Whether `text` holds more than `max` characters, counted as code points (an emoji is one, as a
 * user counts it, not two UTF-16 units). `util.matches` runs Java's Pattern, whose `.` matches a
 * code point; the pattern only runs when the UTF-16 length alone cannot decide.
 */
export function longerThan(text: string, max: number): boolean {
  if (text.length <= max) {
    return false;
  }
  if (text.length > max * 2) {
    return true;
  }
  return !util.matches(`(?s).{0,${max}}`, text);
}

/** An enum cell as compared: upper-cased, spaces and dashes as underscores. */
export function enumValue(text: string): string {
  return text.toUpperCase().split(' ').join('_').split('-').join('_');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DIGITS = '0123456789';

/** The value of a run of decimal digits (no Number()/parseInt needed). */
function digitsValue(text: string): number {
  let value = 0;
  for (const ch of text.split('')) {
    value = value * 10 + DIGITS.indexOf(ch);
  }
  return value;
}

/** `YYYY-MM-DD` that names a real calendar day (the pattern alone accepts 2023-02-31). */
export function isCalendarDate(text: string): boolean {
  if (!util.matches(PATTERNS.date, text)) {
    return false;
  }
  const year = digitsValue(text.slice(0, 4));
  const month = digitsValue(text.slice(5, 7));
  const day = digitsValue(text.slice(8, 10));
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day >= 1 && day <= (lengths[month - 1] as number);
}

/** An AWSURL: a scheme, and no two slashes in a row in the path (after `scheme://host`). */
export function isUrl(text: string): boolean {
  if (!util.matches(PATTERNS.url, text)) {
    return false;
  }
  let rest = text.slice(text.indexOf(':') + 1);
  if (rest.indexOf('//') === 0) {
    rest = rest.slice(2);
  }
  let end = rest.length;
  for (const mark of ['?', '#']) {
    const at = rest.indexOf(mark);
    if (at >= 0 && at < end) {
      end = at;
    }
  }
  return rest.slice(0, end).indexOf('//') < 0;
}

/**
 * A number cell (already matched against PATTERNS.decimal or .integer) as a number. JSON.parse
 * reads it once leading zeros are gone (JSON refuses `007`).
 */
export function decimalValue(text: string): number {
  const negative = text.indexOf('-') === 0;
  const digits = negative ? text.slice(1) : text;
  // Drop leading zeros that are followed by another digit (`007` → `7`, `0.5` stays).
  let start = 0;
  let leading = true;
  for (const ch of digits.split('')) {
    if (leading && ch === '0' && start + 1 < digits.length && digits.charAt(start + 1) !== '.') {
      start = start + 1;
    } else {
      leading = false;
    }
  }
  const kept = digits.slice(start);
  return JSON.parse(negative ? `-${kept}` : kept) as number;
}

function wellFormed(rule: FieldRule, text: string): boolean {
  const format = rule.format;
  if (format === 'email' || format === 'phone' || format === 'decimal' || format === 'integer') {
    return util.matches(PATTERNS[format], text);
  }
  if (format === 'date') {
    return isCalendarDate(text);
  }
  if (format === 'url') {
    return isUrl(text);
  }
  return true;
}

/** The FORMAT message of a malformed cell (the engine words it the same way). */
export function formatMessage(rule: FieldRule): string {
  return `${rule.label} ${FORMAT_MESSAGES[rule.format] || FORMAT_MESSAGES.decimal}.`;
}

function rangeError(field: string, rule: FieldRule, value: number, errors: FieldError[]): boolean {
  let max = typeof rule.max === 'number' ? rule.max : null;
  let min = typeof rule.min === 'number' ? rule.min : null;
  if (rule.format === 'integer') {
    // A GraphQL Int is 32 bits: AppSync could not return a larger one.
    max = max === null || max > INT_MAX ? INT_MAX : max;
    min = min === null || min < -INT_MAX - 1 ? -INT_MAX - 1 : min;
  }
  if (min !== null && value < min) {
    errors.push({ field, code: 'RANGE', message: `${rule.label} must be at least ${min}.` });
    return true;
  }
  if (max !== null && value > max) {
    errors.push({ field, code: 'RANGE', message: `${rule.label} must be at most ${max}.` });
    return true;
  }
  return false;
}

/**
 * Checks one cell against its column's rule; returns the cleaned value (null if absent or wrong)
 * and adds errors. `identifier` refuses control, zero-width and bidi characters.
 */
export function checkCell(field: string, rule: FieldRule, value: unknown, errors: FieldError[], identifier: boolean): string | null {
  let text = cell(value);
  if (text === null) {
    if (typeof rule.default !== 'string') {
      if (rule.required) {
        errors.push({ field, code: 'REQUIRED', message: `${rule.label} is required.` });
      }
      return null;
    }
    text = rule.default;
  }
  if (longerThan(text, rule.maxLength)) {
    errors.push({ field, code: 'TOO_LONG', message: `${rule.label} is longer than ${rule.maxLength} characters.` });
    return null;
  }
  if (!wellFormed(rule, text)) {
    errors.push({ field, code: 'FORMAT', message: formatMessage(rule) });
    return null;
  }
  if (typeof rule.pattern === 'string' && !util.matches(rule.pattern, text)) {
    errors.push({ field, code: 'FORMAT', message: rule.hint ? `${rule.label} must be ${rule.hint}.` : `${rule.label} is not in the expected form.` });
    return null;
  }
  if (identifier && util.matches(`(?s).*${IDENTIFIER_FORBIDDEN}.*`, text)) {
    errors.push({ field, code: 'FORMAT', message: `${rule.label} contains a control, invisible or text-direction character.` });
    return null;
  }
  if (rule.format === 'enum') {
    const normalised = enumValue(text);
    const accepted = rule.enumValues || [];
    if (accepted.indexOf(normalised) < 0) {
      errors.push({ field, code: 'ENUM', message: `${rule.label} must be one of ${accepted.join(', ')}.` });
      return null;
    }
    return normalised;
  }
  if ((rule.format === 'decimal' || rule.format === 'integer') && rangeError(field, rule, decimalValue(text), errors)) {
    return null;
  }
  return text;
}

/**
 * What a reference's columns are called together, the first label capitalised and the rest
 * lower-cased: "Customer email or customer id".
 */
export function refColumnsLabel(model: ModelMeta, ref: RefSpec): string {
  const labels: string[] = [];
  for (const column of ref.columns) {
    const rule = model.columns[column.column];
    const label = rule ? rule.label : column.column;
    labels.push(labels.length === 0 ? label.charAt(0).toUpperCase() + label.slice(1) : label.toLowerCase());
  }
  return labels.join(' or ');
}

/** The columns whose values identify something: @unique fields and reference columns. */
function identifiers(model: ModelMeta): Record<string, boolean> {
  const found: Record<string, boolean> = {};
  for (const unique of model.uniques) {
    found[unique.field] = true;
  }
  for (const ref of model.refs) {
    for (const column of ref.columns) {
      found[column.column] = true;
    }
  }
  return found;
}

/**
 * Validates a row of `model`: its columns, its required references (one of a reference's columns
 * filled; REQUIRED on the first, only when all are empty: a malformed one has its error already),
 * then its cross-field rules (`field` not before `notBefore`; ISO dates compare as text).
 */
export function validateRow(model: ModelMeta, row: Record<string, unknown>): CheckedRow {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  const identifier = identifiers(model);
  for (const field of Object.keys(model.columns)) {
    const value = checkCell(field, model.columns[field] as FieldRule, row[field], errors, !!identifier[field]);
    if (value !== null) {
      values[field] = value;
    }
  }
  for (const ref of model.refs) {
    let named = false;
    for (const column of ref.columns) {
      if (cell(row[column.column]) !== null) {
        named = true;
      }
    }
    if (ref.required && !named && ref.columns.length > 0) {
      const first = ref.columns[0] as { column: string };
      errors.push({ field: first.column, code: 'REQUIRED', message: `${refColumnsLabel(model, ref)} is required.` });
    }
  }
  for (const rule of model.rules) {
    const value = values[rule.field];
    const bound = values[rule.notBefore];
    if (value && bound && value < bound) {
      const label = model.columns[rule.field] ? (model.columns[rule.field] as FieldRule).label : rule.field;
      const before = model.columns[rule.notBefore] ? (model.columns[rule.notBefore] as FieldRule).label : rule.notBefore;
      errors.push({ field: rule.field, code: 'RANGE', message: `${label} ${value} is before ${before.toLowerCase()} ${bound}.` });
    }
  }
  return { rowNumber: typeof row.rowNumber === 'number' ? row.rowNumber : 0, values, errors };
}
