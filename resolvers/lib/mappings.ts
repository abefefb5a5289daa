/**
 * Saved column mappings (docs/mappings.md): what the server accepts and how it keys them. The
 * resolvers refuse a mapping with these problems (ValidationError), and the clients check a
 * mapping with the same function before sending it, so both say the same thing. APPSYNC_JS-safe
 * and free of `@aws-appsync/utils` (no regex, no try/catch), so the engine imports it as it is.
 *
 * The item in the Mappings table: partition key `owner` (the caller, resolvers/lib/identity.ts),
 * sort key `sk` = `<ModelName>#<fingerprint>`; `mapping` is stored as JSON text.
 */
import type { FieldRule, ModelMeta } from '../../schema/models';

/**
 * What one saved mapping may hold: at most `headers` columns of at most `headerChars` characters
 * each (UTF-16 code units) and `totalChars` in all. Worst case, every character 3 UTF-8 bytes: the
 * headers and the mapping's keys together ≤ 2·32,768·3 B ≈ 197 KB, with the field names well under
 * DynamoDB's 400 KB item limit.
 */
export const MAPPING_LIMITS = {
  headers: 500,
  headerChars: 256,
  totalChars: 32768,
} as const;

/** Problems listed in one refusal at most (the rest are counted). */
const MAX_PROBLEMS = 10;

/** One reason a mapping is refused, as a FieldError: `field` names the input field. */
export interface MappingProblem {
  field: string;
  code: string;
  message: string;
}

/** What `saveMapping` is given, AWSJSON `mapping` already parsed (AppSync parses it). */
export interface MappingInputValues {
  fingerprint: string;
  headers: readonly string[];
  mapping: unknown;
}

/** A stored saved mapping (the Mappings table's item). */
export interface MappingItem {
  owner: string;
  sk: string;
  fingerprint: string;
  model: string;
  headers: string[];
  /** JSON text: column → field or null. */
  mapping: string;
  createdAt: string;
  updatedAt: string;
}

const HEX = '0123456789abcdef';

/** Is `value` a lower-case hex SHA-256 (64 characters)? */
export function isFingerprint(value: string): boolean {
  if (typeof value !== 'string' || value.length !== 64) {
    return false;
  }
  for (const c of value.split('')) {
    if (HEX.indexOf(c) < 0) {
      return false;
    }
  }
  return true;
}

/** The item's sort key: `<ModelName>#<fingerprint>`, e.g. `CUSTOMER#3fa2…`. */
export function mappingSortKey(modelName: string, fingerprint: string): string {
  return `${modelName}#${fingerprint}`;
}

/** A value for a message: quoted and cut at 40 characters. */
function quoted(value: string): string {
  return value.length > 40 ? `"${value.slice(0, 39)}…"` : `"${value}"`;
}

/** `{}` as a set of strings that cannot collide with an object's own properties. */
function setKey(value: string): string {
  return `k:${value}`;
}

/**
 * Everything wrong with a mapping for `model` (at most 10 listed, then how many more): the
 * fingerprint's form, the header row's size, the mapping's shape, columns it names that are not in
 * the header row, values that are not fields of the model, a field given to two columns, required
 * fields (and required references: one of their columns) no column maps to. Empty when it fits.
 */
