/**
 * Streaming .xlsx reading: one worksheet's rows as records, memory flat in the sheet's length (only
 * the workbook's shared-string table is held, compactly). Three passes over the bytes, each
 * verified against the first when a hasher factory is given (./verify), so every pass reads the
 * same bytes:
 *
 *   1. the ZIP directory (./zip), hashing every byte;
 *   2. the workbook (sheet names and order, the 1904 date system), its relationships (which part
 *      is which sheet), the styles (which cells hold dates) and the shared strings;
 *   3. the chosen sheet's XML, cell by cell, into records.
 *
 * Writers put these parts in any order (Excel writes the sheets before the shared strings and
 * exceljs even before the workbook), so no single forward pass can read a sheet in every file.
 *
 * Cells become text as Excel shows them in its own CSV export, except for numbers, which are plain
 * decimals (./numbers); date cells become `YYYY-MM-DD` (with ` HH:MM:SS` when their format shows
 * a time). Every numeric cell also carries its serial, so a date column receives `YYYY-MM-DD` even
 * from a number the sheet does not format as a date. Formulas give their saved (cached) value; an
 * error value (#N/A …) or a formula saved without a value is a problem of that cell. A merged
 * range's value is in its first cell, as in Excel's CSV export.
 */
import { FileProblemError } from './errors';
import { DATE1904_OFFSET, isoSerial, numberFormatKind, plainNumber, serialDate, serialDateTime, serialTime } from './numbers';
import type { ByteSource, CellProblem, CsvRecord, FileFormat, Hasher, SheetInfo } from './reader';
import { recordingSource, verifyingSource, type ScannedBlocks } from './verify';
import { XmlError, XmlTokenizer, decodeXml, type XmlHandler } from './xml';
import { ZipError, readZipDirectory, zipEntryChunks, type ZipDirectory, type ZipEntry } from './zip';

export interface XlsxReadOptions {
  fileName: string;
  /** A sheet's name (any case) or 1-based number; default: the first visible worksheet. */
  sheet?: string;
  hasher?: Hasher;
  createHasher?: () => Hasher;
  onFormat?: (format: FileFormat) => void;
  onBytes?: (bytesRead: number) => void;
  onEnd?: (lastRow: number) => void;
  maxRecordChars?: number;
}

/** Text the shared-string table may hold (characters) before the workbook is refused. */
const MAX_SHARED_CHARS = 256 * 1024 * 1024;
/** Excel's limits: 1,048,576 rows, 16,384 columns (XFD). */
const MAX_ROW = 1_048_576;
const MAX_COLUMN = 16_384;

interface Sheet {
  name: string;
  /** Target part, e.g. xl/worksheets/sheet1.xml; null when the relationship is missing. */
  part: string | null;
  hidden: boolean;
  kind: 'worksheet' | 'chartsheet' | 'other';
}

/** The compact shared-string table: strings joined into slabs of 4,096 with their offsets. */
class SharedStrings {
  private slabs: string[] = [];
  private offsets: Uint32Array[] = [];
  private pending: string[] = [];
  chars = 0;
  count = 0;
  add(text: string): void {
    this.pending.push(text);
    this.count++;
    this.chars += text.length;
    if (this.pending.length === 4096) this.seal();
  }
  seal(): void {
    if (!this.pending.length) return;
    const offsets = new Uint32Array(this.pending.length + 1);
    let at = 0;
    this.pending.forEach((s, i) => {
      offsets[i] = at;
      at += s.length;
    });
    offsets[this.pending.length] = at;
    this.slabs.push(this.pending.join(''));
    this.offsets.push(offsets);
    this.pending = [];
  }
  get(index: number): string | undefined {
    const slab = index >>> 12;
    const i = index & 4095;
    if (slab < this.slabs.length) {
      const o = this.offsets[slab]!;
      return i + 1 < o.length ? this.slabs[slab]!.slice(o[i]!, o[i + 1]!) : undefined;
    }
    return slab === this.slabs.length ? this.pending[i] : undefined;
  }
}

