/**
 * The second and last attempt at an import batch whose first transaction was cancelled over some
 * rows (phase RETRY): rows whose claim a concurrent writer took, or whose target went away, are
 * left out and answered RETRY (the client sends them again later); the rest is written. Both
 * attempts cancelled: phase GAVE_UP, nothing recorded. Data source: IngestionsTable.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchTransaction, readBatchTransaction } from '../lib/ingestion';
import type { BatchStash } from '../lib/ingestion';

export function request(ctx: Context<unknown, BatchStash>) {
  const tx = batchTransaction(ctx.stash, ctx.env, 'RETRY');
  if (!tx) {
    runtime.earlyReturn(null);
  }
  return tx;
}

export function response(ctx: Context<unknown, BatchStash>) {
  readBatchTransaction(ctx.stash, 'RETRY', ctx.error, ctx.result);
  return null;
}
