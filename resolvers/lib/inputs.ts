/**
 * Server-side checks of the customer and project mutation inputs, from the shared field rules
 * (rules.ts). The GraphQL layer already checked the AWS scalars; these add what the scalars cannot
 * say: non-blank names, lengths, the normalised email's shape, a non-negative budget, ordered dates.
 * APPSYNC_JS-safe: `util.matches` (Java Pattern) and plain loops.
 */
import { util } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { PATTERNS, customerRules, projectRules } from './rules';
import type { FieldRule } from './rules';
import { longerThan } from './validate';

/** The text fields a customer or project input may carry, by name. */
export type TextFields = Record<string, string | number | null | undefined>;

/** Appends the field's error when a present value breaks its rule's length or format. */
function checkText(errors: FieldError[], field: string, rule: FieldRule, value: string): void {
  if (longerThan(value, rule.maxLength)) {
    errors.push({ field, code: 'TOO_LONG', message: `${rule.label} is longer than ${rule.maxLength} characters` });
  }
}

/**
 * Checks a customer input (create or update). `email` must already be normalised; `requireAll`
 * is true for create (email and name must be present).
 */
export function customerInputErrors(input: TextFields, requireAll: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const email = input.email;
  if (typeof email === 'string') {
    if (!util.matches(PATTERNS.email, email)) {
      errors.push({ field: 'email', code: 'FORMAT', message: `"${email}" is not an email address` });
    }
    checkText(errors, 'email', customerRules.email, email);
  } else if (requireAll || email === null) {
    errors.push({ field: 'email', code: 'REQUIRED', message: 'Email is required' });
  }
  const name = input.name;
  if (typeof name === 'string' && name.trim() !== '') {
    checkText(errors, 'name', customerRules.name, name);
  } else if (requireAll || name !== undefined) {
    errors.push({ field: 'name', code: 'REQUIRED', message: 'Name is required' });
  }
  for (const field of ['phone', 'company', 'country', 'notes']) {
    const value = input[field];
    if (typeof value === 'string') {
      checkText(errors, field, customerRules[field as 'phone' | 'company' | 'country' | 'notes'], value);
    }
  }
  return errors;
}

/**
 * Checks a project input (create or update); `current` supplies the stored dates on update so the
 * date order is checked against the result, not only the changed half.
 */
export function projectInputErrors(input: TextFields, requireName: boolean, current: TextFields | null): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name;
  if (typeof name === 'string' && name.trim() !== '') {
    checkText(errors, 'name', projectRules.name, name);
  } else if (requireName || name !== undefined) {
    errors.push({ field: 'name', code: 'REQUIRED', message: 'Project name is required' });
  }
  const description = input.description;
  if (typeof description === 'string') {
    checkText(errors, 'description', projectRules.description, description);
  }
  const budget = input.budget;
  if (typeof budget === 'number' && budget < 0) {
    errors.push({ field: 'budget', code: 'RANGE', message: 'Budget must not be negative' });
  }
  const startDate = input.startDate !== undefined ? input.startDate : current ? current.startDate : null;
  const dueDate = input.dueDate !== undefined ? input.dueDate : current ? current.dueDate : null;
  // AWSDate values are ISO dates, so string order is date order.
  if (typeof startDate === 'string' && typeof dueDate === 'string' && dueDate < startDate) {
    errors.push({ field: 'dueDate', code: 'RANGE', message: `Due date ${dueDate} is before start date ${startDate}` });
  }
  return errors;
}

/** Throws the field's GraphQL error `ValidationError` listing every problem, when there is one. */
export function refuseInvalid(errors: FieldError[]): void {
  if (errors.length > 0) {
    util.error(errors.map((e) => e.message).join('; '), 'ValidationError', null, { errors });
  }
}