/** `_x000D_`-style escapes of OOXML strings (ST_Xstring): characters XML cannot carry. */
function unescapeOoxml(text: string): string {
  return text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

/** `B12` → 1 (0-based column); -1 when it is no cell reference. */
export function columnIndex(ref: string): number {
  let n = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) break;
    n = n * 26 + (c - 96);
  }
  return i === 0 || i > 3 ? -1 : n - 1;
}

/** `1` → `A`, `28` → `AB` (1-based). */
export function columnName(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Resolves a relationship target against the part that holds it (`xl/`). */
function resolvePart(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}

/** Feeds one entry's bytes, as UTF-8 text, to an XML handler. */
class EntryParser {
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private tokenizer: XmlTokenizer;
  private first = true;
  constructor(handler: XmlHandler) {
    this.tokenizer = new XmlTokenizer(handler);
  }
  push(data: Uint8Array, last: boolean): void {
    let text = this.decoder.decode(data, { stream: !last });
    if (this.first && text.length) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text) this.tokenizer.write(text);
    if (last) this.tokenizer.end();
  }
}

/** Workbook, relationships and styles: what pass 2 learns. */
interface WorkbookInfo {
  sheets: Sheet[];
  date1904: boolean;
  /** Per cell style (`s`): how its number shows. */
  styles: ('date' | 'datetime' | 'time' | null)[];
  strings: SharedStrings;
}

function workbookHandler(info: { sheets: { name: string; id: string | null; hidden: boolean }[]; date1904: boolean }): XmlHandler {
  let inSheets = false;
  return {
    open(name, attrs) {
      if (name === 'sheets') inSheets = true;
      else if (name === 'sheet' && inSheets) info.sheets.push({ name: attrs.name ?? '', id: attrs.id ?? null, hidden: attrs.state === 'hidden' || attrs.state === 'veryHidden' });
      else if (name === 'workbookPr') info.date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
    },
    close(name) {
      if (name === 'sheets') inSheets = false;
    },
    text() {},
  };
}

function relsHandler(rels: Map<string, { target: string; type: string }>): XmlHandler {
  return {
    open(name, attrs) {
      if (name === 'Relationship' && attrs.Id && attrs.Target && attrs.TargetMode !== 'External') rels.set(attrs.Id, { target: attrs.Target, type: attrs.Type ?? '' });
    },
    close() {},
    text() {},
  };
}

