/**
 * Streaming CSV reading: bytes in, records out, memory flat in file size. The first chunk decides
 * the encoding and delimiter; the bytes are hashed as they pass (by a hasher the caller supplies,
 * so Node and browsers each use their own SHA-256); `csv-parse` does the parsing.
 */
import { Parser } from 'csv-parse';
import { FileProblemError } from './errors';
import { readJsonRecords } from './json';
import { looksBinary, sniffDelimiter, sniffEncoding, delimiterName, type Delimiter, type TextEncodingName } from './sniff';
import { compoundFileProblem, readXlsxRecords } from './xlsx';

/** Re-openable source of the file's bytes (a file path in Node, a `File` in a browser). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

export interface Hasher {
  update(bytes: Uint8Array): void;
  /** Lower-case hex digest. */
  digest(): string;
}

/** What kind of file the rows come from (absent: csv). */
export type FileKind = 'csv' | 'xlsx' | 'json' | 'ndjson';

/** The worksheet an .xlsx file's rows come from. */
export interface SheetInfo {
  name: string;
  /** Its 1-based position among the workbook's sheets. */
  number: number;
  /** Every sheet's name, in workbook order. */
  names: string[];
}

export interface FileFormat {
  /** csv when absent. */
  kind?: FileKind;
  /** For csv; UTF-8 for the other kinds. */
  encoding: TextEncodingName;
  bom: boolean;
  /** For csv; a comma (unused) for the other kinds. */
  delimiter: Delimiter;
  /** For xlsx: the sheet read. */
  sheet?: SheetInfo;
}

/** A problem of one cell (`column`, 0-based) or of the whole row (null) that the reader found: the row is invalid. */
export interface CellProblem {
  column: number | null;
  code: string;
  message: string;
  /** The row could not be read at all (a broken NDJSON line): its cells are empty, and no other check applies. */
  unreadable?: boolean;
}

export interface CsvRecord {
  /**
   * 1 for the header row; data rows count on from 2, as a spreadsheet numbers them. Empty lines are
   * skipped but counted (the row numbers after one jump by one); a line of spaces or delimiters is a
   * record of empty cells.
   */
  row: number;
  cells: string[];
  /**
   * Spreadsheet cells that are numbers, by column: the number as an Excel serial date (1900 system),
   * which a date column turns into `YYYY-MM-DD` whatever the cell's display format.
   */
  serials?: (number | undefined)[];
  /** What the reader found wrong in the row (xlsx error cells, JSON nested values …). */
  problems?: CellProblem[];
}

export interface ReadOptions {
  fileName: string;
  hasher?: Hasher;
  /** Called once, before the first record, with the sniffed format. */
  onFormat?: (format: FileFormat) => void;
  /** Called with the running count of bytes read. */
  onBytes?: (bytesRead: number) => void;
  /** Force a delimiter instead of sniffing it. */
  delimiter?: Delimiter;
  /** A record longer than this (in characters) stops the read with RECORD_TOO_LARGE. Default 8 MiB. */
  maxRecordChars?: number;
  /** Called once at the end with the number of the file's last row (trailing empty lines included). */
  onEnd?: (lastRow: number) => void;
  /** The file's kind, instead of detecting it from the name and first bytes (later passes pass the first one's). */
  kind?: FileKind;
  /** xlsx: the sheet to read, by name (any case) or 1-based number; default the first visible worksheet. */
  sheet?: string;
  /** xlsx reads the file in several passes; with this, each later pass is verified to read the first pass's bytes. */
  createHasher?: () => Hasher;
}

/**
 * A non-CSV format in words, for the CLI and the page ("Excel workbook, sheet "Customers" (1 of 3)");
 * null for CSV, which each client describes by encoding and delimiter.
 */
export function describeFileKind(format: FileFormat): string | null {
  switch (format.kind) {
    case 'xlsx': {
      const sheet = format.sheet;
      return sheet ? `Excel workbook, sheet "${sheet.name}" (${sheet.number} of ${sheet.names.length})` : 'Excel workbook';
    }
    case 'json':
      return `JSON array of objects, UTF-8${format.bom ? ' with BOM' : ''}`;
    case 'ndjson':
      return `NDJSON (one object per line), UTF-8${format.bom ? ' with BOM' : ''}`;
    default:
      return null;
  }
}

