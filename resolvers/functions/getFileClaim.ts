/**
 * Reads the claim `file#<sha256>` (strongly consistent) for checkFile, leaving whether it exists and
 * the ingestion it names. A BatchGetItem of one key, because its data source (ImportChecks, read-only)
 * is attached to the Ingestions table and the claim lives in Uniques.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { batchItems, fileClaimKey, requireAllRead } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';
import type { CallerAccess } from '../lib/identity';

export interface FileCheckStash {
  sha256: string;
  access: CallerAccess;
  /** getFileClaim: whether the claim exists, and the ingestion it names. */
  claimed?: boolean | null;
  ingestionId?: string | null;
  meta?: IngestionItem | null;
}

export function request(ctx: Context<unknown, FileCheckStash>) {
  const tables: Record<string, { keys: Record<string, unknown>[]; consistentRead: boolean }> = {};
  tables[ctx.env.UNIQUES_TABLE as string] = { keys: [util.dynamodb.toMapValues({ key: fileClaimKey(ctx.stash.sha256) })], consistentRead: true };
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, FileCheckStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  requireAllRead(ctx.result);
  const claims = batchItems<{ key: string; ingestionId?: string | null }>(ctx.result, ctx.env.UNIQUES_TABLE as string);
  const claim = claims.length > 0 ? claims[0] : null;
  ctx.stash.claimed = !!claim;
  ctx.stash.ingestionId = claim ? claim.ingestionId || null : null;
  return null;
}
