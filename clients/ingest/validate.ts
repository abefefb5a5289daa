/**
 * The engine's interpreter of the declarative rules in `resolvers/lib/rules.ts` (the server runs
 * its own, in APPSYNC_JS, over the same table and with the same codes). The server validates
 * again; this one lets the client reject bad rows before sending them and name the bad cell.
 */
import type { FieldErrorInput, ProjectRowInput } from '../../schema/generated/types';
import { PATTERNS, type FieldFormat, type FieldRule } from '../../resolvers/lib/rules';
import { fieldsOf, type AnyModel, type RowInput } from './models';

export type FieldError = FieldErrorInput;

const REGEX: Partial<Record<FieldFormat, RegExp>> = {
  email: new RegExp(PATTERNS.email),
  phone: new RegExp(PATTERNS.phone),
  date: new RegExp(PATTERNS.date),
  decimal: new RegExp(PATTERNS.decimal),
};

const FORMAT_HINT: Partial<Record<FieldFormat, string>> = {
  email: 'an email address like name@example.com',
  phone: 'a phone number (digits, spaces, dashes, brackets, optional leading +)',
  date: 'a date as YYYY-MM-DD',
  decimal: 'a number like 1250 or 1250.50',
};

/** Upper-cased with each space and dash an underscore, exactly as the server compares enum values. */
export function normalizeEnum(value: string): string {
  return value.trim().toUpperCase().replace(/[ -]/g, '_');
}

/** `YYYY-MM-DD` naming a real calendar day (the pattern alone accepts 2023-02-31), as the server checks. */
export function isCalendarDate(text: string): boolean {
  if (!REGEX.date!.test(text)) return false;
  const digit = (i: number) => text.charCodeAt(i) - 48;
  const y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const m = digit(5) * 10 + digit(6);
  const d = digit(8) * 10 + digit(9);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d >= 1 && d <= days;
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

function quote(value: string): string {
  return value.length > 40 ? `"${value.slice(0, 37)}…"` : `"${value}"`;
}

/** Checks one cell against its field rule; `value` is trimmed, empty cells are `undefined`. */
export function checkField(field: string, rule: FieldRule, value: string | undefined | null): FieldError[] {
  if (value === undefined || value === null || value === '') {
    return rule.required ? [{ field, code: 'REQUIRED', message: `${rule.label} is required` }] : [];
  }
  // Characters as a user counts them (code points: an emoji is one), as the server counts them.
  const length = value.length > rule.maxLength ? characterCount(value) : value.length;
  if (length > rule.maxLength) {
    return [{ field, code: 'TOO_LONG', message: `${rule.label} is ${length.toLocaleString('en-US')} characters long; at most ${rule.maxLength.toLocaleString('en-US')} are allowed` }];
  }
  const re = REGEX[rule.format];
  if (re && (rule.format === 'date' ? !isCalendarDate(value) : !re.test(value))) {
    return [{ field, code: 'FORMAT', message: `${rule.label} ${quote(value)} is not ${FORMAT_HINT[rule.format]}` }];
  }
  if (rule.format === 'enum' && rule.enumValues && !rule.enumValues.includes(normalizeEnum(value))) {
    return [{ field, code: 'ENUM', message: `${rule.label} ${quote(value)} is not one of ${rule.enumValues.join(', ')}` }];
  }
  if (rule.format === 'decimal' && rule.min !== undefined && Number(value) < rule.min) {
    return [{ field, code: 'RANGE', message: `${rule.label} ${value} is below the minimum of ${rule.min}` }];
  }
  return [];
}

/**
 * Validates one row against its model's rules, cross-field rules included (see CROSS_FIELD_RULES).
 * @returns the errors, empty when the row is valid.
 */
export function validateRow(model: AnyModel, row: RowInput): FieldError[] {
  const values = row as unknown as Record<string, string | null | undefined>;
  const errors: FieldError[] = [];
  for (const [field, rule] of fieldsOf(model)) errors.push(...checkField(field, rule, values[field]));
  if (model.key === 'project') {
    const p = row as ProjectRowInput;
    if (!p.customerEmail && !p.customerId) {
      errors.push({ field: 'customerEmail', code: 'REQUIRED', message: 'A project needs its customer: Customer email or Customer id' });
    }
    const start = p.startDate;
    const due = p.dueDate;
    if (start && due && REGEX.date!.test(start) && REGEX.date!.test(due) && due < start) {
      errors.push({ field: 'dueDate', code: 'RANGE', message: `Due date ${due} is before Start date ${start}` });
    }
  }
  return errors;
}
