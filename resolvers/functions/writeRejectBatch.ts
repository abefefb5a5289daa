/**
 * Writes a planned batch of rejected rows in one TransactWriteItems (row errors,
 * batch marker, counters) and reads the cancellation reasons when it is cancelled.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchTransaction, readBatchTransaction } from '../lib/ingestion';
import type { BatchStash } from '../lib/ingestion';

export function request(ctx: Context<unknown, BatchStash>) {
  const tx = batchTransaction(ctx.stash, ctx.env, 'PLANNED');
  if (!tx) {
    runtime.earlyReturn(null);
  }
  return tx;
}

export function response(ctx: Context<unknown, BatchStash>) {
  readBatchTransaction(ctx.stash, 'PLANNED', ctx.error, ctx.result);
  return null;
}
