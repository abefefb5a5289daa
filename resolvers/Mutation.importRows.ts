/**
 * Every model's import field (importCustomers, importProjects, importInvoices, …): one pipeline,
 * [readImportRefs (models with references), readImportBatch, writeImportBatch, writeImportBatchRetry,
 * readBatchMarker], driven by the model codegen derived from the schema (schema/generated/models.ts):
 * `MODELS.find(m => m.importField === ctx.info.fieldName)`. docs/architecture.md has the protocol.
 *
 * 1. before: the batch's shape (≤ the model's `batchRows`, distinct row numbers) and every row
 *    validated again (./lib/validate.ts) — the server never trusts the client;
 * 2. readImportRefs: one BatchGetItem of the targets the rows name (claims of unique keys, target
 *    items by id);
 * 3. readImportBatch: one BatchGetItem of the ingestion, the batch marker, the rows' stored errors
 *    and the valid rows' claims (or derived ids, for a model without uniques); plans each row:
 *    INVALID, ALREADY_IMPORTED, INVALID (unknown target), DUPLICATE, or CREATED;
 * 4. writeImportBatch: one TransactWriteItems — per new record its item and a claim per unique, a
 *    condition check per distinct target, per rejected row its ROW# error, the marker, the counters;
 * 5. writeImportBatchRetry: when a claim or target changed in between, those rows answer RETRY and
 *    the rest is written once more;
 * 6. readBatchMarker: a re-sent batch racing the original answers the stored outcomes, replayed;
 *    in every case it builds the answer, which this resolver passes on.
 * The stash's `phase` (./lib/ingestion.ts BatchPhase) says which step acts. Only this bundle holds
 * the model table; the functions read the part they need from the stash (./lib/imports.ts).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { IngestionProgress } from '../schema/generated/types';
import { MODELS } from '../schema/generated/models';
import type { ModelMeta } from '../schema/models';
import { startBatch } from './lib/ingestion';
import { importModelOf } from './lib/imports';
import type { ImportRow, ImportStash } from './lib/imports';
import { validateRow } from './lib/validate';

interface ImportArgs {
  input: { ingestionId: string; batchNumber: number; rows: { rowNumber: number }[] };
}

export function request(ctx: Context<ImportArgs, ImportStash>) {
  let model: ModelMeta | null = null;
  for (const m of MODELS) {
    if (m.importField === ctx.info.fieldName) {
      model = m;
    }
  }
  if (!model) {
    util.error(`${ctx.info.fieldName} imports no model.`, 'BadRequest');
  }
  const input = ctx.args.input;
  startBatch(ctx.stash, model.markerKind, 'IMPORTING', input, model.batchRows);
  ctx.stash.model = importModelOf(model, MODELS);
  ctx.stash.refsFound = {};
  const rows: ImportRow[] = [];
  for (const row of input.rows) {
    const checked = validateRow(model, row as unknown as Record<string, unknown>);
    rows.push({ rowNumber: row.rowNumber, values: checked.values, errors: checked.errors });
  }
  ctx.stash.rows = rows;
  return {};
}

/** readBatchMarker, the last step, answers the batch (lib/ingestion.ts batchProgress). */
export function response(ctx: Context<ImportArgs, ImportStash, { result: IngestionProgress }>): IngestionProgress {
  return ctx.prev.result;
}
