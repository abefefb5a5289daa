/**
 * The row-error report written next to a processed file: one CSV line per row the server recorded
 * as not created (invalid, duplicate, …), built from `listIngestionRowErrors`, so it is complete
 * whichever route (this Lambda or the Distributed Map) imported the rows.
 * Cells a spreadsheet would run as formulas are neutralised (OWASP "CSV Injection").
 */
import type { GraphQLClient } from '../../clients/api/client';
import { ListIngestionRowErrorsDocument, type ListIngestionRowErrorsQuery } from '../../clients/api/generated';
// The same CSV writer (quoting, formula neutralising) as `foreman ingest --errors-out`.
import { csvLine } from '../../clients/ingest/report';

export type RowErrorItem = ListIngestionRowErrorsQuery['listIngestionRowErrors']['items'][number];

/** Every row error of an ingestion, all pages. */
export async function listRowErrors(client: GraphQLClient, ingestionId: string): Promise<RowErrorItem[]> {
  const items: RowErrorItem[] = [];
  let nextToken: string | null = null;
  do {
    const page: ListIngestionRowErrorsQuery = await client.request(ListIngestionRowErrorsDocument, { ingestionId, limit: 100, nextToken });
    items.push(...page.listIngestionRowErrors.items);
    nextToken = page.listIngestionRowErrors.nextToken;
  } while (nextToken);
  return items;
}

function parseRaw(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The report: `row,status,reasons` then the row's original columns (the union of the recorded
 * raw rows' columns, in first-seen order). Returns null when there is nothing to report.
 */
export function buildReport(items: readonly RowErrorItem[]): string | null {
  if (!items.length) return null;
  const sorted = [...items].sort((a, b) => a.rowNumber - b.rowNumber);
  const raws = sorted.map((i) => parseRaw(i.raw));
  const columns: string[] = [];
  for (const raw of raws) for (const c of Object.keys(raw)) if (!columns.includes(c)) columns.push(c);
  let out = csvLine(['row', 'status', 'reasons', ...columns]);
  sorted.forEach((item, n) => {
    const reasons = (item.errors ?? []).map((e) => `${e.field}: ${e.message} [${e.code}]`);
    if (item.conflict) {
      const c = item.conflict;
      const where = c.rowNumber ? ` (row ${c.rowNumber}${c.ingestionId ? ` of ingestion ${c.ingestionId}` : ''})` : '';
      reasons.push(`${c.field} ${c.value} already belongs to ${c.existingId}${where}`);
    }
    const raw = raws[n]!;
    out += csvLine([String(item.rowNumber), item.status, reasons.join('; '), ...columns.map((c) => (raw[c] === undefined || raw[c] === null ? '' : String(raw[c])))]);
  });
  return out;
}
