/**
 * Looks up the targets an import batch's valid rows name through their references, in one
 * BatchGetItem: the target's claim (Uniques) for a row naming it by a unique key (a customer's
 * email), the target's item (its model's table, id only) for a row naming it by id. Leaves
 * `stash.refsFound`: lookup key (lib/imports.ts namedTarget) → the target's id, for those found.
 * Nothing to look up: no request. Data source: IngestionsTable (its role reaches every model table).
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-get-item.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchItems, requireAllRead } from '../lib/ingestion';
import { namedTarget } from '../lib/imports';
import type { ImportStash } from '../lib/imports';

interface TableRead {
  keys: Record<string, unknown>[];
  consistentRead: boolean;
  projection?: { expression: string; expressionNames: Record<string, string> };
}

export function request(ctx: Context<unknown, ImportStash>) {
  const claimKeys: Record<string, unknown>[] = [];
  const idKeys: Record<string, Record<string, unknown>[]> = {};
  const asked: Record<string, boolean> = {};
  let count = 0;
  for (const row of ctx.stash.rows) {
    for (const ref of row.errors.length === 0 ? ctx.stash.model.refs : []) {
      const target = namedTarget(ref, row.values);
      if (target && !asked[target.lookup]) {
        asked[target.lookup] = true;
        count = count + 1;
        if (target.lookup.indexOf('#') === 0) {
          const keys = idKeys[ref.tableEnvVar] || [];
          keys.push(util.dynamodb.toMapValues({ id: target.value }));
          idKeys[ref.tableEnvVar] = keys;
        } else {
          claimKeys.push(util.dynamodb.toMapValues({ key: target.lookup }));
        }
      }
    }
  }
  if (count === 0) {
    runtime.earlyReturn(null);
  }
  const tables: Record<string, TableRead> = {};
  if (claimKeys.length > 0) {
    tables[ctx.env.UNIQUES_TABLE as string] = { keys: claimKeys, consistentRead: true };
  }
  for (const envVar of Object.keys(idKeys)) {
    tables[ctx.env[envVar] as string] = { keys: idKeys[envVar] as Record<string, unknown>[], consistentRead: true, projection: { expression: '#id', expressionNames: { '#id': 'id' } } };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, ImportStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  requireAllRead(ctx.result);
  const found: Record<string, string> = {};
  for (const claim of batchItems<{ key: string; ownerId?: string | null }>(ctx.result, ctx.env.UNIQUES_TABLE as string)) {
    if (claim.ownerId) {
      found[claim.key] = claim.ownerId;
    }
  }
  // Several references may point at one model's table: a found id answers for each of them.
  for (const ref of ctx.stash.model.refs) {
    for (const target of batchItems<{ id: string }>(ctx.result, ctx.env[ref.tableEnvVar] as string)) {
      found[`#${ref.model}#${target.id}`] = target.id;
    }
  }
  ctx.stash.refsFound = found;
  return null;
}
