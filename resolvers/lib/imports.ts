/**
 * The generic import pipeline's shared pieces (resolvers/Mutation.importRows.ts and its functions).
 * APPSYNC_JS-safe.
 *
 * The resolver finds the model (schema/generated/models.ts) and validates the rows; it leaves the
 * functions an `ImportModel` in the stash: the part of the model the reads and the plan need (its
 * uniques, references and stored fields, with the labels their messages use), so that only the
 * resolver's bundle carries the whole model table (AppSync's 32 KB a bundle).
 */
import type { FieldError, RowCheck } from '../../schema/generated/types';
import type { ModelMeta, StoredField } from '../../schema/models';
import type { BatchStash } from './ingestion';
import { claimKey, normalizeUnique } from './keys';

/** A @unique field, with its column's label for messages. */
export interface ImportUnique {
  field: string;
  with: string[];
  normalize: string;
  claim: string;
  code: string;
  label: string;
}

/** One way a row may name a reference's target: by id, or by the target's unique (its claim). */
export interface ImportRefColumn {
  by: string;
  column: string;
  claim: string | null;
  normalize: string | null;
  /** How messages name the key: `id`, or the target field's label lower-cased (`email`). */
  keyLabel: string;
}

export interface ImportRef {
  field: string;
  model: string;
  tableEnvVar: string;
  label: string;
  code: string;
  columns: ImportRefColumn[];
}

export interface ImportModel {
  name: string;
  label: string;
  apiName: string;
  tableEnvVar: string;
  stored: StoredField[];
  uniques: ImportUnique[];
  refs: ImportRef[];
}

/** A row as the resolver checked it (its raw cells stay in ctx.args); readImportBatch's request adds what it resolved. */
export interface ImportRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: FieldError[];
  /** Reference field → the target's id, for the targets found. */
  refIds?: Record<string, string> | null;
  /** A named target that does not exist: INVALID with the reference's code. */
  refErrors?: FieldError[] | null;
  /** Per unique (model order): the claim key of the row's value, null when it has none. */
  claimKeys?: (string | null)[] | null;
}

export interface ImportStash extends BatchStash {
  model: ImportModel;
  rows: ImportRow[];
  /** Lookup key (namedTarget) → the target's id, for the targets readImportRefs found. */
  refsFound: Record<string, string>;
}

/**
 * The check queries' stash (resolvers/Query.checkRows.ts): the same model and rows as an import's,
 * no batch; `ingestionId` is the unfinished ingestion a real run would resume (or null), `checks`
 * the answer checkImportRows leaves.
 */
export interface CheckStash {
  model: ImportModel;
  rows: ImportRow[];
  refsFound: Record<string, string>;
  ingestionId: string | null;
  checks: RowCheck[];
}

/** The part of `model` the pipeline's functions need; `models` supplies the targets' labels. */
export function importModelOf(model: ModelMeta, models: ModelMeta[]): ImportModel {
  const uniques: ImportUnique[] = [];
  for (const u of model.uniques) {
    const rule = model.columns[u.field];
    uniques.push({ field: u.field, with: u.with, normalize: u.normalize, claim: u.claim, code: u.code, label: rule ? rule.label : u.field });
  }
  const refs: ImportRef[] = [];
  for (const r of model.refs) {
    let target: ModelMeta | null = null;
    for (const m of models) {
      if (m.name === r.model) {
        target = m;
      }
    }
    const columns: ImportRefColumn[] = [];
    for (const c of r.columns) {
      const rule = target && c.by !== 'id' ? target.columns[c.by] : null;
      columns.push({ by: c.by, column: c.column, claim: c.claim || null, normalize: c.normalize || null, keyLabel: rule ? rule.label.toLowerCase() : c.by });
    }
    refs.push({ field: r.field, model: r.model, tableEnvVar: r.tableEnvVar, label: r.label, code: r.code, columns });
  }
  return { name: model.name, label: model.label, apiName: model.apiName, tableEnvVar: model.tableEnvVar, stored: model.stored, uniques, refs };
}

/** How a row names a reference's target: the column, its value and the key the target is looked up by. */
export interface NamedTarget {
  column: ImportRefColumn;
  value: string;
  /** The target's claim key (by a unique), or `#<Model>#<id>` (by id). */
  lookup: string;
}

/** The target a row names: by id when its id column is filled (an id is exact), else by the first filled column in `by` order. */
export function namedTarget(ref: ImportRef, values: Record<string, string>): NamedTarget | null {
  let chosen: ImportRefColumn | null = null;
  for (const column of ref.columns) {
    if (values[column.column] && (!chosen || column.by === 'id')) {
      chosen = column;
    }
  }
  if (!chosen) {
    return null;
  }
  const value = values[chosen.column] as string;
  if (chosen.by === 'id' || !chosen.claim) {
    return { column: chosen, value, lookup: `#${ref.model}#${value}` };
  }
  return { column: chosen, value, lookup: claimKey(chosen.claim, normalizeUnique(chosen.normalize || 'TRIM', value)) };
}

/** The value a unique field is stored (and reported) in: EMAIL normalised, others trimmed and NFC (case kept). */
export function storedUnique(unique: ImportUnique, value: string): string {
  return normalizeUnique(unique.normalize === 'EMAIL' ? 'EMAIL' : 'TRIM', value);
}

/** The targets a row names (refIds), the ones that do not exist (refErrors), and its claim keys. */
export function resolveRow(model: ImportModel, row: ImportRow, found: Record<string, string>): void {
  const refIds: Record<string, string> = {};
  const refErrors: FieldError[] = [];
  const unresolved: Record<string, boolean> = {};
  for (const ref of model.refs) {
    const target = namedTarget(ref, row.values);
    const id = target ? found[target.lookup] : null;
    if (target && id) {
      refIds[ref.field] = id;
    } else if (target) {
      unresolved[ref.field] = true;
      refErrors.push({ field: target.column.column, code: ref.code, message: `No ${ref.label.toLowerCase()} with ${target.column.keyLabel} ${target.value}.` });
    }
  }
  const claimKeys: (string | null)[] = [];
  for (const unique of model.uniques) {
    const value = row.values[unique.field];
    // A composite's `with` values: a reference's target id, any other field's value (trimmed, NFC).
    const others: string[] = [];
    let known = !!value;
    for (const other of unique.with) {
      known = known && !unresolved[other];
      others.push(refIds[other] || normalizeUnique('TRIM', row.values[other] || ''));
    }
    claimKeys.push(known ? claimKey(unique.claim, normalizeUnique(unique.normalize, value as string), others) : null);
  }
  row.refIds = refIds;
  row.refErrors = refErrors;
  row.claimKeys = claimKeys;
}

/** Whether the row is found again through its derived id rather than its first unique's claim. */
export function byDerivedId(row: ImportRow): boolean {
  const keys = row.claimKeys || [];
  return keys.length === 0 || !keys[0];
}

/** The error of a row whose unique value the record `existingId` owns: DUPLICATE_<FIELD>, as every import and check answers it. */
export function duplicateError(model: ImportModel, unique: ImportUnique, value: string, existingId: string): FieldError {
  return { field: unique.field, code: unique.code, message: `${unique.label} ${value} already belongs to ${model.label.toLowerCase()} ${existingId}.` };
}
