/**
 * The check queries' read and verdicts (resolvers/Query.checkRows.ts). One BatchGetItem — the valid
 * rows' claims of their unique values (Uniques) and, when the stash names the ingestion a real run
 * would resume, the records it wrote for rows without a first unique value (derived ids, the
 * model's table) — then each row's verdict as readImportBatch plans it, without writing anything:
 *
 * invalid (or refused by the model's hook) → INVALID; written by the resumed ingestion →
 * ALREADY_IMPORTED; a reference naming no existing target → INVALID (`ref.code`); a unique value
 * another record owns → DUPLICATE with the import's error and conflict; one an earlier checked row
 * takes → DUPLICATE with `repeatOf` (`Email a@b already belongs to row 2 of this file.`); else CREATED.
 * Data source: ImportChecks (read-only; its table is Ingestions, the batch names every table).
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FieldError, RowCheck, RowStatus } from '../../schema/generated/types';
import { batchItems, importedId, requireAllRead } from '../lib/ingestion';
import { byDerivedId, duplicateError, resolveRow, storedUnique } from '../lib/imports';
import type { CheckStash } from '../lib/imports';
import type { UniqueClaim } from '../lib/keys';

interface TableRead {
  keys: Record<string, unknown>[];
  consistentRead: boolean;
  projection?: { expression: string; expressionNames: Record<string, string> };
}

function verdict(rowNumber: number, status: RowStatus, errors: FieldError[] | null): RowCheck {
  return { rowNumber, status, id: null, errors, conflict: null, repeatOf: null };
}

/** Every row's verdict, in the rows' order, from the claims and records read (key → item). */
function verdicts(stash: CheckStash, claims: Record<string, UniqueClaim>, records: Record<string, boolean>): RowCheck[] {
  const model = stash.model;
  const resumed = stash.ingestionId;
  // Claim keys an earlier checked row would take: a later row with the same value is its duplicate.
  const claimedHere: Record<string, number> = {};
  const checks: RowCheck[] = [];
  for (const row of stash.rows) {
    const keys = row.claimKeys || [];
    const first = keys.length > 0 && keys[0] ? claims[keys[0]] : null;
    const derived = resumed ? importedId(resumed, row.rowNumber) : '';
    if (row.errors.length > 0) {
      checks.push(verdict(row.rowNumber, 'INVALID', row.errors));
    } else if (resumed && first && first.ingestionId === resumed && first.rowNumber === row.rowNumber) {
      const done = verdict(row.rowNumber, 'ALREADY_IMPORTED', null);
      done.id = first.ownerId;
      checks.push(done);
    } else if (resumed && byDerivedId(row) && records[derived]) {
      const done = verdict(row.rowNumber, 'ALREADY_IMPORTED', null);
      done.id = derived;
      checks.push(done);
    } else if ((row.refErrors || []).length > 0) {
      checks.push(verdict(row.rowNumber, 'INVALID', row.refErrors as FieldError[]));
    } else {
      let answer: RowCheck | null = null;
      let index = 0;
      for (const unique of model.uniques) {
        const key = keys[index];
        index = index + 1;
        const owner = key ? claims[key] : null;
        const earlier = key ? claimedHere[key] : 0;
        const value = storedUnique(unique, row.values[unique.field] || '');
        if (answer) {
          // The first conflicting unique is the row's answer, as in the import.
        } else if (owner) {
          answer = verdict(row.rowNumber, 'DUPLICATE', [duplicateError(model, unique, value, owner.ownerId)]);
          answer.conflict = {
            field: unique.field,
            value,
            existingId: owner.ownerId,
            ingestionId: owner.ingestionId || null,
            rowNumber: typeof owner.rowNumber === 'number' ? owner.rowNumber : null,
          };
        } else if (earlier) {
          answer = verdict(row.rowNumber, 'DUPLICATE', [{ field: unique.field, code: unique.code, message: `${unique.label} ${value} already belongs to row ${earlier} of this file.` }]);
          answer.repeatOf = earlier;
        }
      }
      if (!answer) {
        for (const key of keys) {
          if (key) {
            claimedHere[key] = row.rowNumber;
          }
        }
      }
      checks.push(answer || verdict(row.rowNumber, 'CREATED', null));
    }
  }
  return checks;
}

export function request(ctx: Context<unknown, CheckStash>) {
  const stash = ctx.stash;
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
      if (stash.ingestionId && byDerivedId(row)) {
        recordKeys.push(util.dynamodb.toMapValues({ id: importedId(stash.ingestionId, row.rowNumber) }));
      }
    }
  }
  if (claimKeys.length === 0 && recordKeys.length === 0) {
    stash.checks = verdicts(stash, {}, {});
    runtime.earlyReturn(null);
  }
  const tables: Record<string, TableRead> = {};
  if (claimKeys.length > 0) {
    tables[ctx.env.UNIQUES_TABLE as string] = { keys: claimKeys, consistentRead: true };
  }
  if (recordKeys.length > 0) {
    tables[ctx.env[stash.model.tableEnvVar] as string] = { keys: recordKeys, consistentRead: true, projection: { expression: '#id', expressionNames: { '#id': 'id' } } };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, CheckStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  requireAllRead(ctx.result);
  const claims: Record<string, UniqueClaim> = {};
  for (const claim of batchItems<UniqueClaim>(ctx.result, ctx.env.UNIQUES_TABLE as string)) {
    claims[claim.key] = claim;
  }
  const records: Record<string, boolean> = {};
  for (const record of batchItems<{ id: string }>(ctx.result, ctx.env[ctx.stash.model.tableEnvVar] as string)) {
    records[record.id] = true;
  }
  ctx.stash.checks = verdicts(ctx.stash, claims, records);
  return null;
}
