/**
 * The error report: one CSV line per rejected row with its reasons and its original cells.
 * Cells that a spreadsheet would run as a formula are neutralised (OWASP "CSV Injection").
 */
import type { FieldError } from './validate';

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes a formula-looking cell with a single quote so it stays text.
 * @example neutralizeCell('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quotes a cell for CSV (RFC 4180) after neutralising it. */
export function csvCell(value: string): string {
  const v = neutralizeCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export interface ReportRow {
  row: number;
  status: string;
  errors: readonly FieldError[];
  /** Who owns the value this row duplicates. */
  conflict?: { field: string; value: string; existingId: string; ingestionId?: string | null; rowNumber?: number | null } | null;
  /** Original cells, in file column order. */
  cells: readonly string[];
}

/** Columns of the report: our three, then the file's own headers. */
export function reportHeader(fileHeaders: readonly string[]): string {
  return csvLine(['row', 'status', 'reasons', ...fileHeaders]);
}

/** One report line; `columnOf` maps a model field back to the file's column header. */
export function reportLine(r: ReportRow, columnOf: (field: string) => string): string {
  const reasons = r.errors.map((e) => `${columnOf(e.field)}: ${e.message} [${e.code}]`);
  if (r.conflict) {
    const owner = r.conflict.rowNumber ? ` (row ${r.conflict.rowNumber}${r.conflict.ingestionId ? ` of ingestion ${r.conflict.ingestionId}` : ''})` : '';
    reasons.push(`${columnOf(r.conflict.field)} ${r.conflict.value} already belongs to ${r.conflict.existingId}${owner}`);
  }
  return csvLine([String(r.row), r.status, reasons.join('; '), ...r.cells]);
}
