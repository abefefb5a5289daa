/**
 * eraseCustomer, step 5: writes the page's redacted items back in one TransactWriteItems, each only
 * if the item still exists (TTL may have removed it since the scan: then nothing of the page is
 * written and the caller repeats the call, which no longer finds that item). Data source: IngestionsTable.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { ErasureStash } from '../lib/erasure';
import { tableName } from '../lib/keys';

export function request(ctx: Context<unknown, ErasureStash>) {
  const redactions = ctx.stash.redactions || [];
  if (redactions.length === 0) {
    runtime.earlyReturn(null);
  }
  const table = tableName(ctx.env, 'INGESTIONS_TABLE');
  const items: Record<string, unknown>[] = [];
  for (const item of redactions) {
    const values: Record<string, unknown> = {};
    for (const name of Object.keys(item)) {
      if (name !== 'pk' && name !== 'sk') {
        values[name] = item[name];
      }
    }
    items.push({
      table,
      operation: 'PutItem',
      key: util.dynamodb.toMapValues({ pk: item.pk, sk: item.sk }),
      attributeValues: util.dynamodb.toMapValues(values),
      condition: { expression: 'attribute_exists(#pk)', expressionNames: { '#pk': 'pk' }, returnValuesOnConditionCheckFailure: false },
    });
  }
  return { operation: 'TransactWriteItems', transactItems: items };
}

export function response(ctx: Context<unknown, ErasureStash>) {
  if (ctx.error) {
    util.error(`Stored row errors changed while they were being erased (${ctx.error.message}); call eraseCustomer again with the same nextToken.`, 'ConcurrentModification', null, {
      nextToken: ctx.stash.nextToken || null,
    });
  }
  return null;
}
