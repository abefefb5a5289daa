/**
 * Who is calling (BRIEF contract 1), for the ownership rules the schema's directives cannot say
 * (docs/auth.md): an ingestion records its `owner`; only the owner, an admin or the back end may
 * import into it, finish or fail it, read it or its row errors, or receive its real-time events.
 *
 * - `callerOwner(ctx)`: `cognito:<sub>` for a user-pool caller, `iam:<userArn>` (else
 *   `iam:<username>`) for an IAM caller — the string stored as `owner`.
 * - `isAdmin(ctx)`: a user-pool caller in the Cognito group `admins`.
 * - `isBackEnd(ctx)`: an IAM caller (the S3 processor, csv-import, operators).
 *
 * The mode is read from `util.authType()`, the identity's fields from resolver-context-reference-js.html.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

interface AnyIdentity {
  sub?: string;
  groups?: string[] | null;
  userArn?: string;
  username?: string;
}

/** What the ingestion functions need to decide, kept in the stash (functions see only the stash). */
export interface CallerAccess {
  owner: string;
  /** Admin or back end: every ingestion. */
  all: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = Context<any, any, any, any, any>;

function identityOf(ctx: AnyContext): AnyIdentity {
  return (ctx.identity || {}) as AnyIdentity;
}

export function isBackEnd(_ctx: AnyContext): boolean {
  return util.authType() === 'IAM Authorization';
}

export function isAdmin(ctx: AnyContext): boolean {
  if (util.authType() !== 'User Pool Authorization') {
    return false;
  }
  const groups = identityOf(ctx).groups;
  return !!groups && groups.indexOf('admins') >= 0;
}

/** The owner string of the caller; refuses a caller with no identity (API key). */
export function callerOwner(ctx: AnyContext): string {
  const identity = identityOf(ctx);
  const mode = util.authType();
  if (mode === 'User Pool Authorization' && identity.sub) {
    return `cognito:${identity.sub}`;
  }
  if (mode === 'IAM Authorization' && (identity.userArn || identity.username)) {
    return `iam:${identity.userArn || identity.username}`;
  }
  return util.unauthorized();
}

export function callerAccess(ctx: AnyContext): CallerAccess {
  return { owner: callerOwner(ctx), all: isAdmin(ctx) || isBackEnd(ctx) };
}

/** May this caller work on a record owned by `owner` (absent: only admins and the back end)? */
export function mayAccess(access: CallerAccess | null | undefined, owner: string | null | undefined): boolean {
  if (!access) {
    return false;
  }
  return access.all || (!!owner && owner === access.owner);
}

/** `util.unauthorized()` (AppSync's "Not Authorized to access <field> on type <Type>") unless `mayAccess`. */
export function requireAccess(access: CallerAccess | null | undefined, owner: string | null | undefined): void {
  if (!mayAccess(access, owner)) {
    util.unauthorized();
  }
}
