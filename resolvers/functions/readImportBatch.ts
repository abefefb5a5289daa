/**
 * Reads what an import batch depends on in one BatchGetItem — the ingestion, the batch marker and
 * the rows' stored errors (Ingestions), the valid rows' claims of their unique values (Uniques) or,
 * for a model without uniques (or a row without the first unique's value), the records this
 * ingestion may already have written for them by derived id (the model's table) — and plans each row:
 *
 * stored row error → its stored outcome; invalid → INVALID; written by this ingestion before →
 * ALREADY_IMPORTED; a reference naming no existing target → INVALID (`ref.code`); a unique value
 * another record owns, or an earlier row of this batch claims → DUPLICATE (`unique.code`); else
 * CREATED (writeImportBatch builds the record, its claims and the checks that its targets exist).
 * Data source: IngestionsTable (its role reaches every model table and Uniques).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { batchItems, batchStateKeys, currentRun, importedId, readBatchState, storedOutcome } from '../lib/ingestion';
import type { PlannedRow, TxItem } from '../lib/ingestion';
import { byDerivedId, duplicateError, resolveRow, storedUnique } from '../lib/imports';
import type { ImportModel, ImportStash, ImportUnique } from '../lib/imports';
import type { UniqueClaim } from '../lib/keys';
import { callerAccess } from '../lib/identity';

/** What readImportBatch reads of a record this ingestion may have written. */
interface RecordItem {
  id: string;
  ingestionRun?: number | null;
  reimportedAt?: string | null;
}

interface TableRead {
  keys: Record<string, unknown>[];
  consistentRead: boolean;
  projection?: { expression: string; expressionNames: Record<string, string> };
}

