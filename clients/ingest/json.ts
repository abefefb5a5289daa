/**
 * Streaming JSON reading: a .json file holding an array of objects, or NDJSON (one object per
 * line, .ndjson/.jsonl), as records — memory flat in the file's size (one object at a time, plus
 * the first objects while the columns are decided).
 *
 * A byte scanner finds where each element of the array ends (tracking strings and nesting) and
 * the engine's JavaScript runtime parses that element with `JSON.parse`: about twice as fast as
 * stream-json in our measurement (docs/ingestion.md, "Excel and JSON files"), and the same
 * code runs in browsers.
 *
 * Columns: the keys of the first HEADER_SAMPLE objects, in the order they first appear (a synthetic
 * header, row 0). A later object with a key outside them is a problem of that row (its value would
 * otherwise be dropped without a word). Rows are numbered from 1: the array's first element is row
 * 1; in NDJSON a row is its line number. Values: text as is, numbers as plain decimals (./numbers),
 * true/false, null as an empty cell; a nested object or array is a problem of that cell.
 */
import { FileProblemError } from './errors';
import { plainNumber } from './numbers';
import type { ByteSource, CellProblem, CsvRecord, FileFormat, Hasher } from './reader';
import { sniffEncoding } from './sniff';

export interface JsonReadOptions {
  fileName: string;
  /** `array`: one JSON array of objects; `lines`: NDJSON. */
  mode: 'array' | 'lines';
  hasher?: Hasher;
  onFormat?: (format: FileFormat) => void;
  onBytes?: (bytesRead: number) => void;
  onEnd?: (lastRow: number) => void;
  /** An element (or line) longer than this many bytes stops the read with RECORD_TOO_LARGE. Default 8 MiB. */
  maxRecordChars?: number;
}

/** Objects whose keys make the columns. */
export const HEADER_SAMPLE = 1000;
/** …or fewer, once this much of their text has been read. */
const HEADER_SAMPLE_BYTES = 8 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return typeof value === 'boolean' ? `${value}` : typeof value;
}

interface Parsed {
  row: number;
  /** The parsed element, or the reason it is not one. */
  value?: unknown;
  broken?: string;
}

/** Turns parsed elements into records once the columns are known. */
class Columns {
  keys: string[] = [];
  index = new Map<string, number>();
  sampled = 0;

  note(value: unknown): void {
    this.sampled++;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!this.index.has(key)) {
        this.index.set(key, this.keys.length);
        this.keys.push(key);
      }
    }
  }

  record(p: Parsed, unit: string): CsvRecord {
    const cells = new Array<string>(this.keys.length).fill('');
    const problems: CellProblem[] = [];
    const value = p.value;
    if (p.broken !== undefined) {
      problems.push({ column: null, code: 'MALFORMED_JSON', message: p.broken, unreadable: true });
    } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ column: null, code: 'NOT_AN_OBJECT', message: `${unit} is ${kindOf(value)}, not an object ({"column": value, …})`, unreadable: true });
    } else {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const i = this.index.get(key);
        if (i === undefined) {
          problems.push({
            column: null,
            code: 'UNKNOWN_KEY',
            message: `key "${key.slice(0, 60)}" is not one of the columns (the keys of the first ${this.sampled.toLocaleString('en-US')} objects), so its value would be lost. Give the key to one of the first objects (null will do), or leave it out`,
          });
          continue;
        }
        if (v === null || v === undefined) continue;
        if (typeof v === 'string') cells[i] = v;
        else if (typeof v === 'boolean') cells[i] = String(v);
        else if (typeof v === 'number') {
          cells[i] = plainNumber(v);
          if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
            problems.push({ column: i, code: 'NUMBER_TOO_LONG', message: `key "${key}" holds a number with more digits than a JSON number keeps exactly (${cells[i]}); write it as a string ("…")` });
          }
        } else {
          problems.push({
            column: i,
            code: 'NESTED_VALUE',
            message: `key "${key}" holds ${kindOf(v)}; Foreman reads flat values only (text, numbers, true/false, null). Flatten it (e.g. "${key}_…": …) or leave it out`,
          });
        }
      }
    }
    return problems.length ? { row: p.row, cells, problems } : { row: p.row, cells };
  }
}

