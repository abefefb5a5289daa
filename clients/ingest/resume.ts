/**
 * Resuming without replay (docs/ingestion.md, "Resuming an interrupted ingestion"): when
 * startIngestion answers RESUMED, the engine reads once (listIngestionBatches, paged) which batches
 * earlier runs recorded and which rows each accounted for — every outcome but RETRY, as the
 * marker's `doneRows` — and sends only the other rows, numbering its batches after the highest
 * batch recorded. A marker written before markers named their rows (`doneRows: null`) skips
 * nothing: its rows are sent again and the server de-duplicates them one by one, as before.
 */
import type { GraphQLClient } from '../api/client';
import { ListIngestionBatchesDocument, type ListIngestionBatchesQuery } from '../api/generated';
import { DEFAULT_RETRY, withRetry, type RetryHooks, type RetryPolicy } from './retry';
import { RETRY_STRIDE } from './sender';

/** An inclusive range of spreadsheet row numbers. */
export interface RowRange {
  from: number;
  to: number;
}

/**
 * A set of row numbers held as sorted, disjoint ranges (two numbers per range, however many rows
 * it covers): a resumed million-row file whose earlier run finished half of it is a few ranges.
 * @example RowSet.of([{ from: 5, to: 9 }, { from: 2, to: 4 }, { from: 12, to: 12 }]).ranges() // [{ from: 2, to: 9 }, { from: 12, to: 12 }]
 */
export class RowSet {
  /** Rows in the set. */
  readonly size: number;
  private constructor(private readonly starts: Float64Array, private readonly ends: Float64Array) {
    let size = 0;
    for (let i = 0; i < starts.length; i++) size += ends[i]! - starts[i]! + 1;
    this.size = size;
  }

  static readonly EMPTY = new RowSet(new Float64Array(0), new Float64Array(0));

  /** The union of `ranges`, in any order, overlapping or touching; a range with `to < from` is empty. */
  static of(ranges: Iterable<RowRange>): RowSet {
    const sorted = [...ranges].filter((r) => r.to >= r.from).sort((a, b) => a.from - b.from);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const r of sorted) {
      const last = ends.length - 1;
      if (last >= 0 && r.from <= ends[last]! + 1) ends[last] = Math.max(ends[last]!, r.to);
      else {
        starts.push(r.from);
        ends.push(r.to);
      }
    }
    return new RowSet(Float64Array.from(starts), Float64Array.from(ends));
  }

  /** Whether `row` is in the set (binary search over the ranges). */
  has(row: number): boolean {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (row < this.starts[mid]!) hi = mid - 1;
      else if (row > this.ends[mid]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The set as ascending, disjoint, non-touching ranges. */
  ranges(): RowRange[] {
    return Array.from(this.starts, (from, i) => ({ from, to: this.ends[i]! }));
  }

  /** `ranges` (ascending, disjoint) without the rows of this set, still ascending. */
  without(ranges: readonly RowRange[]): RowRange[] {
    const out: RowRange[] = [];
    let j = 0;
    for (const r of ranges) {
      let from = r.from;
      while (j < this.starts.length && this.ends[j]! < from) j++;
      let k = j;
      while (from <= r.to) {
        if (k >= this.starts.length || this.starts[k]! > r.to) {
          out.push({ from, to: r.to });
          break;
        }
        if (this.starts[k]! > from) out.push({ from, to: this.starts[k]! - 1 });
        from = this.ends[k]! + 1;
        k++;
      }
    }
    return out;
  }
}

/** What earlier runs of an ingestion recorded, as a resumed run needs it. */
export interface RecordedBatches {
  /** Rows some recorded batch accounted for: not sent again. */
  done: RowSet;
  /**
   * The highest batch number recorded, a RETRY re-send counted as the batch it re-sends
   * (`number mod RETRY_STRIDE`, ./sender): this run numbers its batches after it, so neither its
   * batches nor their re-sends can take a number an earlier run used.
   */
  lastBatchNumber: number;
  /** Markers read. */
  batches: number;
  /** Markers that do not name their rows (written before markers did): their rows are sent again. */
  unnamed: number;
  /** listIngestionBatches pages read. */
  pages: number;
}

/** Nothing recorded: a new ingestion, or a resumed one whose earlier runs recorded no batch. */
export const NOTHING_RECORDED: RecordedBatches = { done: RowSet.EMPTY, lastBatchNumber: 0, batches: 0, unnamed: 0, pages: 0 };

/** A listIngestionBatches item, as far as resuming needs it. */
export interface RecordedBatch {
  batchNumber: number;
  doneRows?: readonly RowRange[] | null;
}

/** Folds listed markers into what a resumed run skips and where its numbering starts. */
export function foldRecorded(items: Iterable<RecordedBatch>, pages = 1): RecordedBatches {
  const ranges: RowRange[] = [];
  let lastBatchNumber = 0;
  let batches = 0;
  let unnamed = 0;
  for (const item of items) {
    batches++;
    lastBatchNumber = Math.max(lastBatchNumber, item.batchNumber % RETRY_STRIDE);
    if (item.doneRows) ranges.push(...item.doneRows);
    else unnamed++;
  }
  return { done: RowSet.of(ranges), lastBatchNumber, batches, unnamed, pages };
}

/** Reads every page of listIngestionBatches for `ingestionId` (transient failures retried per `policy`). */
export async function readRecordedBatches(
  client: GraphQLClient,
  ingestionId: string,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: RetryHooks = {},
): Promise<RecordedBatches> {
  const items: RecordedBatch[] = [];
  let nextToken: string | null = null;
  let pages = 0;
  do {
    const token: string | null = nextToken;
    const page: ListIngestionBatchesQuery = await withRetry(
      () => client.request(ListIngestionBatchesDocument, { ingestionId, nextToken: token }),
      policy,
      hooks,
    );
    pages++;
    for (const item of page.listIngestionBatches.items) items.push(item);
    nextToken = page.listIngestionBatches.nextToken ?? null;
  } while (nextToken);
  return foldRecorded(items, pages);
}
