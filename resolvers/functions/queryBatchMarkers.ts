/**
 * Queries an ingestion's partition for its batch markers — `BATCH#<Model>#…` and `REJECT#…`, which
 * sort around `META` and before the `ROW#` errors — projecting only what a resumed run needs: the
 * batch number and the rows the batch accounted for (`done`), never the stored outcomes.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryListIngestionBatchesArgs } from '../../schema/generated/types';
import type { IngestionItem } from '../lib/ingestion';
import { requireAccess } from '../lib/identity';
import type { CallerAccess } from '../lib/identity';
import { pageWithin } from '../lib/paging';

export interface BatchMarkersStash {
  ingestionId: string;
  access?: CallerAccess | null;
  meta?: IngestionItem | null;
}

/** The markers' key range: `BATCH#…` up to every `REJECT#…` (`$` sorts right after `#`), which holds META too. */
export const MARKERS_FROM = 'BATCH#';
export const MARKERS_TO = 'REJECT$';

export function request(ctx: Context<QueryListIngestionBatchesArgs, BatchMarkersStash>) {
  const meta = ctx.stash.meta;
  if (!meta) {
    // No such ingestion: no batches, for anyone (as listIngestionRowErrors).
    runtime.earlyReturn({ items: [], nextToken: null });
  }
  requireAccess(ctx.stash.access, meta.owner);
  const page = pageWithin(ctx.args, 1000, 1000);
  const query: Record<string, unknown> = {
    operation: 'Query',
    query: {
      expression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      expressionNames: { '#pk': 'pk', '#sk': 'sk' },
      expressionValues: util.dynamodb.toMapValues({ ':pk': ctx.args.ingestionId, ':from': MARKERS_FROM, ':to': MARKERS_TO }),
    },
    filter: {
      expression: '#kind = :batch',
      expressionNames: { '#kind': 'kind' },
      expressionValues: util.dynamodb.toMapValues({ ':batch': 'BATCH' }),
    },
    projection: {
      expression: '#sk, #batchNumber, #done',
      expressionNames: { '#sk': 'sk', '#batchNumber': 'batchNumber', '#done': 'done' },
    },
    scanIndexForward: true,
    consistentRead: true,
    limit: page.limit,
  };
  if (page.nextToken) {
    query.nextToken = page.nextToken;
  }
  return query;
}

export function response(ctx: Context<QueryListIngestionBatchesArgs>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
