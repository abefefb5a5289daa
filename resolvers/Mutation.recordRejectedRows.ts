/**
 * Mutation.recordRejectedRows: [readRejectBatch, writeRejectBatch, writeRejectBatchRetry, readBatchMarker].
 * Rows the client itself rejected (unparseable, failed its validation) are stored as ROW# errors and
 * counted invalid, so the server's error report is complete. Idempotent like the imports: the batch
 * marker `REJECT#<batch>#…` makes a re-send answer the stored outcomes, and a row already accounted
 * for by an earlier run is answered as stored and not counted again.
 */
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress, MutationRecordRejectedRowsArgs } from '../schema/generated/types';
import { capErrors, capRawInput, startBatch } from './lib/ingestion';
import { MAX_BATCH_ROWS } from './lib/rules';
import type { RejectBatchStash } from './functions/readRejectBatch';
import { callerAccess } from './lib/identity';

export function request(ctx: Context<MutationRecordRejectedRowsArgs, RejectBatchStash>) {
  const input = ctx.args.input;
  startBatch(ctx.stash, 'REJECT', 'REJECTED_ROWS', input, MAX_BATCH_ROWS);
  ctx.stash.access = callerAccess(ctx);
  const rows = [];
  for (const row of input.rows) {
    // AppSync hands AWSJSON arguments to resolvers parsed; the row error stores the JSON text,
    // capped (ROW_ERROR_LIMITS) so that a row of any width fits one DynamoDB item.
    rows.push({ rowNumber: row.rowNumber, errors: capErrors(row.errors), raw: capRawInput(row.raw) });
  }
  ctx.stash.rejected = rows;
  return {};
}

/** readBatchMarker, the last step, answers the batch (lib/ingestion.ts batchProgress). */
export function response(ctx: Context<MutationRecordRejectedRowsArgs, RejectBatchStash, { result: IngestionProgress }>): IngestionProgress {
  return ctx.prev.result;
}
