/**
 * Streaming CSV reading: bytes in, records out, memory flat in file size. The first chunk decides
 * the encoding and delimiter; the bytes are hashed as they pass (by a hasher the caller supplies,
 * so Node and browsers each use their own SHA-256); `csv-parse` does the parsing.
 */
import { Parser } from 'csv-parse';
import { FileProblemError } from './errors';
import { looksBinary, sniffDelimiter, sniffEncoding, delimiterName, type Delimiter, type TextEncodingName } from './sniff';

/** Re-openable source of the file's bytes (a file path in Node, a `File` in a browser). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

export interface Hasher {
  update(bytes: Uint8Array): void;
  /** Lower-case hex digest. */
  digest(): string;
}

export interface FileFormat {
  encoding: TextEncodingName;
  bom: boolean;
  delimiter: Delimiter;
}

export interface CsvRecord {
  /** 1 for the header row; data rows count on from 2, as a spreadsheet numbers them. Blank lines are records too (of one empty cell). */
  row: number;
  cells: string[];
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
}

/** The bits of csv-parse's push-style core we drive directly (`Parser#api`), which hands errors back synchronously. */
interface ParserCore {
  parse(buf: Uint8Array | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
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
    case 'CSV_MAX_RECORD_SIZE':
      return new FileProblemError('RECORD_TOO_LARGE', fileName, `row ${row} is larger than the ${error.message.match(/of (\d+)/)?.[1] ?? 'allowed'} characters a row may hold; this usually means an unterminated quote.`, { row, line });
    default:
      return new FileProblemError('MALFORMED', fileName, `${at} (row ${row}): ${error.message}`, { row, line });
  }
}

/**
 * Reads `source` record by record.
 * Throws FileProblemError for binary data, bytes invalid in the sniffed encoding, and CSV syntax
 * errors (with the row and line).
 */
export async function* readRecords(source: ByteSource, options: ReadOptions): AsyncGenerator<CsvRecord> {
  const { fileName, hasher } = options;
  let format: FileFormat | undefined;
  let decoder: TextDecoder | undefined;
  let parser: ParserCore | undefined;
  let bytesRead = 0;
  let row = 0;
  const records: string[][] = [];
  const push = (r: string[]) => {
    records.push(r);
  };
  const noop = () => undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const start = (head: Uint8Array, complete: boolean) => {
    const guess = sniffEncoding(head);
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
      // Blank lines stay records so row numbers match a spreadsheet's; the engine skips them.
      skip_empty_lines: false,
      bom: false,
      max_record_size: options.maxRecordChars ?? 8 * 1024 * 1024,
    });
    const core = (p as unknown as { api?: ParserCore }).api;
    if (!core) throw new Error('csv-parse changed: Parser#api is missing');
    parser = core;
    options.onFormat?.(format);
  };

  const feed = (bytes: Uint8Array, end: boolean) => {
    let input: Uint8Array | undefined;
    if (format!.encoding === 'utf-8') {
      try {
        // Decoding only to validate: the parser reads the UTF-8 bytes themselves.
        decoder!.decode(bytes, { stream: !end });
      } catch {
        throw new FileProblemError('ENCODING', fileName, `bytes after row ${row} are not valid UTF-8 although the file starts as UTF-8 (mixed encodings). Re-save the file as UTF-8 and try again.`, { row });
      }
      input = bytes;
    } else {
      input = encoder.encode(decoder!.decode(bytes, { stream: !end }));
    }
    const error = parser!.parse(input.byteLength || !end ? toParserInput(input) : undefined, end, push, noop) as CsvParseError | undefined;
    if (error) throw describeParseError(fileName, error, row + records.length + 1);
  };

  const strip = (head: Uint8Array) => (format!.bom ? head.subarray(sniffEncoding(head).bomLength) : head);

  function* drain(): Generator<CsvRecord> {
    for (const cells of records) {
      row++;
      yield { row, cells };
    }
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
