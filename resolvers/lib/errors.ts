/**
 * The one shared response handler and the helpers that read a cancelled transaction.
 * APPSYNC_JS-safe (no try/catch, no classes, no function passing).
 *
 * A DynamoDB error reaches a response handler as `ctx.error` ({message, type}); for a cancelled
 * TransactWriteItems `ctx.result` is `{ keys: null, cancellationReasons: [...] }`, one reason per
 * request item in request order, each `{ type, message, item? }` where `item` is the stored item
 * that failed its condition (returned by default). See
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-transact-write-items.html
 * and aws-appsync-resolver-mapping-template-reference-dynamodb-transaction-condition-expressions.html.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

/** One entry of `ctx.result.cancellationReasons`. */
export interface CancellationReason {
  type: string | null;
  message?: string | null;
  /** The stored item whose condition failed (plain JSON), when the item exists. */
  item?: Record<string, unknown> | null;
}

/** `ctx.result` of a TransactWriteItems request. */
export interface TransactWriteResult {
  keys: Record<string, unknown>[] | null;
  cancellationReasons: CancellationReason[] | null;
}

/** `ctx.result` of a Query or Scan request. */
export interface PageResult<T> {
  items: T[];
  nextToken?: string | null;
  scannedCount?: number;
}

/**
 * The AWS tutorial pattern: a data-source error becomes the field's GraphQL error with the same
 * message and type, and a cancelled transaction's reasons travel in `errorInfo`.
 * Otherwise returns `ctx.result`.
 */
export function handleResponse<T>(ctx: Context): T {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type, null, cancellationReasons(ctx));
  }
  return ctx.result as T;
}

/** The cancellation reasons of a cancelled transaction, or null (no transaction or not cancelled). */
export function cancellationReasons(ctx: Context): CancellationReason[] | null {
  const result = ctx.result as TransactWriteResult | null | undefined;
  if (!result || !result.cancellationReasons) {
    return null;
  }
  return result.cancellationReasons;
}

/**
 * Did request item `index` fail its condition? AppSync's documentation spells the reason
 * `ConditionCheckFailed`; DynamoDB's own code is `ConditionalCheckFailed`: both are accepted.
 */
export function conditionFailedAt(reasons: CancellationReason[] | null, index: number): boolean {
  if (!reasons) {
    return false;
  }
  const reason = reasons[index];
  return !!reason && (reason.type === 'ConditionCheckFailed' || reason.type === 'ConditionalCheckFailed');
}

/** The stored item that made request item `index` fail, if DynamoDB returned it. */
export function failedItemAt(reasons: CancellationReason[] | null, index: number): Record<string, unknown> | null {
  if (!reasons) {
    return null;
  }
  const reason = reasons[index];
  return reason && reason.item ? reason.item : null;
}

/**
 * Did the transaction lose a race with another one in flight on the same items
 * (`TransactionConflict`)? Nothing was written; sending it again is safe.
 */
export function conflicted(reasons: CancellationReason[] | null): boolean {
  if (!reasons) {
    return false;
  }
  return reasons.some((r) => !!r && r.type === 'TransactionConflict');
}

/** Is `ctx.error` a failed condition of a single-item write (PutItem/UpdateItem/DeleteItem)? */
export function isConditionalCheckFailure(ctx: Context): boolean {
  return !!ctx.error && ctx.error.type.indexOf('ConditionalCheckFailed') >= 0;
}
