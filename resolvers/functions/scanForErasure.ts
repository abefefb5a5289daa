/**
 * eraseCustomer, step 4: one page of the Ingestions table (consistent Scan), and the redacted copy
 * of every row error and batch marker in it that holds the email (./lib/erasure). At most
 * PAGE_ITEMS items, so the write step's single TransactWriteItems (100 items at most) holds them all.
 * Data source: IngestionsTable.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { redactedItem } from '../lib/erasure';
import type { ErasureStash } from '../lib/erasure';
import { handleResponse } from '../lib/errors';
import type { PageResult } from '../lib/errors';

const PAGE_ITEMS = 100;

export function request(ctx: Context<unknown, ErasureStash>) {
  const scan: Record<string, unknown> = { operation: 'Scan', limit: PAGE_ITEMS, consistentRead: true };
  if (ctx.stash.nextToken) {
    scan.nextToken = ctx.stash.nextToken;
  }
  return scan;
}

export function response(ctx: Context<unknown, ErasureStash>) {
  const page = handleResponse<PageResult<Record<string, unknown>>>(ctx);
  const email = ctx.stash.email as string;
  const now = util.time.nowISO8601();
  const redactions: Record<string, unknown>[] = [];
  for (const item of page.items) {
    const redacted = redactedItem(item, email, now);
    if (redacted) {
      redactions.push(redacted.item);
      if (redacted.kind === 'ROW') {
        ctx.stash.rowErrorsRedacted = ctx.stash.rowErrorsRedacted + 1;
      } else {
        ctx.stash.batchOutcomesRedacted = ctx.stash.batchOutcomesRedacted + 1;
      }
    }
  }
  ctx.stash.itemsScanned = page.items.length;
  ctx.stash.redactions = redactions;
  ctx.stash.scanNextToken = page.nextToken || null;
  return null;
}
