/**
 * The same bytes came again. A COMPLETED first ingestion makes this a DUPLICATE; otherwise (RUNNING
 * and never finished, or FAILED) it is reopened: RUNNING again, its finish cleared, `resumes` + 1.
 * The condition keeps a concurrent finish from being undone.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { metaKey } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';
import type { StartStash } from './claimFile';
import { mayAccess } from '../lib/identity';

export function request(ctx: Context<unknown, StartStash>) {
  const meta = ctx.stash.meta;
  if (ctx.stash.outcome === 'STARTED' || !meta) {
    runtime.earlyReturn(null);
  }
  if (meta.status === 'COMPLETED') {
    ctx.stash.outcome = 'DUPLICATE';
    runtime.earlyReturn(null);
  }
  if (!mayAccess(ctx.stash.access, meta.owner)) {
    // Only its owner (or an admin, the back end) may continue it; who that is stays unsaid.
    util.error('This file’s ingestion was started by someone else and is not complete; only they or an admin can continue it.', 'FileInProgress');
  }
  const names: Record<string, string> = {
    '#status': 'status',
    '#updatedAt': 'updatedAt',
    '#resumes': 'resumes',
    '#finishedAt': 'finishedAt',
    '#durationMs': 'durationMs',
    '#failureReason': 'failureReason',
  };
  const values: Record<string, unknown> = { ':running': 'RUNNING', ':now': ctx.stash.now, ':zero': 0, ':one': 1 };
  let set = 'SET #status = :running, #updatedAt = :now, #resumes = if_not_exists(#resumes, :zero) + :one';
  const rowCount = ctx.stash.newMeta.rowCount;
  if (typeof rowCount === 'number') {
    // The resuming client may know the row count the first one did not.
    set = `${set}, #rowCount = :rowCount`;
    names['#rowCount'] = 'rowCount';
    values[':rowCount'] = rowCount;
  }
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(metaKey(meta.id)),
    update: {
      expression: `${set} REMOVE #finishedAt, #durationMs, #failureReason`,
      expressionNames: names,
      expressionValues: util.dynamodb.toMapValues(values),
    },
    condition: {
      expression: '#status <> :completed',
      expressionNames: { '#status': 'status' },
      expressionValues: util.dynamodb.toMapValues({ ':completed': 'COMPLETED' }),
    },
  };
}

export function response(ctx: Context<unknown, StartStash>) {
  if (ctx.error) {
    if (ctx.error.type.indexOf('ConditionalCheckFailed') >= 0) {
      util.error('The first ingestion of these bytes finished while this one was starting; start again.', 'TransactionConflict');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  ctx.stash.meta = ctx.result as IngestionItem;
  ctx.stash.outcome = 'RESUMED';
  return null;
}