export function mappingProblems(model: ModelMeta, input: MappingInputValues): MappingProblem[] {
  const problems: MappingProblem[] = [];
  if (!isFingerprint(input.fingerprint)) {
    problems.push({ field: 'fingerprint', code: 'FORMAT', message: `fingerprint must be 64 lower-case hexadecimal characters (a SHA-256), got ${quoted(String(input.fingerprint))}` });
  }
  const headers = input.headers;
  if (headers.length === 0) {
    problems.push({ field: 'headers', code: 'REQUIRED', message: 'headers must hold the header row: at least one column' });
    return problems;
  }
  if (headers.length > MAPPING_LIMITS.headers) {
    problems.push({ field: 'headers', code: 'TOO_MANY', message: `headers holds ${headers.length} columns; a saved mapping takes at most ${MAPPING_LIMITS.headers}` });
    return problems;
  }
  const known: Record<string, boolean> = {};
  let total = 0;
  let i = 0;
  for (const header of headers) {
    i = i + 1;
    total += header.length;
    if (header.length > MAPPING_LIMITS.headerChars) {
      problems.push({ field: 'headers', code: 'TOO_LONG', message: `header ${i} (${quoted(header)}) is ${header.length} characters long; at most ${MAPPING_LIMITS.headerChars}` });
    } else if (known[setKey(header)]) {
      problems.push({ field: 'headers', code: 'DUPLICATE_HEADER', message: `header ${i} (${quoted(header)}) appears twice in the header row` });
    }
    known[setKey(header)] = true;
  }
  if (total > MAPPING_LIMITS.totalChars) {
    problems.push({ field: 'headers', code: 'TOO_LONG', message: `the header row holds ${total} characters; a saved mapping takes at most ${MAPPING_LIMITS.totalChars}` });
  }
  const mapping = input.mapping;
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
    problems.push({ field: 'mapping', code: 'FORMAT', message: 'mapping must be a JSON object of column → field (or null to ignore the column)' });
    return cap(problems);
  }
  const entries = mapping as Record<string, unknown>;
  const fields: Record<string, boolean> = {};
  for (const field of Object.keys(model.columns)) {
    fields[setKey(field)] = true;
  }
  const columnOfField: Record<string, string> = {};
  for (const column of Object.keys(entries)) {
    const value = entries[column];
    if (!known[setKey(column)]) {
      problems.push({ field: 'mapping', code: 'UNKNOWN_COLUMN', message: `mapping names the column ${quoted(column)}, which is not in headers` });
    } else if (value === null) {
      // An ignored column.
    } else if (typeof value !== 'string') {
      problems.push({ field: 'mapping', code: 'FORMAT', message: `mapping sends the column ${quoted(column)} to ${quoted(JSON.stringify(value))}; use a field name, or null to ignore the column` });
    } else if (!fields[setKey(value)]) {
      problems.push({ field: 'mapping', code: 'UNKNOWN_FIELD', message: `mapping sends the column ${quoted(column)} to ${quoted(value)}, which is not a field of ${model.label.toLowerCase()} (its fields: ${Object.keys(model.columns).join(', ')})` });
    } else if (columnOfField[setKey(value)] !== undefined) {
      problems.push({ field: 'mapping', code: 'FIELD_TWICE', message: `mapping sends both ${quoted(String(columnOfField[setKey(value)]))} and ${quoted(column)} to ${value}; a field takes one column` });
    } else {
      columnOfField[setKey(value)] = column;
    }
  }
  for (const field of Object.keys(model.columns)) {
    const rule = model.columns[field] as FieldRule;
    if (rule.required && columnOfField[setKey(field)] === undefined) {
      problems.push({ field: 'mapping', code: 'MISSING_REQUIRED', message: `no column is mapped to the required ${rule.label} (${field})` });
    }
  }
  for (const ref of model.refs) {
    let named = false;
    const names: string[] = [];
    for (const c of ref.columns) {
      if (columnOfField[setKey(c.column)] !== undefined) {
        named = true;
      }
      names.push(c.column);
    }
    if (ref.required && !named) {
      problems.push({ field: 'mapping', code: 'MISSING_REQUIRED', message: `no column is mapped to ${names.join(' or ')}: the ${ref.label.toLowerCase()} is required` });
    }
  }
  return cap(problems);
}

/** At most MAX_PROBLEMS problems, then one saying how many more. */
function cap(problems: MappingProblem[]): MappingProblem[] {
  if (problems.length <= MAX_PROBLEMS) {
    return problems;
  }
  const kept = problems.slice(0, MAX_PROBLEMS);
  kept.push({ field: 'mapping', code: 'MORE', message: `and ${problems.length - MAX_PROBLEMS} more problems` });
  return kept;
}

/**
 * The mapping as stored: JSON text of its entries in header-row order (the columns it names only).
 * Call after `mappingProblems` found none.
 */
export function mappingText(headers: readonly string[], mapping: Record<string, unknown>): string {
  const named: Record<string, boolean> = {};
  for (const column of Object.keys(mapping)) {
    named[setKey(column)] = true;
  }
  const ordered: Record<string, unknown> = {};
  for (const header of headers) {
    if (named[setKey(header)]) {
      ordered[header] = mapping[header];
    }
  }
  return JSON.stringify(ordered);
}

/** What the mapping resolvers pass their function in the stash. */
export interface MappingStash {
  /** The caller (resolvers/lib/identity.ts callerOwner): the partition every request is confined to. */
  owner: string;
  /** `<ModelName>#<fingerprint>` (get, save, delete). */
  sk?: string;
  /** saveMapping: what to write. */
  save?: { fingerprint: string; model: string; headers: string[]; mapping: string };
  /** listMappings. */
  page?: { limit: number; nextToken: string | null };
}

/** A stored item as the `SavedMapping` type (the mapping stays JSON text: AWSJSON sends text as it is). */
export function toSavedMapping(item: MappingItem | null | undefined): Omit<MappingItem, 'sk'> | null {
  if (!item) {
    return null;
  }
  return {
    fingerprint: item.fingerprint,
    model: item.model,
    headers: item.headers,
    mapping: item.mapping,
    owner: item.owner,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
