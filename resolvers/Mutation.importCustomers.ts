/**
 * Mutation.importCustomers: [readCustomerBatch, writeCustomerBatch, writeCustomerBatchRetry, readBatchMarker].
 *
 * 1. before: the batch's shape (≤ MAX_BATCH_ROWS rows, distinct row numbers) and every row
 *    validated again against `rules.ts` — the server never trusts the client;
 * 2. readCustomerBatch: one BatchGetItem for the ingestion, the batch marker, the rows' stored
 *    errors and the valid rows' email claims; plans each row: INVALID, DUPLICATE (claimed by another
 *    customer, or earlier in this batch), ALREADY_IMPORTED (this ingestion's row, from an earlier
 *    run), or CREATED;
 * 3. writeCustomerBatch: one TransactWriteItems — per new customer its item and its email claim, per
 *    rejected row its ROW# error, the batch marker and the counters (2 × 49 + 2 = 100 items at most);
 * 4. writeCustomerBatchRetry: when a claim was taken by a concurrent writer in between, those rows are
 *    answered RETRY (send them again in a later batch) and the rest is written once more;
 * 5. readBatchMarker: a re-sent batch (its marker exists) answers the stored outcomes, replayed.
 */
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress, MutationImportCustomersArgs } from '../schema/generated/types';
import { batchProgress, rawRow, startBatch } from './lib/ingestion';
import { MAX_BATCH_ROWS } from './lib/rules';
import { validateCustomerRow } from './lib/validate';
import type { CustomerBatchStash } from './functions/readCustomerBatch';
import { callerAccess } from './lib/identity';

export function request(ctx: Context<MutationImportCustomersArgs, CustomerBatchStash>) {
  const input = ctx.args.input;
  startBatch(ctx.stash, 'BATCH#C', input, MAX_BATCH_ROWS);
  ctx.stash.access = callerAccess(ctx);
  const checked = [];
  for (const row of input.rows) {
    const result = validateCustomerRow(row);
    checked.push({ rowNumber: row.rowNumber, values: result.values, errors: result.errors, raw: rawRow(row as unknown as Record<string, unknown>) });
  }
  ctx.stash.rows = checked;
  return {};
}

export function response(ctx: Context<MutationImportCustomersArgs, CustomerBatchStash>): IngestionProgress {
  return batchProgress(ctx.stash, 'IMPORTING');
}