/**
 * Reads a JSON array of objects or NDJSON as records: the synthetic header (row 0, the columns),
 * then one record per element or non-empty line. Throws FileProblemError for a file that is not
 * UTF-8 JSON of that shape (with the element or line and its line number).
 */
export async function* readJsonRecords(source: ByteSource, options: JsonReadOptions): AsyncGenerator<CsvRecord> {
  const { fileName, mode } = options;
  const limit = options.maxRecordChars ?? 8 * 1024 * 1024;
  let bytesRead = 0;
  let started = false;
  let bom = false;

  // The element (or line) being collected.
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let line = 1;
  let elementLine = 1;
  let row = 0;
  let elements = 0;

  // Array scanner state.
  type State = 'start' | 'first' | 'next' | 'element' | 'after';
  let state: State = mode === 'array' ? 'start' : 'element';
  let depth = 0;
  let inString = false;
  let escape = false;

  const columns = new Columns();
  const sample: Parsed[] = [];
  let sampleBytes = 0;
  let headerDone = false;
  const out: CsvRecord[] = [];

  const where = () => (mode === 'array' ? `object ${row.toLocaleString('en-US')} of the array (line ${elementLine.toLocaleString('en-US')})` : `line ${row.toLocaleString('en-US')}`);
  const malformed = (detail: string, at = line) =>
    new FileProblemError('MALFORMED', fileName, `this is not valid JSON: ${detail}. ${mode === 'array' ? 'A .json file must hold one array of objects: [{"email": "…", "name": "…"}, …].' : ''}`.trim(), { line: at });

  const emitHeader = () => {
    headerDone = true;
    out.push({ row: 0, cells: columns.keys.slice() });
    for (const p of sample) out.push(columns.record(p, unitName(p.row)));
    sample.length = 0;
  };
  const unitName = (n: number) => (mode === 'array' ? `object ${n.toLocaleString('en-US')}` : `line ${n.toLocaleString('en-US')}`);

  const take = (bytes: Uint8Array) => {
    if (!bytes.byteLength) return;
    partBytes += bytes.byteLength;
    if (partBytes > limit) {
      throw new FileProblemError(
        'RECORD_TOO_LARGE',
        fileName,
        `${where()} is longer than ${limit.toLocaleString('en-US')} bytes (${(limit / 1024 / 1024).toFixed(0)} MiB), the most one row may hold, so the file cannot be ingested. Shorten or split the long value${mode === 'array' ? ', or look for a string that is never closed' : ''}.`,
        { row, line: elementLine },
      );
    }
    parts.push(bytes);
  };

  const finishElement = () => {
    const bytes = parts.length === 1 ? parts[0]! : concat(parts, partBytes);
    parts = [];
    const size = partBytes;
    partBytes = 0;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new FileProblemError('ENCODING', fileName, `${where()} holds bytes that are not valid UTF-8. JSON files must be UTF-8: re-save the file as UTF-8 and try again.`, { row, line: elementLine });
    }
    if (mode === 'lines') {
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '') return;
    }
    elements++;
    let parsed: Parsed;
    try {
      parsed = { row, value: JSON.parse(text) };
    } catch (error) {
      const reason = (error as Error).message.replace(/^JSON\.parse: /, '');
      // A broken line of NDJSON is that row's problem; a broken element of an array breaks the file.
      if (mode === 'array') throw malformed(`${where()}: ${reason}`, elementLine);
      parsed = { row, broken: `line ${row.toLocaleString('en-US')} is not valid JSON (${reason}): ${text.length > 80 ? `${text.slice(0, 80)}…` : text}` };
    }
    if (headerDone) {
      out.push(columns.record(parsed, unitName(row)));
      return;
    }
    if (parsed.broken === undefined) columns.note(parsed.value);
    sample.push(parsed);
    sampleBytes += size;
    if (columns.sampled >= HEADER_SAMPLE || sampleBytes >= HEADER_SAMPLE_BYTES) emitHeader();
  };

  const scanArray = (chunk: Uint8Array) => {
    // Where the element being collected starts in this chunk (0: it began in an earlier one).
    let from = state === 'element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (state === 'element') {
        if (inString) {
          if (escape) escape = false;
          else if (b === 0x5c) escape = true;
          else if (b === 0x22) inString = false;
          else if (b === 0x0a) line++;
          continue;
        }
        if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x7d || b === 0x5d) {
          if (depth === 0) {
            if (b === 0x7d) throw malformed(`${where()}: a "}" that closes nothing`);
            // The array's closing bracket.
            take(chunk.subarray(from, i));
            finishElement();
            from = -1;
            state = 'after';
            continue;
          }
          depth--;
        } else if (b === 0x2c && depth === 0) {
          take(chunk.subarray(from, i));
          finishElement();
          from = -1;
          state = 'next';
        } else if (b === 0x0a) line++;
        continue;
      }
      if (b === 0x20 || b === 0x09 || b === 0x0d) continue;
      if (b === 0x0a) {
        line++;
        continue;
      }
      switch (state) {
        case 'start':
          if (b === 0x5b) {
            state = 'first';
            continue;
          }
          if (b === 0x7b) {
            throw new FileProblemError(
              'NOT_AN_ARRAY',
              fileName,
              'the file holds a JSON object, not an array of objects. Foreman reads [{"email": "…", "name": "…"}, …], or one object per line (NDJSON, .ndjson). If the rows sit under a key ({"customers": [ … ]}), save that array on its own and try again.',
              { line },
            );
          }
          throw malformed(`it starts with "${String.fromCharCode(b)}" where "[" should open the array`);
        case 'after':
          throw malformed(`there is more after the array's closing "]" (line ${line})`);
        case 'first':
          if (b === 0x5d) {
            state = 'after';
            continue;
          }
        // falls through: the first element starts here
        case 'next':
          if (b === 0x5d) throw malformed(`a comma before the closing "]" (line ${line}): remove it`);
          if (b === 0x2c) throw malformed(`a comma where ${state === 'first' ? 'the first object' : 'an object'} should be (line ${line})`);
          row++;
          elementLine = line;
          state = 'element';
          depth = 0;
          from = i;
          i--; // read this byte again as the element's first
          continue;
      }
    }
    if (state === 'element') take(chunk.subarray(from));
  };

  const scanLines = (chunk: Uint8Array) => {
    let from = 0;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, from)) {
      row = line;
      elementLine = line;
      take(chunk.subarray(from, i));
      finishElement();
      line++;
      from = i + 1;
    }
    row = line;
    elementLine = line;
    take(chunk.subarray(from));
  };

  for await (let chunk of source()) {
    bytesRead += chunk.byteLength;
    options.hasher?.update(chunk);
    options.onBytes?.(bytesRead);
    if (!started) {
      started = true;
      const guess = sniffEncoding(chunk);
      if (guess.encoding !== 'utf-8') {
        throw new FileProblemError('UNSUPPORTED_FORMAT', fileName, `this JSON file is ${guess.encoding === 'windows-1252' ? 'not UTF-8' : `in ${guess.encoding.toUpperCase()}`}; JSON files must be UTF-8 (RFC 8259). Re-save it as UTF-8 and try again.`, { line: 1 });
      }
      bom = guess.bomLength > 0;
      chunk = chunk.subarray(guess.bomLength);
      options.onFormat?.({ kind: mode === 'array' ? 'json' : 'ndjson', encoding: 'utf-8', bom, delimiter: ',' });
    }
    if (mode === 'array') scanArray(chunk);
    else scanLines(chunk);
    if (out.length) yield* out.splice(0);
  }

  if (!started) throw new FileProblemError('EMPTY', fileName, 'the file is empty. Nothing to ingest.', { line: 1 });
  if (mode === 'array') {
    if ((state as State) !== 'after') throw malformed(inString ? `the file ends inside a string of ${where()} (is it cut short?)` : `the file ends before the array is closed with "]" (is it cut short?)`);
  } else if (partBytes > 0) {
    finishElement();
  } else {
    // The file ends with a line ending: no line after it.
    row = line - 1;
  }
  if (!headerDone) emitHeader();
  if (columns.keys.length === 0) {
    const none = elements === 0 ? (mode === 'array' ? 'the array is empty: there are no objects' : 'there are no objects in the file') : 'the objects have no keys';
    throw new FileProblemError('EMPTY', fileName, `${none}. Nothing to ingest.`, { line: 1 });
  }
  yield* out.splice(0);
  options.onEnd?.(row);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
