/**
 * Every model's check query (checkCustomers, checkProjects, checkInvoices, …; generated per
 * @importable model): what `import<Plural>` would answer for these rows now, read-only. One
 * pipeline, [hook (a model with @importable(hook:)), checkImportRefs (models with references),
 * checkImportRows], on the read-only data source ImportChecks (a DynamoDB role without a write
 * action in AWS; the local stack refuses writes on it too). The model is
 * `MODELS.find(m => m.checkField === ctx.info.fieldName)`; docs/ingestion.md, "The dry run asks the server".
 *
 * 1. before: at most the model's `batchRows` rows, distinct row numbers ≥ 1, each validated as the
 *    import validates it (./lib/validate.ts);
 * 2. the model's hook, as in the import pipeline (rows it refuses are INVALID);
 * 3. checkImportRefs (the import's readImportRefs code): one BatchGetItem of the targets the rows name;
 * 4. checkImportRows: one BatchGetItem of the rows' claims (and, when `ingestionId` names the
 *    ingestion a real run would resume, the records it wrote under derived ids), then each row's
 *    verdict in the import's order and words: INVALID, ALREADY_IMPORTED, INVALID (UNKNOWN_<MODEL>),
 *    DUPLICATE (DUPLICATE_<FIELD> with the owner; or `repeatOf` an earlier checked row), CREATED.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { RowCheck } from '../schema/generated/types';
import { MODELS } from '../schema/generated/models';
import type { ModelMeta } from '../schema/models';
import { importModelOf } from './lib/imports';
import type { CheckStash, ImportRow } from './lib/imports';
import { validateRow } from './lib/validate';

interface CheckArgs {
  rows: { rowNumber: number }[];
  ingestionId?: string | null;
}

export function request(ctx: Context<CheckArgs, CheckStash>) {
  let model: ModelMeta | null = null;
  for (const m of MODELS) {
    if (m.checkField === ctx.info.fieldName) {
      model = m;
    }
  }
  if (!model) {
    util.error(`${ctx.info.fieldName} checks no model.`, 'BadRequest');
  }
  const input = ctx.args.rows;
  if (input.length === 0) {
    util.error('A check needs at least one row.', 'BadRequest');
  }
  if (input.length > model.batchRows) {
    util.error(`A check holds at most ${model.batchRows} rows (an import batch of ${model.label.toLowerCase()} rows); this one has ${input.length}. Split it.`, 'BatchTooLarge', null, {
      maxRows: model.batchRows,
      rows: input.length,
    });
  }
  const seen: Record<string, boolean> = {};
  const rows: ImportRow[] = [];
  for (const row of input) {
    if (row.rowNumber < 1) {
      util.error(`Row numbers start at 1, got ${row.rowNumber}.`, 'BadRequest');
    }
    if (seen[`${row.rowNumber}`]) {
      util.error(`Row ${row.rowNumber} appears twice in this check.`, 'BadRequest');
    }
    seen[`${row.rowNumber}`] = true;
    const checked = validateRow(model, row as unknown as Record<string, unknown>);
    rows.push({ rowNumber: row.rowNumber, values: checked.values, errors: checked.errors });
  }
  ctx.stash.model = importModelOf(model, MODELS);
  ctx.stash.rows = rows;
  ctx.stash.refsFound = {};
  ctx.stash.ingestionId = ctx.args.ingestionId || null;
  ctx.stash.checks = [];
  return {};
}

/** checkImportRows, the last step, left one verdict per row, in the rows' order. */
export function response(ctx: Context<CheckArgs, CheckStash>): RowCheck[] {
  return ctx.stash.checks;
}