export function request(ctx: Context<unknown, ImportStash>) {
  const stash = ctx.stash;
  stash.access = callerAccess(ctx);
  const claimKeys: Record<string, unknown>[] = [];
  const recordKeys: Record<string, unknown>[] = [];
  const asked: Record<string, boolean> = {};
  for (const row of stash.rows) {
    if (row.errors.length === 0) {
      resolveRow(stash.model, row, stash.refsFound || {});
      for (const key of row.claimKeys || []) {
        if (key && !asked[key]) {
          asked[key] = true;
          claimKeys.push(util.dynamodb.toMapValues({ key }));
        }
      }
      if (byDerivedId(row)) {
        recordKeys.push(util.dynamodb.toMapValues({ id: importedId(stash.ingestionId, row.rowNumber) }));
      }
    }
  }
  const tables: Record<string, TableRead> = {};
  tables[ctx.env.INGESTIONS_TABLE as string] = { keys: batchStateKeys(stash), consistentRead: true };
  if (claimKeys.length > 0) {
    tables[ctx.env.UNIQUES_TABLE as string] = { keys: claimKeys, consistentRead: true };
  }
  if (recordKeys.length > 0) {
    tables[ctx.env[stash.model.tableEnvVar] as string] = {
      keys: recordKeys,
      consistentRead: true,
      projection: { expression: '#id, #run, #reimportedAt', expressionNames: { '#id': 'id', '#run': 'ingestionRun', '#reimportedAt': 'reimportedAt' } },
    };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, ImportStash>) {
  const stash = ctx.stash;
  const model = stash.model;
  const rowErrors = readBatchState(stash, ctx.error, ctx.result, ctx.env.INGESTIONS_TABLE as string, model.apiName);
  if (!rowErrors) {
    return null;
  }
  const uniquesTable = ctx.env.UNIQUES_TABLE as string;
  const modelTable = ctx.env[model.tableEnvVar] as string;
  const claims: Record<string, UniqueClaim> = {};
  for (const claim of batchItems<UniqueClaim>(ctx.result, uniquesTable)) {
    claims[claim.key] = claim;
  }
  const records: Record<string, RecordItem> = {};
  for (const record of batchItems<RecordItem>(ctx.result, modelTable)) {
    records[record.id] = record;
  }
  const run = currentRun(stash);
  // Claim keys this batch is about to take: a later row with the same value is its duplicate.
  const claimedHere: Record<string, { id: string; rowNumber: number }> = {};
  const plan: PlannedRow[] = [];
  for (const row of stash.rows) {
    const stored = rowErrors[`${row.rowNumber}`];
    const id = importedId(stash.ingestionId, row.rowNumber);
    const keys = row.claimKeys || [];
    const first = keys.length > 0 && keys[0] ? claims[keys[0]] : null;
    const record = byDerivedId(row) ? records[id] : null;
    if (stored) {
      // Accounted for by an earlier run of this ingestion: answered as it was, counted once.
      plan.push(storedOutcome(stored));
    } else if (row.errors.length > 0) {
      plan.push(rejected(row.rowNumber, row.errors));
    } else if (first && first.ingestionId === stash.ingestionId && first.rowNumber === row.rowNumber) {
      plan.push(alreadyImported(uniquesTable, { key: first.key }, 'ownerId', first.ownerId, first.run, first.reimportedAt, row.rowNumber, run, stash.now));
    } else if (record) {
      plan.push(alreadyImported(modelTable, { id: record.id }, 'id', record.id, record.ingestionRun, record.reimportedAt, row.rowNumber, run, stash.now));
    } else if ((row.refErrors || []).length > 0) {
      plan.push(rejected(row.rowNumber, row.refErrors as FieldError[]));
    } else {
      let conflict: PlannedRow | null = null;
      let index = 0;
      for (const unique of model.uniques) {
        const key = keys[index];
        index = index + 1;
        const owner = key ? claims[key] : null;
        const earlier = key ? claimedHere[key] : null;
        const value = storedUnique(unique, row.values[unique.field] || '');
        if (conflict) {
          // The first conflicting unique is the row's answer.
        } else if (owner) {
          conflict = duplicate(model, unique, row.rowNumber, value, owner.ownerId, owner.ingestionId || null, typeof owner.rowNumber === 'number' ? owner.rowNumber : null);
        } else if (earlier) {
          conflict = duplicate(model, unique, row.rowNumber, value, earlier.id, stash.ingestionId, earlier.rowNumber);
        }
      }
      if (!conflict) {
        for (const key of keys) {
          if (key) {
            claimedHere[key] = { id, rowNumber: row.rowNumber };
          }
        }
      }
      // A new record: writeImportBatch builds its item, claims and target checks.
      plan.push(conflict || { rowNumber: row.rowNumber, status: 'CREATED', id, count: 'created', writes: [], rowError: false });
    }
  }
  stash.plan = plan;
  stash.phase = 'PLANNED';
  return null;
}

/** A row answered with its errors (and stored as a ROW# error: writeImportBatch adds its raw cells). */
function rejected(rowNumber: number, errors: FieldError[]): PlannedRow {
  return { rowNumber, status: 'INVALID', errors, count: 'invalid', writes: [], rowError: true };
}

function duplicate(model: ImportModel, unique: ImportUnique, rowNumber: number, value: string, existingId: string, ingestionId: string | null, ownerRow: number | null): PlannedRow {
  return {
    rowNumber,
    status: 'DUPLICATE',
    errors: [duplicateError(model, unique, value, existingId)],
    conflict: { field: unique.field, value, existingId, ingestionId, rowNumber: ownerRow },
    count: 'duplicates',
    writes: [],
    rowError: true,
  };
}

/**
 * This ingestion created the row before: its first unique's claim names this file row, or (a model
 * without uniques) its record exists under the derived id (either names `id` in `ownerAttribute`). When an earlier, interrupted run wrote it,
 * the first resumed run that sends it again moves it from `created` to `alreadyImported`; the claim
 * or record (`key` in `table`) records that, so it moves once. A row this same run created and sends
 * again (batches cut differently) counts nothing.
 */
function alreadyImported(
  table: string,
  key: Record<string, string>,
  ownerAttribute: string,
  id: string,
  createdBy: number | null | undefined,
  reimportedAt: string | null | undefined,
  rowNumber: number,
  run: number,
  now: string,
): PlannedRow {
  if (reimportedAt || (createdBy || 0) >= run) {
    return { rowNumber, status: 'ALREADY_IMPORTED', id, count: 'none', writes: [], rowError: false };
  }
  const mark: TxItem = {
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(key),
    update: { expression: 'SET #reimportedAt = :now', expressionNames: { '#reimportedAt': 'reimportedAt' }, expressionValues: util.dynamodb.toMapValues({ ':now': now }) },
    condition: {
      expression: '#owner = :id AND attribute_not_exists(#reimportedAt)',
      expressionNames: { '#owner': ownerAttribute, '#reimportedAt': 'reimportedAt' },
      expressionValues: util.dynamodb.toMapValues({ ':id': id }),
      returnValuesOnConditionCheckFailure: false,
    },
  };
  return { rowNumber, status: 'ALREADY_IMPORTED', id, count: 'alreadyImported', writes: [mark], rowError: false };
}
