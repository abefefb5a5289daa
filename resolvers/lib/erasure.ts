/**
 * Erasure of a person's values from what the Ingestions table keeps (Mutation.eraseCustomer).
 * APPSYNC_JS-safe: for-of loops, no callbacks, no regex literals.
 *
 * Row errors keep the raw cells of rejected rows, and batch markers keep each row's answer (a
 * duplicate's conflict names the email; messages quote bad cells). An item "holds" the person when
 * its JSON, lower-cased, contains the normalised email. A held row error loses its raw cells, its
 * conflict value and its messages (field and code stay, so the ingestion's accounting still adds
 * up); a held marker loses the same in the outcomes that name the email.
 */
import type { FieldError, RowConflict, RowOutcome } from '../../schema/generated/types';

export const ERASED = '[erased]';

/** What the erasure pipeline keeps in the stash between its functions. */
export interface ErasureStash {
  email?: string | null;
  customerId?: string | null;
  customer?: { id: string; email: string } | null;
  claim?: { key: string; ownerId: string } | null;
  nextToken?: string | null;
  /** A continuation (nextToken given): the customer and claim were handled by the first call. */
  continuing: boolean;
  customerDeleted: boolean;
  emailClaimReleased: boolean;
  rowErrorsRedacted: number;
  batchOutcomesRedacted: number;
  itemsScanned: number;
  /** Redacted copies to write back (whole items, keys included). */
  redactions?: Record<string, unknown>[] | null;
  scanNextToken?: string | null;
}

/** Does the item (any attribute, at any depth) contain the normalised email? */
export function holds(value: unknown, email: string): boolean {
  return JSON.stringify(value).toLowerCase().indexOf(email) >= 0;
}

function erasedErrors(errors: FieldError[] | null | undefined): FieldError[] | null {
  if (!errors) {
    return null;
  }
  const kept: FieldError[] = [];
  for (const e of errors) {
    kept.push({ field: e.field, code: e.code, message: `${e.field}: ${ERASED}` });
  }
  return kept;
}

function erasedConflict(conflict: RowConflict | null | undefined): RowConflict | null {
  if (!conflict) {
    return null;
  }
  return { field: conflict.field, value: ERASED, existingId: conflict.existingId, ingestionId: conflict.ingestionId || null, rowNumber: conflict.rowNumber || null };
}

/**
 * The redacted copy of an Ingestions item that holds `email`, or null when it holds nothing of it
 * or is neither a row error nor a batch marker (META items carry counts, names of files, never cells).
 */
export function redactedItem(item: Record<string, unknown>, email: string, now: string): { item: Record<string, unknown>; kind: 'ROW' | 'BATCH' } | null {
  if (!holds(item, email)) {
    return null;
  }
  if (item.kind === 'ROW') {
    const copy: Record<string, unknown> = {};
    for (const name of Object.keys(item)) {
      if (name !== 'raw') {
        copy[name] = item[name];
      }
    }
    copy.errors = erasedErrors(item.errors as FieldError[] | null);
    copy.conflict = erasedConflict(item.conflict as RowConflict | null);
    copy.erasedAt = now;
    return { item: copy, kind: 'ROW' };
  }
  if (item.kind === 'BATCH') {
    const outcomes: RowOutcome[] = [];
    for (const o of (item.outcomes as RowOutcome[] | null) || []) {
      if (holds(o, email)) {
        outcomes.push({ rowNumber: o.rowNumber, status: o.status, id: o.id || null, errors: erasedErrors(o.errors), conflict: erasedConflict(o.conflict) });
      } else {
        outcomes.push(o);
      }
    }
    const copy: Record<string, unknown> = {};
    for (const name of Object.keys(item)) {
      copy[name] = item[name];
    }
    copy.outcomes = outcomes;
    copy.erasedAt = now;
    return { item: copy, kind: 'BATCH' };
  }
  return null;
}
