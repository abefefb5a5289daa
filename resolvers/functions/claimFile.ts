/**
 * Writes a new ingestion and the claim on its file's SHA-256 in one TransactWriteItems, each
 * `attribute_not_exists`. When the claim's condition fails the bytes were seen before: the stash
 * says so and `readFileClaim` looks up the owner.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { StartOutcome } from '../../schema/generated/types';
import { fileClaimKey, putNew } from '../lib/ingestion';
import type { IngestionItem } from '../lib/ingestion';
import type { CallerAccess } from '../lib/identity';

export interface StartStash {
  newMeta: IngestionItem;
  now: string;
  outcome?: StartOutcome | null;
  /** The claim was taken: read it. */
  lookupClaim?: boolean | null;
  /** The ingestion to read (the claim's owner). */
  ingestionId?: string | null;
  meta?: IngestionItem | null;
  /** The caller (../lib/identity): someone else's ingestion is not continued nor shown. */
  access?: CallerAccess | null;
}

export function request(ctx: Context<unknown, StartStash>) {
  const meta = ctx.stash.newMeta;
  const claim = { key: fileClaimKey(meta.sha256), kind: 'FILE', ingestionId: meta.id, fileName: meta.fileName, createdAt: ctx.stash.now };
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      putNew(ctx.env.INGESTIONS_TABLE as string, 'pk', meta as unknown as Record<string, unknown>, ['pk', 'sk']),
      putNew(ctx.env.UNIQUES_TABLE as string, 'key', claim, ['key']),
    ],
  };
}

interface Reason {
  type?: string | null;
}

export function response(ctx: Context<unknown, StartStash>) {
  if (!ctx.error) {
    ctx.stash.outcome = 'STARTED';
    ctx.stash.meta = ctx.stash.newMeta;
    return null;
  }
  const result = ctx.result as { cancellationReasons?: Reason[] | null } | null;
  const reasons = (result && result.cancellationReasons) || [];
  const claimReason = reasons[1];
  if (claimReason && (claimReason.type === 'ConditionalCheckFailed' || claimReason.type === 'ConditionCheckFailed')) {
    ctx.stash.lookupClaim = true;
    return null;
  }
  for (const reason of reasons) {
    if (reason && reason.type === 'TransactionConflict') {
      util.error('Another client is starting an ingestion of the same bytes right now; try again.', 'TransactionConflict');
    }
  }
  util.error(ctx.error.message, ctx.error.type);
}
