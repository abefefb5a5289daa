/**
 * Sets a RUNNING ingestion's final status, finish time and duration (UpdateItem, condition
 * `status = RUNNING`). Without a client-measured duration it is computed in the update expression
 * from the stored start (`:nowMs - startedAtMs`).
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { IngestionStatus } from '../../schema/generated/types';
import { metaKey } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';
import { requireAccess } from '../lib/identity';
import type { CallerAccess } from '../lib/identity';

export interface CloseStash {
  ingestionId: string;
  close: { status: IngestionStatus; durationMs: number | null; failureReason: string | null; correctedRows: number | null };
  meta?: IngestionItem | null;
  access?: CallerAccess | null;
}

export function request(ctx: Context<unknown, CloseStash>) {
  const meta = ctx.stash.meta;
  const close = ctx.stash.close;
  if (!meta) {
    util.error(`No ingestion ${ctx.stash.ingestionId}.`, 'IngestionNotFound', null, { ingestionId: ctx.stash.ingestionId });
  }
  // The owner, an admin or the back end (docs/auth.md) — before anything about its state is told.
  requireAccess(ctx.stash.access, meta.owner);
  if (meta.status !== 'RUNNING') {
    if (meta.status === close.status) {
      runtime.earlyReturn(null);
    }
    util.error(`Ingestion ${meta.id} is already ${meta.status}.`, 'IngestionAlreadyFinished', null, { ingestionId: meta.id, status: meta.status });
  }
  const names: Record<string, string> = { '#status': 'status', '#finishedAt': 'finishedAt', '#updatedAt': 'updatedAt', '#durationMs': 'durationMs' };
  const values: Record<string, unknown> = { ':status': close.status, ':now': util.time.nowISO8601(), ':running': 'RUNNING' };
  let expression = 'SET #status = :status, #finishedAt = :now, #updatedAt = :now';
  if (close.durationMs !== null) {
    expression = `${expression}, #durationMs = :durationMs`;
    values[':durationMs'] = close.durationMs;
  } else {
    expression = `${expression}, #durationMs = :nowMs - #startedAtMs`;
    names['#startedAtMs'] = 'startedAtMs';
    values[':nowMs'] = util.time.nowEpochMilliSeconds();
  }
  if (close.correctedRows !== null) {
    expression = `${expression}, #correctedRows = :correctedRows`;
    names['#correctedRows'] = 'correctedRows';
    values[':correctedRows'] = close.correctedRows;
  }
  if (close.failureReason) {
    expression = `${expression}, #failureReason = :failureReason`;
    names['#failureReason'] = 'failureReason';
    values[':failureReason'] = close.failureReason;
  }
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(metaKey(meta.id)),
    update: { expression, expressionNames: names, expressionValues: util.dynamodb.toMapValues(values) },
    condition: { expression: '#status = :running', expressionNames: { '#status': 'status' }, expressionValues: util.dynamodb.toMapValues({ ':running': 'RUNNING' }) },
  };
}

export function response(ctx: Context<unknown, CloseStash>) {
  if (ctx.error) {
    if (ctx.error.type.indexOf('ConditionalCheckFailed') >= 0) {
      util.error(`Ingestion ${ctx.stash.ingestionId} was closed concurrently.`, 'IngestionAlreadyFinished', null, { ingestionId: ctx.stash.ingestionId });
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  ctx.stash.meta = ctx.result as IngestionItem;
  // Non-null only when this request closed it (a re-sent close returns early with null), so the
  // next function publishes the IngestionFinished/IngestionFailed event once.
  return ctx.stash.meta;
}
