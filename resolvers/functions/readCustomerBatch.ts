/**
 * Reads what a customer batch depends on in one BatchGetItem — the ingestion, the batch marker, the
 * rows' stored errors (Ingestions) and the valid rows' email claims (Uniques) — and plans each row.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-get-item.html
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { FieldError } from '../../schema/generated/types';
import { batchItems, batchStateKeys, currentRun, putNew, readBatchState, storedOutcome } from '../lib/ingestion';
import type { BatchStash, PlannedRow, TxItem } from '../lib/ingestion';
import { emailClaimKey, normalizeEmail } from '../lib/keys';

export interface CheckedCustomerRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: FieldError[];
  raw: string;
}

export interface CustomerBatchStash extends BatchStash {
  rows: CheckedCustomerRow[];
}

interface ClaimItem {
  key: string;
  customerId: string;
  ingestionId?: string | null;
  rowNumber?: number | null;
  /** The run (META `resumes` at the time) that created the customer. */
  run?: number | null;
  reimportedAt?: string | null;
}

export function request(ctx: Context<unknown, CustomerBatchStash>) {
  const claimKeys: Record<string, unknown>[] = [];
  const asked: Record<string, boolean> = {};
  for (const row of ctx.stash.rows) {
    const email = row.values.email;
    if (row.errors.length === 0 && email) {
      const key = emailClaimKey(normalizeEmail(email));
      if (!asked[key]) {
        asked[key] = true;
        claimKeys.push(util.dynamodb.toMapValues({ key }));
      }
    }
  }
  const tables: Record<string, { keys: Record<string, unknown>[]; consistentRead: boolean }> = {};
  tables[ctx.env.INGESTIONS_TABLE as string] = { keys: batchStateKeys(ctx.stash), consistentRead: true };
  if (claimKeys.length > 0) {
    tables[ctx.env.UNIQUES_TABLE as string] = { keys: claimKeys, consistentRead: true };
  }
  return { operation: 'BatchGetItem', tables };
}

export function response(ctx: Context<unknown, CustomerBatchStash>) {
  const stash = ctx.stash;
  const rowErrors = readBatchState(stash, ctx.error, ctx.result, ctx.env.INGESTIONS_TABLE as string, 'CUSTOMER');
  if (!rowErrors) {
    return null;
  }
  const claims: Record<string, ClaimItem> = {};
  for (const claim of batchItems<ClaimItem>(ctx.result, ctx.env.UNIQUES_TABLE as string)) {
    claims[claim.key] = claim;
  }
  const customers = ctx.env.CUSTOMERS_TABLE as string;
  const uniques = ctx.env.UNIQUES_TABLE as string;
  // Emails this batch is about to claim: a later row with the same email is its duplicate.
  const claimedHere: Record<string, { id: string; rowNumber: number }> = {};
  const plan: PlannedRow[] = [];
  for (const row of stash.rows) {
    const stored = rowErrors[`${row.rowNumber}`];
    if (stored) {
      // Accounted for by an earlier run of this ingestion: answered as it was, counted once.
      plan.push(storedOutcome(stored));
    } else if (row.errors.length > 0) {
      plan.push({ rowNumber: row.rowNumber, status: 'INVALID', errors: row.errors, raw: row.raw, count: 'invalid', writes: [], rowError: true });
    } else {
      const email = normalizeEmail(row.values.email as string);
      const key = emailClaimKey(email);
      const claim = claims[key];
      const earlier = claimedHere[key];
      if (claim && claim.ingestionId === stash.ingestionId && claim.rowNumber === row.rowNumber) {
        plan.push(alreadyImported(uniques, claim, stash.ingestionId, row.rowNumber, currentRun(stash), stash.now));
      } else if (claim) {
        plan.push(duplicate(row, email, claim.customerId, claim.ingestionId || null, typeof claim.rowNumber === 'number' ? claim.rowNumber : null));
      } else if (earlier) {
        plan.push(duplicate(row, email, earlier.id, stash.ingestionId, earlier.rowNumber));
      } else {
        const id = util.autoId();
        claimedHere[key] = { id, rowNumber: row.rowNumber };
        const customer: Record<string, unknown> = { id, email, version: 1, createdAt: stash.now, updatedAt: stash.now };
        for (const field of ['name', 'phone', 'company', 'country', 'signupDate', 'notes']) {
          if (row.values[field]) {
            customer[field] = row.values[field];
          }
        }
        const claimItem = { key, kind: 'EMAIL', customerId: id, ingestionId: stash.ingestionId, rowNumber: row.rowNumber, run: currentRun(stash) };
        plan.push({
          rowNumber: row.rowNumber,
          status: 'CREATED',
          id,
          count: 'created',
          writes: [putNew(customers, 'id', customer, ['id']), putNew(uniques, 'key', claimItem, ['key'])],
          rowError: false,
        });
      }
    }
  }
  stash.plan = plan;
  return null;
}

function duplicate(row: CheckedCustomerRow, email: string, existingId: string, ingestionId: string | null, rowNumber: number | null): PlannedRow {
  return {
    rowNumber: row.rowNumber,
    status: 'DUPLICATE',
    errors: [{ field: 'email', code: 'DUPLICATE_EMAIL', message: `Email ${email} already belongs to customer ${existingId}.` }],
    conflict: { field: 'email', value: email, existingId, ingestionId, rowNumber },
    raw: row.raw,
    count: 'duplicates',
    writes: [],
    rowError: true,
  };
}

/**
 * This ingestion created the row before. When an earlier, interrupted run did, the first resumed run
 * that sends it again moves it from `created` to `alreadyImported`; the claim records that, so it
 * moves once. A row this same run created and sends again (batches cut differently) counts nothing.
 */
function alreadyImported(uniques: string, claim: ClaimItem, ingestionId: string, rowNumber: number, run: number, now: string): PlannedRow {
  if (claim.reimportedAt || (claim.run || 0) >= run) {
    return { rowNumber, status: 'ALREADY_IMPORTED', id: claim.customerId, count: 'none', writes: [], rowError: false };
  }
  const mark: TxItem = {
    table: uniques,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ key: claim.key }),
    update: { expression: 'SET #reimportedAt = :now', expressionNames: { '#reimportedAt': 'reimportedAt' }, expressionValues: util.dynamodb.toMapValues({ ':now': now }) },
    condition: {
      expression: '#ingestionId = :ingestionId AND #rowNumber = :rowNumber AND attribute_not_exists(#reimportedAt)',
      expressionNames: { '#ingestionId': 'ingestionId', '#rowNumber': 'rowNumber', '#reimportedAt': 'reimportedAt' },
      expressionValues: util.dynamodb.toMapValues({ ':ingestionId': ingestionId, ':rowNumber': rowNumber }),
      returnValuesOnConditionCheckFailure: false,
    },
  };
  return { rowNumber, status: 'ALREADY_IMPORTED', id: claim.customerId, count: 'alreadyImported', writes: [mark], rowError: false };
}
