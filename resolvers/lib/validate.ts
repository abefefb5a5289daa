/**
 * The server's interpreter of the declarative field rules in `rules.ts` (the client engine has its
 * own interpreter of the same table). APPSYNC_JS-safe: patterns are checked with `util.matches`
 * (Java Pattern, https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html), loops
 * are for-of, no callbacks.
 *
 * Every cell arrives as text. A cell is trimmed; an empty cell is a missing value. Error codes:
 * REQUIRED, TOO_LONG, FORMAT, ENUM, RANGE (FieldError.code in the schema).
 */
import { util } from '@aws-appsync/utils';
import type { CustomerRowInput, FieldError, ProjectRowInput } from '../../schema/generated/types';
import { customerRules, PATTERNS, projectRules } from './rules';
import type { FieldRule } from './rules';

/** A row after validation: the cleaned values (trimmed, enums normalised) and the errors found. */
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

const DIGITS = '0123456789';

/** The value of a run of decimal digits (no Number()/parseInt needed). */
function digitsValue(text: string): number {
  let value = 0;
  for (const ch of text.split('')) {
    value = value * 10 + DIGITS.indexOf(ch);
  }
  return value;
}

/**
 * A decimal cell (already matched against PATTERNS.decimal) as a number. JSON.parse reads it once
 * leading zeros are gone (JSON refuses `007`).
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

function formatMessage(rule: FieldRule): string {
  if (rule.format === 'email') {
    return `${rule.label} is not a valid email address.`;
  }
  if (rule.format === 'phone') {
    return `${rule.label} is not a valid phone number.`;
  }
  if (rule.format === 'date') {
    return `${rule.label} is not a date in the form YYYY-MM-DD.`;
  }
  return `${rule.label} is not a number.`;
}

/** Checks one cell against its rule; returns the cleaned value (null if absent) and adds errors. */
export function checkCell(field: string, rule: FieldRule, value: unknown, errors: FieldError[]): string | null {
  const text = cell(value);
  if (text === null) {
    if (rule.required) {
      errors.push({ field, code: 'REQUIRED', message: `${rule.label} is required.` });
    }
    return null;
  }
  if (longerThan(text, rule.maxLength)) {
    errors.push({ field, code: 'TOO_LONG', message: `${rule.label} is longer than ${rule.maxLength} characters.` });
    return null;
  }
  if (rule.format === 'email' || rule.format === 'phone' || rule.format === 'decimal') {
    if (!util.matches(PATTERNS[rule.format], text)) {
      errors.push({ field, code: 'FORMAT', message: formatMessage(rule) });
      return null;
    }
    if (rule.format === 'decimal' && typeof rule.min === 'number' && decimalValue(text) < rule.min) {
      errors.push({ field, code: 'RANGE', message: `${rule.label} must be at least ${rule.min}.` });
      return null;
    }
    return text;
  }
  if (rule.format === 'date') {
    if (!isCalendarDate(text)) {
      errors.push({ field, code: 'FORMAT', message: formatMessage(rule) });
      return null;
    }
    return text;
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
  return text;
}

function checkFields(rules: Record<string, FieldRule>, row: Record<string, unknown>, rowNumber: number): CheckedRow {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  for (const field of Object.keys(rules)) {
    const value = checkCell(field, rules[field] as FieldRule, row[field], errors);
    if (value !== null) {
      values[field] = value;
    }
  }
  return { rowNumber, values, errors };
}

/** Validates a customer row against `customerRules`. */
export function validateCustomerRow(row: CustomerRowInput): CheckedRow {
  return checkFields(customerRules as unknown as Record<string, FieldRule>, row as unknown as Record<string, unknown>, row.rowNumber);
}

/**
 * Validates a project row against `projectRules` and the cross-field rules of `rules.ts`
 * (CROSS_FIELD_RULES): the customer named by email or id, and the due date not before the start.
 */
export function validateProjectRow(row: ProjectRowInput): CheckedRow {
  const checked = checkFields(projectRules as unknown as Record<string, FieldRule>, row as unknown as Record<string, unknown>, row.rowNumber);
  const raw = row as unknown as Record<string, unknown>;
  // projectCustomerRequired: only when both cells are empty (a malformed one already has its error).
  if (cell(raw.customerEmail) === null && cell(raw.customerId) === null) {
    checked.errors.push({ field: 'customerEmail', code: 'REQUIRED', message: 'Customer email or customer id is required.' });
  }
  // projectDatesOrdered: ISO dates compare as text.
  const start = checked.values.startDate;
  const due = checked.values.dueDate;
  if (start && due && due < start) {
    checked.errors.push({ field: 'dueDate', code: 'RANGE', message: `Due date ${due} is before start date ${start}.` });
  }
  return checked;
}
