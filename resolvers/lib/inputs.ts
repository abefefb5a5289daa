/**
 * Server-side checks of the create/update inputs of a model (createCustomer, updateProject, …),
 * from the same generated columns the imports validate with (schema/generated/models.ts). The
 * GraphQL layer already checked the AWS scalars; these add what the scalars cannot say: non-blank
 * required values, lengths (code points), the form of an email taken as a plain String, number
 * ranges, the cross-field rules. The inputs name the model's stored fields, so the fields a
 * resolver copies come from `storedFields` too: no per-model field list here.
 * APPSYNC_JS-safe: `util.matches` (Java Pattern) and plain loops.
 */
import { util } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { MODELS } from '../../schema/generated/models';
import type { FieldRule, ModelMeta } from '../../schema/models';
import { PATTERNS } from './rules';
import { longerThan } from './validate';

/** The values of a create/update input, by field. */
export type InputValues = Record<string, unknown>;

/** The model named `name` (a GraphQL type). */
export function modelNamed(name: string): ModelMeta {
  let found: ModelMeta | null = null;
  for (const model of MODELS) {
    if (model.name === name) {
      found = model;
    }
  }
  if (!found) {
    util.error(`No model ${name}.`, 'BadRequest');
  }
  return found;
}

/** The stored fields of `model` an input may set: every column-backed field, references included unless `withRefs` is false. */
export function storedFields(model: ModelMeta, withRefs: boolean): string[] {
  const fields: string[] = [];
  for (const stored of model.stored) {
    if (withRefs || stored.kind !== 'ref') {
      fields.push(stored.field);
    }
  }
  return fields;
}

/** `notBefore` rules over the given values (ISO dates compare as text). */
export function crossRuleErrors(model: ModelMeta, values: InputValues): FieldError[] {
  const errors: FieldError[] = [];
  for (const rule of model.rules) {
    const value = values[rule.field];
    const bound = values[rule.notBefore];
    if (typeof value === 'string' && typeof bound === 'string' && value < bound) {
      const label = (model.columns[rule.field] as FieldRule).label;
      const before = (model.columns[rule.notBefore] as FieldRule).label.toLowerCase();
      errors.push({ field: rule.field, code: 'RANGE', message: `${label} ${value} is before ${before} ${bound}` });
    }
  }
  return errors;
}

/**
 * Checks a create (`create`) or update input of `model`: a required field missing on create, blank,
 * or given as null on update (a field with a default cannot be removed either); a present text's
 * length, an email column's form (pass the email normalised), a number's range; then the cross-field
 * rules over the input's values, or over `current` merged with them when given.
 */
export function inputErrors(model: ModelMeta, input: InputValues, create: boolean, current: InputValues | null): FieldError[] {
  const errors: FieldError[] = [];
  const merged: InputValues = {};
  for (const field of storedFields(model, false)) {
    const rule = model.columns[field] as FieldRule;
    const value = input[field];
    merged[field] = value !== undefined || !current ? value : current[field];
    if (typeof value === 'string' && (value.trim() !== '' || !rule.required)) {
      if (rule.format === 'email' && !util.matches(PATTERNS.email, value)) {
        errors.push({ field, code: 'FORMAT', message: `"${value}" is not an email address` });
      }
      // Dates, URLs and enums are AWS scalars or enums: GraphQL checked them (an AWSDate may carry an offset).
      if ((rule.format === 'text' || rule.format === 'email' || rule.format === 'phone') && longerThan(value, rule.maxLength)) {
        errors.push({ field, code: 'TOO_LONG', message: `${rule.label} is longer than ${rule.maxLength} characters` });
      }
    } else if (typeof value === 'number') {
      if (typeof rule.min === 'number' && value < rule.min) {
        errors.push({ field, code: 'RANGE', message: `${rule.label} must be at least ${rule.min}` });
      } else if (typeof rule.max === 'number' && value > rule.max) {
        errors.push({ field, code: 'RANGE', message: `${rule.label} must be at most ${rule.max}` });
      }
    } else if (rule.required && (value !== undefined || create)) {
      errors.push({ field, code: 'REQUIRED', message: `${rule.label} is required` });
    } else if (value === null && typeof rule.default === 'string') {
      errors.push({ field, code: 'REQUIRED', message: `${rule.label} cannot be removed` });
    }
  }
  for (const error of crossRuleErrors(model, merged)) {
    errors.push(error);
  }
  return errors;
}

/** Throws the field's GraphQL error `ValidationError` listing every problem, when there is one. */
export function refuseInvalid(errors: FieldError[]): void {
  if (errors.length > 0) {
    const messages: string[] = [];
    for (const e of errors) {
      messages.push(e.message);
    }
    util.error(messages.join('; '), 'ValidationError', null, { errors });
  }
}
