/**
 * The error report: one CSV line per rejected row with its reasons and its original cells.
 * Cells that a spreadsheet would run as a formula are neutralised (OWASP "CSV Injection", see FORMULA_START).
 */
import type { FieldError } from './validate';

/**
 * Cells a spreadsheet may run as a formula (OWASP "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection; ASVS 5.0 V1.2.10; CWE-1236): the cell
 * starts with = + - @, tab, CR, LF or NUL — also after leading spaces or other whitespace, which
 * spreadsheets skip, and in the full-width (＝ ＋ － ＠) and small (﹦ ﹢ ﹣ ﹫) forms and the
 * minus sign (−) that some spreadsheets, locales and input methods treat as the ASCII ones.
 */
const FORMULA_START = /^[\s\u0000\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212]|^[\t\r\n\u0000]/;

/**
 * Prefixes a formula-looking cell with a single quote so it stays text (OWASP's recommendation).
 * @example neutralizeCell('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 * @example neutralizeCell(' ＝1+1') // "' ＝1+1"
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Quotes a cell for CSV (RFC 4180) after neutralising it. Cells holding any delimiter a spreadsheet
 * might split on (comma, semicolon, tab, pipe) are quoted too, so no part of one can start a new
 * cell with a formula character (OWASP: mind the field separator).
 */
export function csvCell(value: string): string {
  const v = neutralizeCell(value);
  return /[",;\t|\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
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