/** JSON and NDJSON files by extension; NDJSON also by content (a first line that is a whole object). */
const KIND_BY_EXTENSION: Record<string, FileKind> = { xlsx: 'xlsx', xlsm: 'xlsx', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', csv: 'csv', tsv: 'csv', txt: 'csv', tab: 'csv' };

/** The extension of a file name (or S3 key), lower-cased, without the dot. */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * What kind of file this is, from its first bytes and its name: a ZIP is an .xlsx workbook (the
 * xlsx reader says what else it is, when it is not one), an OLE2 file an .xls or encrypted
 * workbook; .json, .ndjson/.jsonl are JSON; a file without a known extension is JSON when its first
 * character is `[` or `{`; everything else is CSV. A .json file whose first line is a whole object
 * is NDJSON.
 */
export function detectKind(fileName: string, head: Uint8Array): FileKind | 'ole2' {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return 'ole2';
  const ext = extensionOf(fileName);
  let kind = KIND_BY_EXTENSION[ext];
  if (kind === 'xlsx') return 'xlsx';
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let i = start;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (kind === undefined) kind = head[i] === 0x5b ? 'json' : head[i] === 0x7b ? 'json' : 'csv';
  if (kind === 'json' && head[i] === 0x7b) {
    // NDJSON under another name: the first line alone parses as an object.
    const newline = head.indexOf(0x0a, i);
    if (newline > 0) {
      try {
        const first: unknown = JSON.parse(new TextDecoder().decode(head.subarray(i, newline)));
        if (first !== null && typeof first === 'object' && !Array.isArray(first)) return 'ndjson';
      } catch {
        // a pretty-printed object: read as JSON (and refused as one)
      }
    }
  }
  return kind;
}

/** Opens `source` once to look at its first bytes; the first read of the returned source replays them. */
async function peek(source: ByteSource, bytes: number): Promise<{ head: Uint8Array; source: ByteSource }> {
  const iterator = source()[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.byteLength;
  }
  let first = true;
  const replay: ByteSource = () => {
    if (!first) return source();
    first = false;
    return (async function* () {
      yield* chunks;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })();
  };
  return { head: concat(chunks, have), source: replay };
}

/**
 * Reads `source` record by record, whatever its kind (./reader for CSV, ./xlsx, ./json): a header
 * record, then the data rows. See `readCsvRecords` for CSV.
 */
export async function* readRecords(source: ByteSource, options: ReadOptions): AsyncGenerator<CsvRecord> {
  let kind: FileKind | 'ole2' | undefined = options.kind;
  if (!kind) {
    const peeked = await peek(source, 4096);
    source = peeked.source;
    kind = detectKind(options.fileName, peeked.head);
  }
  switch (kind) {
    case 'ole2':
      throw await compoundFileProblem(source, options.fileName);
    case 'xlsx':
      yield* readXlsxRecords(source, options);
      return;
    case 'json':
    case 'ndjson':
      yield* readJsonRecords(source, { ...options, mode: kind === 'json' ? 'array' : 'lines' });
      return;
    default:
      yield* readCsvRecords(source, options);
  }
}

/** The bits of csv-parse's push-style core we drive directly (`Parser#api`), which hands errors back synchronously. */
interface ParserCore {
  parse(buf: Uint8Array | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  /** Running counters; `empty_lines` counts skipped empty lines (and the line ending that ends the file). */
  info: { empty_lines: number };
}
interface CsvParseError extends Error {
  code?: string;
  lines?: number;
  records?: number;
}

const SNIFF_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** csv-parse only reads bytes: hand it the UTF-8 bytes (as a Buffer where Node has one). */
function toParserInput(bytes: Uint8Array): Uint8Array {
  return typeof Buffer !== 'undefined' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

function describeParseError(fileName: string, error: CsvParseError, row: number): FileProblemError {
  const line = error.lines;
  const at = line ? `line ${line}` : `row ${row}`;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new FileProblemError('MALFORMED', fileName, `a quoted cell opened in row ${row} is never closed (the file ends inside quotes). Close the quote or remove the stray " and try again.`, { row, line });
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new FileProblemError('MALFORMED', fileName, `${at} (row ${row}): a quoted cell is followed by text after its closing quote. Quotes inside a quoted cell must be doubled ("").`, { row, line });
    case 'CSV_MAX_RECORD_SIZE': {
      const limit = Number(error.message.match(/of (\d+)/)?.[1]);
      const size = Number.isFinite(limit) ? `${limit.toLocaleString('en-US')} characters (${(limit / 1024 / 1024).toFixed(0)} MiB)` : 'the size';
      return new FileProblemError(
        'RECORD_TOO_LARGE',
        fileName,
        `row ${row} is longer than ${size}, the most one row may hold, so the file cannot be ingested. Shorten or split the long cell; if no cell should be that long, look in row ${row} for a quote that is never closed.`,
        { row, line },
      );
    }
    default:
      return new FileProblemError('MALFORMED', fileName, `${at} (row ${row}): ${error.message}`, { row, line });
  }
}

/**
 * Reads a CSV `source` record by record.
 * Throws FileProblemError for binary data, bytes invalid in the sniffed encoding, and CSV syntax
 * errors (with the row and line).
 */
export async function* readCsvRecords(source: ByteSource, options: ReadOptions): AsyncGenerator<CsvRecord> {
  const { fileName, hasher } = options;
  let format: FileFormat | undefined;
  let decoder: TextDecoder | undefined;
  let parser: ParserCore | undefined;
  let bytesRead = 0;
  let emitted = 0;
  let lastByte = -1;
  const records: CsvRecord[] = [];
  // Rows are records plus the empty lines skipped before them (csv-parse counts those as it goes).
  const push = (cells: string[]) => {
    emitted++;
    records.push({ row: emitted + parser!.info.empty_lines, cells });
  };
  const noop = () => undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const start = (head: Uint8Array, complete: boolean) => {
    let guess = sniffEncoding(head);
    // Text that is UTF-8 (a valid multi-byte character) before its first invalid byte is a UTF-8 file
    // with a stray byte (mixed encodings), refused at that byte's row, not a Windows-1252 file whose
    // every accent would come out mangled.
    if (guess.encoding === 'windows-1252' && hasUtf8MultiByte(head.subarray(0, firstInvalidUtf8(head)))) guess = { encoding: 'utf-8', bomLength: 0 };
    const text = new TextDecoder(guess.encoding).decode(head.subarray(guess.bomLength), { stream: !complete });
    if (looksBinary(text)) {
      throw new FileProblemError('BINARY', fileName, 'this is not a text file (it contains binary data such as NUL or control bytes). Export the data as CSV and try again.', { line: 1 });
    }
    const delimiter = options.delimiter ?? sniffDelimiter(text, complete);
    format = { encoding: guess.encoding, bom: guess.bomLength > 0, delimiter };
    decoder = new TextDecoder(guess.encoding, { fatal: guess.encoding === 'utf-8', ignoreBOM: false });
    const p = new Parser({
      delimiter,
      relax_column_count: true,
      // Every line ending ends a record, whichever the file mixes (csv-parse's auto-detection picks the
      // first one it sees and would glue the other rows together); CRLF first so it is one ending.
      record_delimiter: ['\r\n', '\n', '\r'],
      // A quote inside an unquoted cell (5'11", O"Brien) is text, as spreadsheets read it.
      relax_quotes: true,
      // Empty lines are skipped by the parser (cheaply: a million of them cost no record each) and
      // counted, so row numbers still match a spreadsheet's.
      skip_empty_lines: true,
      bom: false,
      max_record_size: options.maxRecordChars ?? 8 * 1024 * 1024,
    });
    const core = (p as unknown as { api?: ParserCore }).api;
    if (!core) throw new Error('csv-parse changed: Parser#api is missing');
    parser = core;
    options.onFormat?.(format);
  };

  let fed = 0;
  const parse = (input: Uint8Array, end: boolean) => {
    if (input.byteLength) lastByte = input[input.byteLength - 1]!;
    const error = parser!.parse(input.byteLength || !end ? toParserInput(input) : undefined, end, push, noop) as CsvParseError | undefined;
    if (error) throw describeParseError(fileName, error, emitted + parser!.info.empty_lines + 1);
  };

  const feed = (bytes: Uint8Array, end: boolean) => {
    if (format!.encoding === 'utf-8') {
      try {
        // Decoding only to validate: the parser reads the UTF-8 bytes themselves.
        decoder!.decode(bytes, { stream: !end });
      } catch {
        // Parse up to the bad byte, so the row it sits in is known.
        const bad = firstInvalidUtf8(bytes);
        parse(bytes.subarray(0, bad), false);
        const at = emitted + parser!.info.empty_lines + 1;
        const offset = fed + bad + (format!.bom ? 3 : 0);
        throw new FileProblemError(
          'ENCODING',
          fileName,
          `row ${at.toLocaleString('en-US')} holds bytes that are not valid UTF-8 (at byte ${offset.toLocaleString('en-US')} of the file) although the file starts as UTF-8 (mixed encodings?). Re-save the file as UTF-8 and try again.`,
          { row: at },
        );
      }
      fed += bytes.byteLength;
      parse(bytes, end);
    } else {
      parse(encoder.encode(decoder!.decode(bytes, { stream: !end })), end);
    }
  };

  const strip = (head: Uint8Array) => (format!.bom ? head.subarray(sniffEncoding(head).bomLength) : head);

  function* drain(): Generator<CsvRecord> {
    for (const record of records) yield record;
    records.length = 0;
  }

  for await (const chunk of source()) {
    bytesRead += chunk.byteLength;
    hasher?.update(chunk);
    options.onBytes?.(bytesRead);
    if (!format) {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes < SNIFF_BYTES) continue;
      const head = concat(pending, pendingBytes);
      pending = [];
      start(head, false);
      feed(strip(head), false);
    } else {
      feed(chunk, false);
    }
    yield* drain();
  }
  if (!format) {
    const head = concat(pending, pendingBytes);
    start(head, true);
    feed(strip(head), false);
  }
  feed(new Uint8Array(0), true);
  yield* drain();
  // csv-parse also counts the line ending that ends the last line as an empty line.
  options.onEnd?.(emitted + parser!.info.empty_lines - (lastByte === 0x0a || lastByte === 0x0d ? 1 : 0));
}

/** Whether `bytes` (valid UTF-8) hold a character outside ASCII. */
function hasUtf8MultiByte(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0xc2) return true;
  return false;
}

/**
 * Index of the first byte of `bytes` that cannot be UTF-8 (WHATWG: no overlongs, surrogates or
 * code points above U+10FFFF), skipping continuation bytes at the start (they may finish a character
 * begun in the previous chunk). A sequence cut at the end is not an error here. 0 when none is found
 * (the bad sequence then began in the previous chunk).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Valid lead bytes, the number of continuation bytes they take, and the range of the first one.
    const [need, lo, hi] =
      c >= 0xc2 && c <= 0xdf
        ? [1, 0x80, 0xbf]
        : c === 0xe0
          ? [2, 0xa0, 0xbf]
          : c === 0xed
            ? [2, 0x80, 0x9f]
            : c >= 0xe1 && c <= 0xef
              ? [2, 0x80, 0xbf]
              : c === 0xf0
                ? [3, 0x90, 0xbf]
                : c >= 0xf1 && c <= 0xf3
                  ? [3, 0x80, 0xbf]
                  : c === 0xf4
                    ? [3, 0x80, 0x8f]
                    : [0, 0, 0];
    if (need === 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return 0;
      const b = bytes[i + k]!;
      if (k === 1 ? b < lo || b > hi : (b & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return 0;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

export { delimiterName };
