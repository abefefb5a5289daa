/**
 * The importable models and how a file's header row maps onto one of them. The models, their
 * columns and rules are the schema's @importable types as codegen wrote them
 * (schema/generated/models.ts, the table the server's import pipeline reads too); header names a
 * column also accepts come from ALIASES. Nothing here knows any model by name.
 */
import { ALIASES, MODELS as GENERATED_MODELS } from '../../schema/generated/models';
import type { FieldRule, ModelMeta, RefSpec } from '../../schema/models';

export type { FieldFormat, FieldRule, ModelMeta, Normalize, RefSpec, UniqueSpec, CrossRule } from '../../schema/models';
export type { ModelKey } from '../../schema/generated/models';

/**
 * A row as the engine builds it for an import mutation: its spreadsheet row number and the
 * trimmed text of each mapped, non-empty cell, by column (field) name.
 */
export interface RowInput {
  rowNumber: number;
  [column: string]: string | number;
}

/** The importable models, in schema order. */
export const MODELS: readonly ModelMeta[] = GENERATED_MODELS;

/** A model by its key, GraphQL type name, API name or label, in any case (`invoice`, `Invoice`, `INVOICE`). */
export function modelByKey(key: string): ModelMeta | undefined {
  const k = key.trim().toLowerCase();
  return MODELS.find((m) => m.key.toLowerCase() === k || m.name.toLowerCase() === k || m.apiName.toLowerCase() === k || m.label.toLowerCase() === k);
}

/** A model by its `ModelName` (the API name, e.g. INVOICE). */
export function modelByApiName(apiName: string): ModelMeta | undefined {
  return MODELS.find((m) => m.apiName === apiName);
}

const fieldCache = new WeakMap<object, [string, FieldRule][]>();

/** A model's columns as plain `[field, rule]` pairs, in declaration order (computed once per model). */
export function fieldsOf(model: ModelMeta): [string, FieldRule][] {
  let fields = fieldCache.get(model.columns);
  if (!fields) {
    fields = Object.entries(model.columns);
    fieldCache.set(model.columns, fields);
  }
  return fields;
}

/** Further header names a column accepts (its name and label always match). */
export function aliasesOf(model: ModelMeta, field: string): string[] {
  return (ALIASES as Record<string, Record<string, string[]> | undefined>)[model.key]?.[field] ?? [];
}

/** The reference a column names its target in, if any (e.g. customerEmail → the customer reference). */
export function refOfColumn(model: ModelMeta, column: string): RefSpec | undefined {
  return model.refs.find((r) => r.columns.some((c) => c.column === column));
}

/**
 * What a required reference's columns are called together, first label capitalised and the
 * others lower-cased, as the server says it: "Customer email or customer id".
 */
export function refColumnsLabel(model: ModelMeta, ref: RefSpec): string {
  const labels = ref.columns.map((c, i) => {
    const label = model.columns[c.column]?.label ?? c.column;
    return i === 0 ? label.charAt(0).toUpperCase() + label.slice(1) : label.toLowerCase();
  });
  return labels.join(' or ');
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
 * Which field a header names in `model`: a field's own name or label first, then its aliases
 * (ALIASES), compared whole after normalising (never as a substring, so "Email opt-in date" is
 * not an email column).
 */
export function fieldForHeader(model: ModelMeta, header: string): string | undefined {
  const h = normalizeHeader(header);
  if (h === '') return undefined;
  const hs = squash(h);
  const same = (name: string) => {
    const n = normalizeHeader(name);
    return h === n || hs === squash(n);
  };
  for (const [field, rule] of fieldsOf(model)) if (same(field) || same(rule.label)) return field;
  for (const [field] of fieldsOf(model)) if (aliasesOf(model, field).some(same)) return field;
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
  model: ModelMeta;
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
export function fieldByName(model: ModelMeta, name: string): string | undefined {
  const n = squash(normalizeHeader(name));
  if (n === '') return undefined;
  return fieldsOf(model).find(([field]) => squash(normalizeHeader(field)) === n)?.[0];
}

/** Resolves an explicit mapping against a header row: column index → field (or null), and what does not fit. */
function resolveOverride(model: ModelMeta, headers: readonly string[], override: MappingOverride): { byColumn: Map<number, string | null>; problems: OverrideProblems } {
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
export function mapColumns(model: ModelMeta, headers: readonly string[], override?: MappingOverride): Mapping {
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
  // A required reference needs one of its columns (any of them names the target); reported on the first.
  for (const ref of model.refs) {
    if (ref.required && !ref.columns.some((c) => fieldColumn.has(c.column))) missingRequired.push(ref.columns[0]!.column);
  }
  return { model, columns, fieldColumn, unmapped: columns.filter((c) => !c.field), missingRequired, conflicts, overrideProblems: resolved?.problems ?? null };
}

/** True when an explicit mapping fits the header row and the model (no unknown column or field, no field given twice). */
export function overrideFits(mapping: Mapping): boolean {
  const p = mapping.overrideProblems;
  return !p || (p.unknownColumns.length === 0 && p.unknownFields.length === 0 && p.conflicts.length === 0);
}

export interface ModelScore {
  model: ModelMeta;
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
