/**
 * The second attempt at a batch of rejected rows whose first transaction was cancelled: rows whose error item
 * a concurrent writer touched are left out (answered RETRY), the rest is written. Runs only after a cancellation.
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
