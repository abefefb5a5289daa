/**
 * The importable models and how a file's header row maps onto one of them. The field rules come
 * from `resolvers/lib/rules.ts`, the same table the server validates with.
 */
import type { CustomerRowInput, ModelName, ProjectRowInput } from '../../schema/generated/types';
import { customerRules, projectRules, type FieldRule, type ModelRules } from '../../resolvers/lib/rules';

export type ModelKey = 'customer' | 'project';

/** A row as the engine builds it for an import mutation. */
export type RowInput = CustomerRowInput | ProjectRowInput;

export interface ModelDef<T extends { rowNumber: number }> {
  key: ModelKey;
  /** The schema's `ModelName`. */
  apiName: ModelName;
  label: string;
  rules: ModelRules<T>;
}

export const customerModel: ModelDef<CustomerRowInput> = { key: 'customer', apiName: 'CUSTOMER' as ModelName, label: 'Customer', rules: customerRules };
export const projectModel: ModelDef<ProjectRowInput> = { key: 'project', apiName: 'PROJECT' as ModelName, label: 'Project', rules: projectRules };

export type AnyModel = ModelDef<CustomerRowInput> | ModelDef<ProjectRowInput>;
export const MODELS: readonly AnyModel[] = [customerModel, projectModel];

export function modelByKey(key: string): AnyModel | undefined {
  const k = key.trim().toLowerCase();
  return MODELS.find((m) => m.key === k || m.apiName.toLowerCase() === k);
}

const fieldCache = new WeakMap<object, [string, FieldRule][]>();

/** The rule table of a model as plain `[field, rule]` pairs, in declaration order (computed once per model). */
export function fieldsOf(model: AnyModel): [string, FieldRule][] {
  let fields = fieldCache.get(model.rules);
  if (!fields) {
    fields = Object.entries(model.rules as Record<string, FieldRule>);
    fieldCache.set(model.rules, fields);
  }
  return fields;
}

/**
 * Normalises a column header (or an alias) for comparison: trims, splits camelCase, lower-cases,
 * and turns every run of spaces, underscores, dashes and punctuation into one space.
 * @example normalizeHeader('  E-Mail_Address ') // 'e mail address'
 * @example normalizeHeader('signupDate') // 'signup date'
 */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[\s_\-.,:;/\\()[\]{}#'"`*+!?&|<>=~^%$@]+/g, ' ')
    .trim();
}

/** The same header with its spaces removed, so "E Mail" and "email" compare equal. */
function squash(normalized: string): string {
  return normalized.replace(/ /g, '');
}

/**
 * Which field a header names in `model`: the field's own name, then its aliases, compared whole
 * after normalising (never as a substring, so "Email opt-in date" is not an email column).
 */
export function fieldForHeader(model: AnyModel, header: string): string | undefined {
  const h = normalizeHeader(header);
  if (h === '') return undefined;
  const hs = squash(h);
  for (const [field, rule] of fieldsOf(model)) {
    const f = normalizeHeader(field);
    if (h === f || hs === squash(f)) return field;
    for (const alias of rule.aliases) {
      const a = normalizeHeader(alias);
      if (h === a || hs === squash(a)) return field;
    }
  }
  return undefined;
}

export interface ColumnMapping {
  index: number;
  /** The header exactly as the file has it. */
  header: string;
  /** The model field, or null when the column maps to nothing (it is then ignored). */
  field: string | null;
}

export interface Mapping {
  model: AnyModel;
  columns: ColumnMapping[];
  /** field → column index */
  fieldColumn: Map<string, number>;
  unmapped: ColumnMapping[];
  /** Required fields no column maps to. */
  missingRequired: string[];
  /** Several columns mapping to one field: `[field, headers]`. */
  conflicts: [string, string[]][];
}

/** Maps every column of `headers` onto `model`'s fields. */
export function mapColumns(model: AnyModel, headers: readonly string[]): Mapping {
  const columns: ColumnMapping[] = headers.map((header, index) => ({ index, header, field: fieldForHeader(model, header) ?? null }));
  const byField = new Map<string, ColumnMapping[]>();
  for (const c of columns) {
    if (c.field) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
  }
  const fieldColumn = new Map<string, number>();
  const conflicts: [string, string[]][] = [];
  for (const [field, cols] of byField) {
    fieldColumn.set(field, cols[0]!.index);
    if (cols.length > 1) conflicts.push([field, cols.map((c) => c.header)]);
  }
  const missingRequired = fieldsOf(model)
    .filter(([field, rule]) => rule.required && !fieldColumn.has(field))
    .map(([field]) => field);
  // A project names its customer by email or id: one of the two columns must exist.
  if (model.key === 'project' && !fieldColumn.has('customerEmail') && !fieldColumn.has('customerId')) missingRequired.push('customerEmail');
  return { model, columns, fieldColumn, unmapped: columns.filter((c) => !c.field), missingRequired, conflicts };
}

export interface ModelScore {
  model: AnyModel;
  mapping: Mapping;
  /** Columns that map to a field of this model. */
  mapped: number;
  /** True when every required field has a column. */
  complete: boolean;
}

/**
 * Scores every model against the headers, best first: models whose required fields are all
 * present come first, then the one that maps more columns.
 */
export function scoreModels(headers: readonly string[]): ModelScore[] {
  return MODELS.map((model) => {
    const mapping = mapColumns(model, headers);
    return { model, mapping, mapped: mapping.fieldColumn.size, complete: mapping.missingRequired.length === 0 };
  }).sort((a, b) => Number(b.complete) - Number(a.complete) || b.mapped - a.mapped);
}
