/**
 * Mutation.startIngestion: [claimFile, readFileClaim, getIngestionMeta, reopenIngestion].
 *
 * The before step checks the input and builds the new ingestion. `claimFile` writes it together
 * with the claim `file#<sha256>` in one transaction, both `attribute_not_exists`. When the claim is
 * already taken, the next steps read who holds it and that ingestion:
 * - COMPLETED: the same bytes were ingested before → DUPLICATE, with the first ingestion;
 * - RUNNING (never finished) or FAILED (stopped before every row was in): it is reopened (status
 *   RUNNING again) → RESUMED. The client sends the whole file again: rows already accounted for are
 *   answered from what the earlier run stored, so nothing is created or counted twice.
 * Someone else's ingestion of the same bytes is neither shown nor continued: COMPLETED answers
 * DUPLICATE with `ingestion: null`; RUNNING or FAILED is refused (FileInProgress), unless the caller
 * is an admin or the back end (docs/auth.md).
 * Errors: BadRequest, TransactionConflict (another client is starting the same bytes this instant;
 * try again), IngestionNotFound, FileInProgress.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationStartIngestionArgs, StartIngestionResult } from '../schema/generated/types';
import { INGESTION_KIND, META_SK, toIngestion } from './lib/ingestion';
import type { IngestionItem } from './lib/ingestion';
import type { StartStash } from './functions/claimFile';
import { callerOwner, isAdmin, isBackEnd, mayAccess } from './lib/identity';

export function request(ctx: Context<MutationStartIngestionArgs, StartStash>) {
  const input = ctx.args.input;
  const sha256 = input.sha256.trim().toLowerCase();
  if (!util.matches('^[0-9a-f]{64}$', sha256)) {
    util.error('sha256 must be the 64 hex digits of the file’s SHA-256.', 'BadRequest', null, { field: 'sha256' });
  }
  const fileName = input.fileName.trim();
  if (fileName.length === 0 || fileName.length > 1024) {
    util.error('fileName must hold 1 to 1024 characters.', 'BadRequest', null, { field: 'fileName' });
  }
  if (typeof input.rowCount === 'number' && input.rowCount < 0) {
    util.error('rowCount cannot be negative.', 'BadRequest', null, { field: 'rowCount' });
  }
  let owner = callerOwner(ctx);
  ctx.stash.access = { owner, all: isAdmin(ctx) || isBackEnd(ctx) };
  if (input.owner !== undefined && input.owner !== null) {
    // Only the back end starts an ingestion for someone else (the S3 processor, for the uploader).
    if (!isBackEnd(ctx)) {
      util.unauthorized();
    }
    if (!util.matches('^cognito:[A-Za-z0-9-]{1,128}$', input.owner)) {
      util.error('owner must be cognito:<sub> of a user.', 'BadRequest', null, { field: 'owner' });
    }
    owner = input.owner;
  }
  const id = util.autoId();
  const now = util.time.nowISO8601();
  const item: IngestionItem = {
    pk: id,
    sk: META_SK,
    kind: INGESTION_KIND,
    id,
    fileName,
    sha256,
    model: input.model,
    source: input.source,
    status: 'RUNNING',
    rowCount: typeof input.rowCount === 'number' ? input.rowCount : null,
    created: 0,
    duplicates: 0,
    invalid: 0,
    alreadyImported: 0,
    processed: 0,
    batches: 0,
    startedAt: now,
    startedAtMs: util.time.nowEpochMilliSeconds(),
    resumes: 0,
    updatedAt: now,
    owner,
  };
  ctx.stash.newMeta = item;
  ctx.stash.now = now;
  return {};
}

export function response(ctx: Context<MutationStartIngestionArgs, StartStash>): StartIngestionResult {
  const meta = ctx.stash.meta;
  if (!meta) {
    util.error(`The file ${ctx.stash.newMeta.sha256} is claimed by ingestion ${ctx.stash.ingestionId}, which no longer exists.`, 'IngestionNotFound', null, {
      ingestionId: ctx.stash.ingestionId,
    });
  }
  if (!mayAccess(ctx.stash.access, meta.owner)) {
    // Someone else's file (reopenIngestion refused to continue it): it was ingested before — not by
    // whom, nor which ingestion (docs/auth.md).
    return { outcome: 'DUPLICATE', ingestion: null };
  }
  return { outcome: ctx.stash.outcome || 'DUPLICATE', ingestion: toIngestion(meta) };
}
