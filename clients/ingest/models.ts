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
  /** True when an explicit mapping (`MappingOverride`) decided this column, rather than its header. */
  explicit: boolean;
  /** The field this column's header names, when an explicit mapping gave that field to another column. */
  displaced?: string;
}

/**
 * An explicit column mapping: a header of the file (as written, or equal after `normalizeHeader`)
 * → a field of the model (its name, in any case or spacing), or `null` to ignore the column.
 * Columns it does not name keep the mapping their header gives them.
 * @example { 'Mail addr': 'email', 'Internal code': null }
 */
export type MappingOverride = Record<string, string | null>;

/** What is wrong with an explicit mapping against a file's header row and a model. */
export interface OverrideProblems {
  /** Keys that name no column of the header row. */
  unknownColumns: string[];
  /** `[column, value]` pairs whose value is not a field of the model. */
  unknownFields: [string, string][];
  /** `[field, columns]`: one field given to several columns explicitly. */
  conflicts: [string, string[]][];
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
  /** Problems of the explicit mapping, when one was given (null otherwise). */
  overrideProblems: OverrideProblems | null;
}

/** The model field `name` designates, compared like headers (`signup_date` → `signupDate`), never by alias. */
export function fieldByName(model: AnyModel, name: string): string | undefined {
  const n = squash(normalizeHeader(name));
  if (n === '') return undefined;
  return fieldsOf(model).find(([field]) => squash(normalizeHeader(field)) === n)?.[0];
}

/** Resolves an explicit mapping against a header row: column index → field (or null), and what does not fit. */
function resolveOverride(model: AnyModel, headers: readonly string[], override: MappingOverride): { byColumn: Map<number, string | null>; problems: OverrideProblems } {
  const byColumn = new Map<number, string | null>();
  const problems: OverrideProblems = { unknownColumns: [], unknownFields: [], conflicts: [] };
  const exact = new Map(headers.map((h, i) => [h.trim(), i]));
  const normalized = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    if (n !== '' && !normalized.has(n)) normalized.set(n, i);
  });
  const columnsOfField = new Map<string, string[]>();
  for (const [key, value] of Object.entries(override)) {
    const index = exact.get(key.trim()) ?? normalized.get(normalizeHeader(key));
    if (index === undefined) {
      problems.unknownColumns.push(key);
      continue;
    }
    if (value === null) {
      byColumn.set(index, null);
      continue;
    }
    const field = fieldByName(model, value);
    if (!field) {
      problems.unknownFields.push([headers[index]!, value]);
      continue;
    }
    byColumn.set(index, field);
    columnsOfField.set(field, [...(columnsOfField.get(field) ?? []), headers[index]!]);
  }
  for (const [field, cols] of columnsOfField) if (cols.length > 1) problems.conflicts.push([field, cols]);
  return { byColumn, problems };
}

/**
 * Maps every column of `headers` onto `model`'s fields: by header name and alias, except where
 * `override` decides. A field given to a column explicitly is taken away from any column whose
 * header names it (that column is then ignored, with `displaced` saying why).
 */
export function mapColumns(model: AnyModel, headers: readonly string[], override?: MappingOverride): Mapping {
  const resolved = override ? resolveOverride(model, headers, override) : undefined;
  const explicitFields = new Set([...(resolved?.byColumn.values() ?? [])].filter((f): f is string => f !== null));
  const columns: ColumnMapping[] = headers.map((header, index) => {
    if (resolved?.byColumn.has(index)) return { index, header, field: resolved.byColumn.get(index)!, explicit: true };
    const field = fieldForHeader(model, header) ?? null;
    if (field && explicitFields.has(field)) return { index, header, field: null, explicit: false, displaced: field };
    return { index, header, field, explicit: false };
  });
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
  return { model, columns, fieldColumn, unmapped: columns.filter((c) => !c.field), missingRequired, conflicts, overrideProblems: resolved?.problems ?? null };
}

/** True when an explicit mapping fits the header row and the model (no unknown column or field, no field given twice). */
export function overrideFits(mapping: Mapping): boolean {
  const p = mapping.overrideProblems;
  return !p || (p.unknownColumns.length === 0 && p.unknownFields.length === 0 && p.conflicts.length === 0);
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
 * Scores every model against the headers (and an explicit mapping, if any), best first: models
 * the explicit mapping fits come first, then those whose required fields are all present, then
 * the one that maps more columns.
 */
export function scoreModels(headers: readonly string[], override?: MappingOverride): ModelScore[] {
  return MODELS.map((model) => {
    const mapping = mapColumns(model, headers, override);
    return { model, mapping, mapped: mapping.fieldColumn.size, complete: mapping.missingRequired.length === 0 };
  }).sort((a, b) => Number(overrideFits(b.mapping)) - Number(overrideFits(a.mapping)) || Number(b.complete) - Number(a.complete) || b.mapped - a.mapped);
}
