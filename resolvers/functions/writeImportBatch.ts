/**
 * Writes a planned import batch in one TransactWriteItems (phase PLANNED): per CREATED row its
 * record (derived id; stored fields as the model says: numbers as numbers, references as the
 * target's id, unique values normalised) and a claim per unique value, one condition check per
 * distinct target that the records reference (attribute_exists, shared by the rows naming it), the
 * row errors (with the rows' cells as sent, capped), the batch marker and the counters. Reads the
 * cancellation reasons when it is cancelled (phase RETRY, READ_MARKER, or a GraphQL error when the
 * ingestion stopped running). Data source: IngestionsTable.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchTransaction, currentRun, putNew, rawRow, readBatchTransaction } from '../lib/ingestion';
import type { PlannedRow, TxItem } from '../lib/ingestion';
import { storedUnique } from '../lib/imports';
import type { ImportRow, ImportStash } from '../lib/imports';
import type { UniqueClaim } from '../lib/keys';
import { decimalValue } from '../lib/validate';

interface ImportArgs {
  input: { rows: { rowNumber: number }[] };
}

/** A CREATED row's record and claims, and the shared checks that its targets exist. */
function buildCreated(env: Record<string, string>, stash: ImportStash, planned: PlannedRow, row: ImportRow, shared: Record<string, TxItem>): void {
  const model = stash.model;
  const refIds = row.refIds || {};
  const id = planned.id as string;
  const run = currentRun(stash);
  const item: Record<string, unknown> = { id };
  for (const field of model.stored) {
    const value = row.values[field.field];
    if (field.kind === 'ref') {
      if (refIds[field.field]) {
        item[field.field] = refIds[field.field];
      }
    } else if (value) {
      item[field.field] = field.kind === 'number' ? decimalValue(value) : value;
    }
  }
  for (const unique of model.uniques) {
    if (row.values[unique.field]) {
      item[unique.field] = storedUnique(unique, row.values[unique.field] as string);
    }
  }
  item.version = 1;
  item.createdAt = stash.now;
  item.updatedAt = stash.now;
  item.ingestionId = stash.ingestionId;
  item.rowNumber = row.rowNumber;
  item.ingestionRun = run;
  const writes: TxItem[] = [putNew(env[model.tableEnvVar] as string, 'id', item, ['id'])];
  let index = 0;
  for (const unique of model.uniques) {
    const key = (row.claimKeys || [])[index];
    index = index + 1;
    if (key) {
      const claim: UniqueClaim = { key, kind: 'UNIQUE', model: model.name, field: unique.field, ownerId: id, ingestionId: stash.ingestionId, rowNumber: row.rowNumber, run };
      writes.push(putNew(env.UNIQUES_TABLE as string, 'key', claim as unknown as Record<string, unknown>, ['key']));
    }
  }
  const checks: string[] = [];
  for (const ref of model.refs) {
    const target = refIds[ref.field];
    const name = `${ref.tableEnvVar}#${target}`;
    if (target && checks.indexOf(name) < 0) {
      checks.push(name);
      shared[name] = {
        table: env[ref.tableEnvVar] as string,
        operation: 'ConditionCheck',
        key: util.dynamodb.toMapValues({ id: target }),
        condition: { expression: 'attribute_exists(#id)', expressionNames: { '#id': 'id' }, returnValuesOnConditionCheckFailure: false },
      };
    }
  }
  planned.writes = writes;
  planned.shared = checks;
}

export function request(ctx: Context<ImportArgs, ImportStash>) {
  const stash = ctx.stash;
  if (stash.phase === 'PLANNED') {
    const sent: Record<string, Record<string, unknown>> = {};
    for (const row of ctx.args.input.rows) {
      sent[`${row.rowNumber}`] = row as unknown as Record<string, unknown>;
    }
    const checked: Record<string, ImportRow> = {};
    for (const row of stash.rows) {
      checked[`${row.rowNumber}`] = row;
    }
    const shared: Record<string, TxItem> = {};
    for (const planned of stash.plan || []) {
      if (planned.status === 'CREATED') {
        buildCreated(ctx.env, stash, planned, checked[`${planned.rowNumber}`] as ImportRow, shared);
      } else if (planned.rowError && !planned.raw) {
        planned.raw = rawRow(sent[`${planned.rowNumber}`] || {});
      }
    }
    stash.sharedItems = shared;
  }
  const tx = batchTransaction(stash, ctx.env, 'PLANNED');
  if (!tx) {
    runtime.earlyReturn(null);
  }
  return tx;
}

export function response(ctx: Context<ImportArgs, ImportStash>) {
  readBatchTransaction(ctx.stash, 'PLANNED', ctx.error, ctx.result);
  return null;
}
