/**
 * Mutation.importProjects: [readProjectCustomers, readProjectBatch, writeProjectBatch,
 * writeProjectBatchRetry, readBatchMarker].
 *
 * The customer import's pipeline (see Mutation.importCustomers.ts) with a customer instead of an
 * email claim: each row names its customer by `customerId` or, failing that, `customerEmail`.
 * readProjectCustomers looks the customers up (one BatchGetItem); a row whose customer does not
 * exist is INVALID with code UNKNOWN_CUSTOMER — a row error, not a crash. Each new project is
 * written with a ConditionCheck that its customer still exists (one per distinct customer), so a
 * customer deleted in between turns its rows into RETRY rather than orphan projects.
 * A project's id derives from its ingestion and row number, which makes a resumed run find the
 * projects it already wrote (ALREADY_IMPORTED) instead of writing them twice.
 */
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress, MutationImportProjectsArgs } from '../schema/generated/types';
import { batchProgress, rawRow, startBatch } from './lib/ingestion';
import { MAX_BATCH_ROWS } from './lib/rules';
import { validateProjectRow } from './lib/validate';
import type { ProjectBatchStash } from './functions/readProjectCustomers';
import { callerAccess } from './lib/identity';

export function request(ctx: Context<MutationImportProjectsArgs, ProjectBatchStash>) {
  const input = ctx.args.input;
  startBatch(ctx.stash, 'BATCH#P', input, MAX_BATCH_ROWS);
  ctx.stash.access = callerAccess(ctx);
  const checked = [];
  for (const row of input.rows) {
    const result = validateProjectRow(row);
    checked.push({ rowNumber: row.rowNumber, values: result.values, errors: result.errors, raw: rawRow(row as unknown as Record<string, unknown>) });
  }
  ctx.stash.rows = checked;
  ctx.stash.customerIds = {};
  return {};
}

export function response(ctx: Context<MutationImportProjectsArgs, ProjectBatchStash>): IngestionProgress {
  return batchProgress(ctx.stash, 'IMPORTING');
}
