/**
 * Rejected rows of any width within DynamoDB's item limit (ROW_ERROR_LIMITS in ./rules): the
 * server caps what it stores with these, and the engine builds the `raw` it sends with the same
 * `capRaw`, so both sides cut a row the same way. APPSYNC_JS-safe and free of `@aws-appsync/utils`,
 * so the engine (Node and browsers) imports it as it is.
 */
import type { FieldError } from '../../schema/generated/types';
import { ROW_ERROR_LIMITS } from './rules';

/** The key under which a capped row counts the cells it does not store. */
export const MORE_CELLS = '…';

const CUT_START = '… [';
const CUT_END = ' more characters]';

/** `text` cut to `limit` characters, marked with how many were cut. A text cut before (by the client) stays as it is. */
export function cutText(text: string, limit: number): string {
  if (text.length <= limit) {
    return text;
  }
  const tail = text.slice(limit);
  if (tail.length <= 40 && tail.indexOf(CUT_START) === 0 && tail.slice(tail.length - CUT_END.length) === CUT_END) {
    return text;
  }
  return `${text.slice(0, limit)}${CUT_START}${text.length - limit}${CUT_END}`;
}

/**
 * A row's cells as stored with its error (JSON text), within ROW_ERROR_LIMITS: long cells and names
 * cut with a marker, and once the JSON reaches `rawChars` the remaining cells only counted.
 */
export function capRaw(cells: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  let used = 2;
  let left = 0;
  for (const name of Object.keys(cells)) {
    const value = cells[name];
    if (left > 0) {
      left = left + 1;
    } else if (name === MORE_CELLS && typeof value === 'string') {
      // The marker of a row the client already capped (its budget left room for it): kept as it is.
      kept[name] = cutText(value, ROW_ERROR_LIMITS.messageChars);
    } else {
      const text = typeof value === 'string' ? cutText(value, ROW_ERROR_LIMITS.cellChars) : value;
      const key = cutText(name, ROW_ERROR_LIMITS.nameChars);
      const size = JSON.stringify(key).length + JSON.stringify(text === undefined ? null : text).length + 2;
      // 128 characters stay free for the "…" entry, so a row capped by the client fits as it is when the server caps it again.
      if (used + size > ROW_ERROR_LIMITS.rawChars - 128) {
        left = 1;
      } else {
        kept[key] = text;
        used = used + size;
      }
    }
  }
  if (left > 0) {
    kept[MORE_CELLS] = `${left} more cells not stored (the client's error report has the whole row)`;
  }
  return JSON.stringify(kept);
}

/** A client-sent raw row (AWSJSON: parsed by AppSync, or JSON text) within ROW_ERROR_LIMITS. */
export function capRawInput(raw: unknown): string | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    return capRaw(raw as Record<string, unknown>);
  }
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (text.length <= ROW_ERROR_LIMITS.rawChars) {
    return text;
  }
  const wrapped: Record<string, string> = {};
  wrapped[MORE_CELLS] = cutText(text, ROW_ERROR_LIMITS.rawChars);
  return JSON.stringify(wrapped);
}

/** A row's errors as stored: at most ROW_ERROR_LIMITS.errors, messages cut, then one MORE_ERRORS. */
export function capErrors(errors: FieldError[]): FieldError[] {
  const kept: FieldError[] = [];
  for (const e of errors) {
    if (kept.length < ROW_ERROR_LIMITS.errors) {
      kept.push({ field: cutText(e.field, ROW_ERROR_LIMITS.nameChars), code: cutText(e.code, ROW_ERROR_LIMITS.nameChars), message: cutText(e.message, ROW_ERROR_LIMITS.messageChars) });
    }
  }
  if (errors.length > kept.length) {
    kept.push({ field: 'row', code: 'MORE_ERRORS', message: `${errors.length - kept.length} more errors in this row were not stored.` });
  }
  return kept;
}
