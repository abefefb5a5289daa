/**
 * Spreadsheets picked instead of a CSV file. The engine reads text (CSV/TSV); a workbook would
 * otherwise be refused as "binary data", which tells a user nothing about what to do. The page
 * looks at the first bytes before handing the file to the engine and says what the file is.
 */

/** Why a picked file is not something the engine can read, or null when it may be text. */
export function spreadsheetProblem(name: string, head: Uint8Array): string | null {
  const lower = name.toLowerCase();
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  // ZIP local file header "PK\3\4": .xlsx/.xlsm/.ods are ZIP containers.
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    if (lower.endsWith('.ods')) return 'OpenDocument spreadsheets are not supported yet — save the sheet as CSV (File › Save As… › Text CSV) and pick that file.';
    if (/\.xl[st][xmb]$/.test(lower) || containsAscii(head, 'xl/')) return EXCEL;
    return 'this is a ZIP archive, not a CSV file. Unpack it and pick the CSV file inside.';
  }
  // OLE2 compound document: Excel 97–2003 (.xls).
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return EXCEL;
  return null;
}

const EXCEL = 'Excel files are not supported yet — save as CSV (in Excel: File › Save As… › CSV UTF-8) and pick that file.';

function containsAscii(bytes: Uint8Array, text: string): boolean {
  outer: for (let i = 0; i + text.length <= bytes.length; i++) {
    for (let j = 0; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/** How many leading bytes `spreadsheetProblem` looks at (a ZIP's first entry names fit in this). */
export const SNIFF_BYTES = 4096;
