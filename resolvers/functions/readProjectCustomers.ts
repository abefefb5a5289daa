/**
 * Looks up the customers a project batch names, in one BatchGetItem: email claims (Uniques) for rows
 * naming `customerEmail`, customer items (Customers) for rows naming `customerId`.
 * Leaves `stash.customerIds`: `email#<normalised>` or `id#<id>` → the customer's id, for those found.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { batchItems, requireAllRead } from '../lib/ingestion';
import type { BatchStash } from '../lib/ingestion';
import { emailClaimKey, normalizeEmail } from '../lib/keys';

export interface CheckedProjectRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: FieldError[];
  raw: string;
}

export interface ProjectBatchStash extends BatchStash {
  rows: CheckedProjectRow[];
  customerIds: Record<string, string>;
}

/** How a row names its customer: `id#<id>` when it has a customer id, else `email#<normalised>`. */
export function customerRef(row: CheckedProjectRow): string | null {
  if (row.values.customerId) {
    return `id#${row.values.customerId}`;
  }
  if (row.values.customerEmail) {
    return emailClaimKey(normalizeEmail(row.values.customerEmail));
  }
  return null;
}

export function request(ctx: Context<unknown, ProjectBatchStash>) {
  const claimKeys: Record<string, unknown>[] = [];
  const customerKeys: Record<string, unknown>[] = [];
  const asked: Record<string, boolean> = {};
  for (const row of ctx.stash.rows) {
    const ref = row.errors.length === 0 ? customerRef(row) : null;
    if (ref && !asked[ref]) {
      asked[ref] = true;
      if (ref.indexOf('id#') === 0) {
        customerKeys.push(util.dynamodb.toMapValues({ id: row.values.customerId }));
      } else {
        claimKeys.push(util.dynamodb.toMapValues({ key: ref }));
      }
    }
  }
  if (claimKeys.length === 0 && customerKeys.length === 0) {
    runtime.earlyReturn(null);
  }
  const tables: Record<string, { keys: Record<string, unknown>[]; consistentRead: boolean; projection?: unknown }> = {};
  if (claimKeys.length > 0) {
    tables[ctx.env.UNIQUES_TABLE as string] = { keys: claimKeys, consistentRead: true };
  }
  if (customerKeys.length > 0) {
    tables[ctx.env.CUSTOMERS_TABLE as string] = { keys: customerKeys, consistentRead: true, projection: { expression: '#id', expressionNames: { '#id': 'id' } } };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, ProjectBatchStash>) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  requireAllRead(ctx.result);
  const found: Record<string, string> = {};
  for (const claim of batchItems<{ key: string; customerId?: string }>(ctx.result, ctx.env.UNIQUES_TABLE as string)) {
    if (claim.customerId) {
      found[claim.key] = claim.customerId;
    }
  }
  for (const customer of batchItems<{ id: string }>(ctx.result, ctx.env.CUSTOMERS_TABLE as string)) {
    found[`id#${customer.id}`] = customer.id;
  }
  ctx.stash.customerIds = found;
  return null;
}
