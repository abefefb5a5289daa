/**
 * The generic import pipeline's shared pieces (resolvers/Mutation.importRows.ts and its functions).
 * APPSYNC_JS-safe.
 *
 * The resolver finds the model (schema/generated/models.ts) and validates the rows; it leaves the
 * functions an `ImportModel` in the stash: the part of the model the reads and the plan need (its
 * uniques, references and stored fields, with the labels their messages use), so that only the
 * resolver's bundle carries the whole model table (AppSync's 32 KB a bundle).
 */
import type { FieldError } from '../../schema/generated/types';
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
