/**
 * Query.checkFile: [getFileClaim, getCheckedIngestion] on the read-only data source ImportChecks.
 * What startIngestion would answer for these bytes, without claiming or starting anything:
 * - no claim `file#<sha256>` → NEW;
 * - the claim's ingestion COMPLETED → DUPLICATE (startIngestion: DUPLICATE, nothing done);
 * - RUNNING or FAILED → RESUME when the caller may continue it (its owner, an admin, the back end),
 *   else IN_PROGRESS (startIngestion refuses: FileInProgress).
 * The ingestion is returned only to who may read it, by the rule of startIngestion's DUPLICATE
 * answer (./lib/identity.ts): someone else's is only said to exist (docs/auth.md).
 * Errors: BadRequest (not a SHA-256), IngestionNotFound (a claim whose ingestion is gone, as startIngestion).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FileCheck, QueryCheckFileArgs } from '../schema/generated/types';
import { toIngestion } from './lib/ingestion';
import type { FileCheckStash } from './functions/getFileClaim';
import { callerAccess, mayAccess } from './lib/identity';

export function request(ctx: Context<QueryCheckFileArgs, FileCheckStash>) {
  const sha256 = ctx.args.sha256.trim().toLowerCase();
  if (!util.matches('^[0-9a-f]{64}$', sha256)) {
    util.error('sha256 must be the 64 hex digits of the file’s SHA-256.', 'BadRequest', null, { field: 'sha256' });
  }
  ctx.stash.sha256 = sha256;
  ctx.stash.access = callerAccess(ctx);
  return {};
}

export function response(ctx: Context<QueryCheckFileArgs, FileCheckStash>): FileCheck {
  const stash = ctx.stash;
  const sha256 = stash.sha256;
  if (!stash.claimed) {
    return { sha256, ingested: false, outcome: 'NEW', ingestion: null };
  }
  const meta = stash.meta;
  if (!stash.ingestionId) {
    // A claim without its ingestion yet: another client is starting these bytes this instant.
    return { sha256, ingested: true, outcome: 'IN_PROGRESS', ingestion: null };
  }
  if (!meta) {
    util.error(`The file ${sha256} is claimed by ingestion ${stash.ingestionId}, which no longer exists.`, 'IngestionNotFound', null, { ingestionId: stash.ingestionId });
  }
  const visible = mayAccess(stash.access, meta.owner);
  if (meta.status === 'COMPLETED') {
    return { sha256, ingested: true, outcome: 'DUPLICATE', ingestion: visible ? toIngestion(meta) : null };
  }
  return visible ? { sha256, ingested: true, outcome: 'RESUME', ingestion: toIngestion(meta) } : { sha256, ingested: true, outcome: 'IN_PROGRESS', ingestion: null };
}
