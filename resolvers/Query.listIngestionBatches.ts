/**
 * Query.listIngestionBatches: [getIngestionMeta, queryBatchMarkers]. The batches an ingestion
 * recorded (its batch markers), each with the rows it accounted for: a resumed run reads them once
 * and sends only the other rows (docs/architecture.md, "Resuming"). Only the ingestion's owner, an
 * admin or the back end may read them; `limit` defaults to 1000, at most 1000.
 */
import type { Context } from '@aws-appsync/utils';
import type { IngestionBatch, IngestionBatchConnection, QueryListIngestionBatchesArgs, RowRange } from '../schema/generated/types';
import { parseMarkerSk } from './lib/ingestion';
import type { MarkerItem } from './lib/ingestion';
import { callerAccess } from './lib/identity';
import type { BatchMarkersStash } from './functions/queryBatchMarkers';

export function request(ctx: Context<QueryListIngestionBatchesArgs, BatchMarkersStash>) {
  // getIngestionMeta reads the ingestion; queryBatchMarkers lets only its owner, an admin or the back end on.
  ctx.stash.ingestionId = ctx.args.ingestionId;
  ctx.stash.access = callerAccess(ctx);
  return {};
}

/** A marker's flat `done` list as ranges; null when the marker predates it. */
function rangesOf(done: number[] | null | undefined): RowRange[] | null {
  if (!done) {
    return null;
  }
  const ranges: RowRange[] = [];
  let from = 0;
  let index = 0;
  for (const n of done) {
    if (index % 2 === 0) {
      from = n;
    } else {
      ranges.push({ from, to: n });
    }
    index = index + 1;
  }
  return ranges;
}

export function response(
  ctx: Context<
    QueryListIngestionBatchesArgs,
    Record<string, unknown>,
    { result: { items: Pick<MarkerItem, 'sk' | 'batchNumber' | 'done'>[]; nextToken?: string | null } }
  >,
): IngestionBatchConnection {
  const items: IngestionBatch[] = [];
  for (const item of ctx.prev.result.items) {
    const key = parseMarkerSk(item.sk);
    if (key) {
      items.push({
        batchNumber: item.batchNumber,
        kind: key.kind === 'REJECT' ? 'REJECTED' : 'IMPORT',
        firstRow: key.first,
        lastRow: key.last,
        rowCount: key.count,
        doneRows: rangesOf(item.done),
      });
    }
  }
  return { items, nextToken: ctx.prev.result.nextToken || null };
}