function stylesHandler(styles: WorkbookInfo['styles']): XmlHandler {
  const custom = new Map<number, string>();
  let inCellXfs = false;
  return {
    open(name, attrs) {
      if (name === 'numFmt' && attrs.numFmtId !== undefined) custom.set(Number(attrs.numFmtId), attrs.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(attrs.numFmtId ?? 0);
        styles.push(numberFormatKind(id, custom.get(id)));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  };
}

function sharedStringsHandler(strings: SharedStrings, fileName: string): XmlHandler {
  // <si> holds <t> or rich-text runs <r><t>; <rPh> (phonetic guides) is not part of the text.
  let si = false;
  let phonetic = 0;
  let t = false;
  let text = '';
  return {
    open(name) {
      if (name === 'si') {
        si = true;
        text = '';
      } else if (name === 'rPh') phonetic++;
      else if (name === 't' && si && !phonetic) t = true;
    },
    close(name) {
      if (name === 'si') {
        si = false;
        strings.add(unescapeOoxml(text));
        if (strings.chars > MAX_SHARED_CHARS) {
          throw new FileProblemError('RECORD_TOO_LARGE', fileName, `the workbook's shared strings hold more than ${(MAX_SHARED_CHARS / 1024 / 1024).toFixed(0)} Mi characters, more than Foreman holds in memory. Save the sheet as CSV and ingest that.`);
        }
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') t = false;
    },
    text(raw, cdata) {
      if (t) text += cdata ? raw : decodeXml(raw);
    },
  };
}

/** One file problem for everything that can go wrong reading the archive. */
function describeZipError(fileName: string, error: ZipError): FileProblemError {
  switch (error.problem) {
    case 'NOT_ZIP':
      return new FileProblemError('MALFORMED', fileName, 'this is not an Excel workbook (.xlsx files are ZIP archives, and this file is not one). If it is a CSV or JSON file, give it that extension; otherwise save it from Excel as .xlsx or CSV and try again.');
    case 'ENCRYPTED':
      return encrypted(fileName);
    case 'UNSUPPORTED':
      return new FileProblemError('UNSUPPORTED_FORMAT', fileName, `${error.message}. Open it in Excel, save it again as .xlsx (or CSV) and try again.`);
    default:
      return new FileProblemError('MALFORMED', fileName, `the workbook is damaged: ${error.message}. Open it in Excel (it may offer to repair it), save it again and try again.`);
  }
}

function encrypted(fileName: string): FileProblemError {
  return new FileProblemError(
    'ENCRYPTED',
    fileName,
    'the workbook is password-protected (encrypted), so its cells cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password, clear the password), save it and try again — or save the sheet as CSV.',
  );
}

/**
 * An OLE2 compound file (D0 CF 11 E0): an Excel 97–2003 .xls workbook, or an encrypted .xlsx
 * (Office wraps those in one, with an `EncryptedPackage` stream). Reads the stream to find which.
 */
export async function compoundFileProblem(source: ByteSource, fileName: string): Promise<FileProblemError> {
  const needle = Array.from('EncryptedPackage', (c) => [c.charCodeAt(0), 0]).flat();
  let carry = new Uint8Array(0);
  for await (const chunk of source()) {
    const buf = new Uint8Array(carry.byteLength + chunk.byteLength);
    buf.set(carry);
    buf.set(chunk, carry.byteLength);
    outer: for (let i = 0; i + needle.length <= buf.byteLength; i++) {
      for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
      return encrypted(fileName);
    }
    carry = buf.subarray(Math.max(0, buf.byteLength - needle.length));
  }
  return new FileProblemError(
    'UNSUPPORTED_FORMAT',
    fileName,
    'this is an Excel 97–2003 workbook (.xls), which Foreman does not read. Open it in Excel and save it as .xlsx (File › Save As… › Excel Workbook) or as CSV, then try again.',
  );
}

/** Why a ZIP that is not an .xlsx workbook is not one, from its entry names. */
function notAWorkbook(fileName: string, entries: ZipEntry[]): FileProblemError {
  const names = new Set(entries.map((e) => e.name.toLowerCase()));
  if (names.has('xl/workbook.bin')) {
    return new FileProblemError('UNSUPPORTED_FORMAT', fileName, 'this is an Excel binary workbook (.xlsb), which Foreman does not read. Save it as .xlsx (File › Save As… › Excel Workbook) or as CSV and try again.');
  }
  if (names.has('content.xml') && names.has('mimetype')) {
    return new FileProblemError('UNSUPPORTED_FORMAT', fileName, 'this is an OpenDocument spreadsheet (.ods), which Foreman does not read. Save it as .xlsx or CSV (File › Save As…) and try again.');
  }
  if (names.has('word/document.xml') || names.has('ppt/presentation.xml')) {
    return new FileProblemError('UNSUPPORTED_FORMAT', fileName, `this is a ${names.has('word/document.xml') ? 'Word document' : 'PowerPoint presentation'}, not a workbook. Pick the .xlsx or CSV file that holds the data.`);
  }
  return new FileProblemError('UNSUPPORTED_FORMAT', fileName, 'this is a ZIP archive, not an Excel workbook (it has no xl/workbook.xml). Unpack it and pick the .xlsx, CSV or JSON file inside.');
}

function describeSheets(sheets: Sheet[]): string {
  return sheets.map((s, i) => `${i + 1} "${s.name}"${s.hidden ? ' (hidden)' : ''}${s.kind === 'chartsheet' ? ' (a chart)' : ''}`).join(', ');
}

/** The sheet `wanted` names (name in any case, or 1-based number), or the first visible worksheet. */
function chooseSheet(fileName: string, sheets: Sheet[], wanted: string | undefined): { sheet: Sheet; number: number } {
  const worksheets = sheets.filter((s) => s.kind === 'worksheet');
  if (!worksheets.length) {
    throw new FileProblemError('EMPTY', fileName, sheets.length ? `the workbook has no worksheet with cells (its sheets: ${describeSheets(sheets)}). Nothing to ingest.` : 'the workbook has no sheets. Nothing to ingest.', { row: 1 });
  }
  let sheet: Sheet | undefined;
  if (wanted === undefined) {
    sheet = worksheets.find((s) => !s.hidden) ?? worksheets[0]!;
  } else {
    const w = wanted.trim();
    sheet = sheets.find((s) => s.name === w) ?? sheets.find((s) => s.name.toLowerCase() === w.toLowerCase());
    if (!sheet && /^\d+$/.test(w)) sheet = sheets[Number(w) - 1];
    if (!sheet) {
      throw new FileProblemError('NO_SUCH_SHEET', fileName, `the workbook has no sheet "${wanted}". Its sheets are: ${describeSheets(sheets)}. Pass --sheet with one of these names or numbers.`);
    }
    if (sheet.kind !== 'worksheet') {
      throw new FileProblemError('NO_SUCH_SHEET', fileName, `sheet "${sheet.name}" is a ${sheet.kind === 'chartsheet' ? 'chart' : 'dialog or macro sheet'}, which holds no cells. Its sheets are: ${describeSheets(sheets)}. Pass --sheet with a worksheet.`);
    }
  }
  return { sheet, number: sheets.indexOf(sheet) + 1 };
}

/** The sheet XML's cells, row by row. */
class SheetReader implements XmlHandler {
  records: CsvRecord[] = [];
  lastRow = 0;
  private inData = false;
  private row = 0;
  private cells: string[] = [];
  private serials: (number | undefined)[] | undefined;
  private problems: CellProblem[] | undefined;
  private chars = 0;
  private nextColumn = 0;
  // The cell being read.
  private col = -1;
  private type = 'n';
  private style = 0;
  private value = '';
  private formula: string | null = null;
  private capture: 'v' | 'f' | 't' | null = null;
  private inline = false;
  private phonetic = 0;

  constructor(
    private readonly fileName: string,
    private readonly sheetName: string,
    private readonly info: WorkbookInfo,
    private readonly maxRecordChars: number,
  ) {}

  private malformed(detail: string): FileProblemError {
    return new FileProblemError('MALFORMED', this.fileName, `sheet "${this.sheetName}" is damaged: ${detail}. Open the workbook in Excel, save it again and try again.`, { row: this.row || undefined });
  }

  open(name: string, attrs: Record<string, string>): void {
    if (name === 'sheetData') {
      this.inData = true;
      return;
    }
    if (!this.inData) return;
    switch (name) {
      case 'row': {
        const r = attrs.r === undefined ? this.row + 1 : Number(attrs.r);
        if (!Number.isInteger(r) || r < 1 || r > MAX_ROW) throw this.malformed(`row number "${attrs.r}" is not one of 1–${MAX_ROW.toLocaleString('en-US')}`);
        if (r <= this.row) throw this.malformed(`row ${r} comes after row ${this.row}`);
        this.row = r;
        this.cells = [];
        this.serials = undefined;
        this.problems = undefined;
        this.chars = 0;
        this.nextColumn = 0;
        return;
      }
      case 'c': {
        const col = attrs.r === undefined ? this.nextColumn : columnIndex(attrs.r);
        if (col < 0 || col >= MAX_COLUMN) throw this.malformed(`"${attrs.r}" is not a cell reference`);
        this.col = col;
        this.type = attrs.t ?? 'n';
        this.style = attrs.s === undefined ? 0 : Number(attrs.s);
        this.value = '';
        this.formula = null;
        this.inline = false;
        return;
      }
      case 'v':
        this.capture = 'v';
        return;
      case 'f':
        this.capture = 'f';
        this.formula = '';
        return;
      case 'is':
        this.inline = true;
        return;
      case 'rPh':
        this.phonetic++;
        return;
      case 't':
        if (this.inline && !this.phonetic) this.capture = 't';
        return;
    }
  }

  text(raw: string, cdata: boolean): void {
    if (!this.capture) return;
    const text = cdata ? raw : decodeXml(raw);
    if (this.capture === 'f') this.formula = (this.formula ?? '') + text.slice(0, 200);
    else {
      this.value += text;
      if (this.chars + this.value.length > this.maxRecordChars) throw this.tooLarge();
    }
  }

  private tooLarge(): FileProblemError {
    const limit = this.maxRecordChars;
    return new FileProblemError(
      'RECORD_TOO_LARGE',
      this.fileName,
      `row ${this.row} of sheet "${this.sheetName}" holds more than ${limit.toLocaleString('en-US')} characters (${limit >= 1024 * 1024 ? `${(limit / 1024 / 1024).toFixed(0)} MiB` : `${(limit / 1024).toFixed(0)} KiB`}), the most one row may hold, so the file cannot be ingested. Shorten or split the long cell.`,
      { row: this.row },
    );
  }

  close(name: string): void {
    switch (name) {
      case 'sheetData':
        this.inData = false;
        return;
      case 'v':
      case 'f':
      case 't':
        this.capture = null;
        return;
      case 'rPh':
        this.phonetic--;
        return;
      case 'c':
        if (this.inData && this.col >= 0) this.finishCell();
        return;
      case 'row':
        if (!this.inData) return;
        this.fitToHeader();
        this.records.push({ row: this.row, cells: this.cells, ...(this.serials ? { serials: this.serials } : {}), ...(this.problems ? { problems: this.problems } : {}) });
        this.lastRow = this.row;
        return;
    }
  }

  /**
   * A sheet leaves out empty cells, so rows are as long as their last cell: the first row with a
   * value (the header) sets the width; shorter rows are padded, and a value beyond the header's
   * columns is a problem of its row (it has no column to go to).
   */
  private fitToHeader(): void {
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
    if (this.width === undefined) {
      if (cells.some((c) => c.trim() !== '')) {
        this.width = cells.length;
        this.firstRow = this.row;
      }
      return;
    }
    const width = this.width;
    if (cells.length < width) {
      for (let i = cells.length; i < width; i++) cells.push('');
    } else if (cells.length > width) {
      const extra = cells.findIndex((c, i) => i >= width && c.trim() !== '');
      if (extra >= 0) {
        this.problem(
          null,
          'COLUMN_COUNT',
          `cell ${columnName(extra)}${this.row} holds a value, but the header row (row ${this.headerRow}) has only ${width} column${width === 1 ? '' : 's'} (${columnName(0)}–${columnName(width - 1)}): give the column a header or clear the cell`,
        );
      }
      cells.length = width;
    }
  }

  private width: number | undefined;
  private get headerRow(): number {
    return this.firstRow;
  }
  private firstRow = 0;

  private problem(column: number | null, code: string, message: string): void {
    (this.problems ??= []).push({ column, code, message });
  }

  private finishCell(): void {
    const col = this.col;
    const ref = `${columnName(col)}${this.row}`;
    this.nextColumn = col + 1;
    this.col = -1;
    const v = this.value;
    let text = '';
    switch (this.type) {
      case 's': {
        const s = /^\d+$/.test(v.trim()) ? this.info.strings.get(Number(v)) : undefined;
        if (s === undefined) throw this.malformed(`cell ${ref} names shared string ${v || '(none)'}, which the workbook does not have`);
        text = s;
        break;
      }
      case 'inlineStr':
      case 'str':
        text = unescapeOoxml(v);
        break;
      case 'b':
        text = v.trim() === '1' || v.trim().toLowerCase() === 'true' ? 'TRUE' : v.trim() === '' ? '' : 'FALSE';
        break;
      case 'e':
        text = v;
        this.problem(col, 'CELL_ERROR', `cell ${ref} holds the error value ${v || '#VALUE!'}${this.formula !== null ? ` (its formula =${this.formula.slice(0, 60)} failed)` : ''}: fix or clear the cell`);
        break;
      case 'd': {
        const serial = isoSerial(v);
        text = serial === null ? v.trim() : this.dateText(serial, 'datetime');
        if (serial !== null) (this.serials ??= [])[col] = serial;
        break;
      }
      default: {
        const trimmed = v.trim();
        if (trimmed === '') break;
        const n = Number(trimmed);
        if (!Number.isFinite(n)) throw this.malformed(`cell ${ref} holds "${trimmed.slice(0, 40)}" where a number belongs`);
        const serial = this.info.date1904 ? n + DATE1904_OFFSET : n;
        const kind = this.info.styles[this.style] ?? null;
        text = kind ? this.dateText(serial, kind) : plainNumber(n);
        (this.serials ??= [])[col] = serial;
      }
    }
    if (this.formula !== null && v === '' && this.type !== 'e') {
      this.problem(col, 'NO_CACHED_VALUE', `cell ${ref} holds the formula =${this.formula.slice(0, 60)} without a saved value (the file was written by a program that does not calculate): open it in Excel and save it, so the values are calculated`);
    }
    this.chars += text.length;
    if (this.chars > this.maxRecordChars) throw this.tooLarge();
    if (text !== '' || this.cells[col] === undefined) this.cells[col] = text;
  }

  private dateText(serial: number, kind: 'date' | 'datetime' | 'time'): string {
    if (kind === 'time' && serial < 1) return serialTime(serial);
    const text = kind === 'date' ? serialDate(serial) : serialDateTime(serial);
    // Out of Excel's date range: Excel shows ##### there; the number is more use.
    return text ?? plainNumber(serial);
  }
}

/**
 * Reads one worksheet of an .xlsx file as records (see the module comment). `row` numbers are the
 * sheet's; rows without cells are not records (the row numbers jump over them).
 */
export async function* readXlsxRecords(source: ByteSource, options: XlsxReadOptions): AsyncGenerator<CsvRecord> {
  const { fileName } = options;
  const blocks: ScannedBlocks = { digests: [], bytes: 0 };
  const first = options.createHasher ? recordingSource(source, options.createHasher, blocks) : source;
  const again = options.createHasher ? verifyingSource(source, options.createHasher, blocks, fileName) : source;

  let directory: ZipDirectory;
  try {
    directory = await readZipDirectory(first, (chunk) => options.hasher?.update(chunk));
  } catch (error) {
    if (error instanceof ZipError) throw describeZipError(fileName, error);
    throw error;
  }
  const byName = new Map(directory.entries.map((e) => [e.name.toLowerCase(), e]));
  const workbookEntry = byName.get('xl/workbook.xml');
  if (!workbookEntry) throw notAWorkbook(fileName, directory.entries);

  // Pass 2: workbook, relationships, styles, shared strings.
  const book = { sheets: [] as { name: string; id: string | null; hidden: boolean }[], date1904: false };
  const rels = new Map<string, { target: string; type: string }>();
  const info: WorkbookInfo = { sheets: [], date1904: false, styles: [], strings: new SharedStrings() };
  const parts = new Map<string, () => XmlHandler>([
    ['xl/workbook.xml', () => workbookHandler(book)],
    ['xl/_rels/workbook.xml.rels', () => relsHandler(rels)],
    ['xl/styles.xml', () => stylesHandler(info.styles)],
    ['xl/sharedstrings.xml', () => sharedStringsHandler(info.strings, fileName)],
  ]);
  await readParts(again, directory, fileName, (entry) => parts.get(entry.name.toLowerCase())?.());
  info.strings.seal();
  info.date1904 = book.date1904;
  info.sheets = book.sheets.map((s) => {
    const rel = s.id ? rels.get(s.id) : undefined;
    const part = rel ? resolvePart('xl/workbook.xml', rel.target) : null;
    const type = rel?.type ?? '';
    const kind = /\/worksheet$/.test(type) || (!type && part?.includes('worksheets/')) ? 'worksheet' : /\/chartsheet$/.test(type) ? 'chartsheet' : 'other';
    return { name: s.name, part, hidden: s.hidden, kind };
  });
  const { sheet, number } = chooseSheet(fileName, info.sheets, options.sheet);
  const entry = sheet.part ? byName.get(sheet.part.toLowerCase()) : undefined;
  if (!entry) throw new FileProblemError('MALFORMED', fileName, `the workbook is damaged: sheet "${sheet.name}" has no part in the archive${sheet.part ? ` (${sheet.part})` : ''}. Open it in Excel, save it again and try again.`);
  const sheetInfo: SheetInfo = { name: sheet.name, number, names: info.sheets.map((s) => s.name) };
  options.onFormat?.({ kind: 'xlsx', encoding: 'utf-8', bom: false, delimiter: ',', sheet: sheetInfo });

  // Pass 3: the sheet.
  const reader = new SheetReader(fileName, sheet.name, info, options.maxRecordChars ?? 8 * 1024 * 1024);
  const parser = new EntryParser(reader);
  let bytes = 0;
  const counted: ByteSource = async function* () {
    for await (const chunk of again()) {
      bytes += chunk.byteLength;
      options.onBytes?.(bytes);
      yield chunk;
    }
  };
  try {
    for await (const piece of zipEntryChunks(counted, directory, (e) => e === entry)) {
      parser.push(piece.data, piece.last);
      if (reader.records.length) {
        const records = reader.records;
        reader.records = [];
        yield* records;
      }
    }
  } catch (error) {
    throw describeReadError(fileName, error, sheet.name);
  }
  options.onEnd?.(reader.lastRow);
}

function describeReadError(fileName: string, error: unknown, part: string): unknown {
  if (error instanceof ZipError) return describeZipError(fileName, error);
  if (error instanceof XmlError) return new FileProblemError('MALFORMED', fileName, `the workbook is damaged: ${part} is not well-formed XML (${error.message}). Open it in Excel, save it again and try again.`);
  if (error instanceof TypeError && /decode|encoded/i.test(error.message)) return new FileProblemError('MALFORMED', fileName, `the workbook is damaged: ${part} is not valid UTF-8. Open it in Excel, save it again and try again.`);
  return error;
}

/** One pass feeding the entries `handlerFor` gives a handler for to those handlers. */
async function readParts(source: ByteSource, directory: ZipDirectory, fileName: string, handlerFor: (entry: ZipEntry) => XmlHandler | undefined): Promise<void> {
  const parsers = new Map<ZipEntry, EntryParser>();
  let current = '';
  try {
    for await (const piece of zipEntryChunks(source, directory, (entry) => {
      const handler = handlerFor(entry);
      if (handler) parsers.set(entry, new EntryParser(handler));
      return handler !== undefined;
    })) {
      current = piece.entry.name;
      parsers.get(piece.entry)!.push(piece.data, piece.last);
      if (piece.last) parsers.delete(piece.entry);
    }
  } catch (error) {
    throw describeReadError(fileName, error, current || 'the workbook');
  }
}
