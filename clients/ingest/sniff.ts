/**
 * Sniffing a CSV file's text encoding and delimiter from its first bytes. Pure functions over
 * `Uint8Array`/strings so the browser bundle can use them as they are.
 */

/** Encoding labels as `TextDecoder` knows them (WHATWG Encoding Standard). */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t' | '|';

export interface EncodingGuess {
  encoding: TextEncodingName;
  /** Length in bytes of the byte-order mark at the start (0 when none). */
  bomLength: number;
}

export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * Guesses the encoding: a BOM decides (UTF-8, UTF-16 LE/BE); without one, UTF-16 is recognised
 * by its zero bytes, then bytes that decode as UTF-8 are UTF-8 and anything else is read as
 * Windows-1252 (the WHATWG superset of Latin-1 that spreadsheet exports really use).
 * @example sniffEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // { encoding: 'utf-8', bomLength: 3 }
 */
export function sniffEncoding(head: Uint8Array): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const sample = head.subarray(0, 4096);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) zeroEven++;
      else zeroOdd++;
    }
  }
  const half = sample.length / 2;
  // ASCII text in UTF-16 has a zero in every other byte; random binary has zeros scattered evenly.
  if (half >= 4 && zeroOdd > half * 0.4 && zeroEven < half * 0.05) return { encoding: 'utf-16le', bomLength: 0 };
  if (half >= 4 && zeroEven > half * 0.4 && zeroOdd < half * 0.05) return { encoding: 'utf-16be', bomLength: 0 };
  try {
    // `stream: true` tolerates a multi-byte sequence cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/**
 * True when decoded text looks like binary data rather than text: NUL characters, or more than
 * 1% C0 control characters other than tab/CR/LF (and FF, VT, which some exports contain).
 */
export function looksBinary(text: string): boolean {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  if (sample.length === 0) return false;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0b && c !== 0x0c) || c === 0x7f || c === 0xfffd) controls++;
  }
  return controls > sample.length * 0.01;
}

/** Counts a delimiter's occurrences on each line, ignoring what sits between double quotes. */
function countPerLine(lines: string[], delimiter: string): number[] {
  return lines.map((line) => {
    let inQuotes = false;
    let n = 0;
    for (const ch of line) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (!inQuotes && ch === delimiter) n++;
    }
    return n;
  });
}

/**
 * Picks the delimiter (comma, semicolon, tab, pipe) that splits the first lines most consistently:
 * the candidate whose count on the header line repeats on most of the following lines wins, ties
 * going to the larger count and then to the order above. A file with one column is comma-separated.
 * @param text the decoded start of the file; an incomplete last line is ignored unless `complete`.
 */
export function sniffDelimiter(text: string, complete = false): Delimiter {
  let lines = text.split(/\r\n|\n|\r/);
  if (!complete && lines.length > 1) lines = lines.slice(0, -1);
  lines = lines.filter((l) => l.trim() !== '').slice(0, 20);
  if (lines.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = countPerLine(lines, d);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((c) => c === header).length / counts.length;
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** How humans name a delimiter in messages. */
export function delimiterName(d: Delimiter): string {
  return { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }[d];
}
