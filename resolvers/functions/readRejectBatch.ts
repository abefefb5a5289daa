/** Reads the ingestion, the REJECT marker and the rows' stored errors in one BatchGetItem, and plans the rows. */
import type { Context } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { batchStateKeys, readBatchState, storedOutcome } from '../lib/ingestion';
import type { BatchStash, PlannedRow } from '../lib/ingestion';

export interface RejectedRow {
  rowNumber: number;
  errors: FieldError[];
  raw: string | null;
}

export interface RejectBatchStash extends BatchStash {
  rejected: RejectedRow[];
}

export function request(ctx: Context<unknown, RejectBatchStash>) {
  const tables: Record<string, { keys: Record<string, unknown>[]; consistentRead: boolean }> = {};
  tables[ctx.env.INGESTIONS_TABLE as string] = { keys: batchStateKeys(ctx.stash), consistentRead: true };
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, RejectBatchStash>) {
  const stash = ctx.stash;
  const rowErrors = readBatchState(stash, ctx.error, ctx.result, ctx.env.INGESTIONS_TABLE as string, null);
  if (!rowErrors) {
    return null;
  }
  const plan: PlannedRow[] = [];
  for (const row of stash.rejected) {
    const stored = rowErrors[`${row.rowNumber}`];
    if (stored) {
      plan.push(storedOutcome(stored));
    } else {
      plan.push({ rowNumber: row.rowNumber, status: 'INVALID', errors: row.errors, raw: row.raw, count: 'invalid', writes: [], rowError: true });
    }
  }
  stash.plan = plan;
  stash.phase = 'PLANNED';
  return null;
}
