/**
 * Deterministic ownership of a value repeated within one file: the first row in file order owns
 * it, whatever the batch timing. The scan pass notes every row whose unique value (a customer's
 * email, normalised as the server compares it) may have appeared earlier in the file; the send
 * pass holds those rows back and sends them only after every other batch has committed, so the
 * first occurrence has claimed the value by then and the repeats are answered DUPLICATE of it.
 *
 * Memory is bounded: "seen before" is a Bloom filter of at most 8 MiB (sized from the file), and the
 * held-back rows are kept as row numbers only (4 bytes each; their cells are read again from the
 * file). A false positive only holds a unique row back to the end; it never changes an outcome.
 */

/** The form a unique value is compared in, as the server's `normalizeEmail`: trimmed, NFC, lower-cased. */
export function normalizeUnique(value: string): string {
  return value.trim().normalize('NFC').toLowerCase();
}

/** FNV-1a over UTF-16 units with a seed: two cheap independent 32-bit hashes for the filter. */
function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A Bloom filter (2 hashes) over strings. */
export class SeenFilter {
  private readonly bits: Uint8Array;
  private readonly mask: number;
  /** `expectedBytes` (the file's size) sizes it: about 8 bits per byte of file, 64 KiB to 8 MiB. */
  constructor(expectedBytes: number) {
    let size = 1 << 19;
    while (size < expectedBytes * 8 && size < 1 << 26) size *= 2;
    this.bits = new Uint8Array(size / 8);
    this.mask = size - 1;
  }
  /** Adds `text`; returns whether it may have been added before. */
  addSeen(text: string): boolean {
    const a = hash(text, 0) & this.mask;
    const b = hash(text, 0x5bd1e995) & this.mask;
    const seen = (this.bits[a >>> 3]! & (1 << (a & 7))) !== 0 && (this.bits[b >>> 3]! & (1 << (b & 7))) !== 0;
    this.bits[a >>> 3]! |= 1 << (a & 7);
    this.bits[b >>> 3]! |= 1 << (b & 7);
    return seen;
  }
}

/** Row numbers held back, in file order (ascending, as the scan meets them). */
export class HeldRows {
  private rows = new Uint32Array(1024);
  length = 0;
  private cursor = 0;
  add(row: number): void {
    if (this.length === this.rows.length) {
      const bigger = new Uint32Array(this.rows.length * 2);
      bigger.set(this.rows);
      this.rows = bigger;
    }
    this.rows[this.length++] = row;
  }
  /** Whether `row` is held; call with ascending rows (one pass over the file). */
  takes(row: number): boolean {
    while (this.cursor < this.length && this.rows[this.cursor]! < row) this.cursor++;
    return this.cursor < this.length && this.rows[this.cursor] === row;
  }
  /** Calls `fn` with every held row, in file order. */
  forEach(fn: (row: number) => unknown): void {
    for (let i = 0; i < this.length; i++) fn(this.rows[i]!);
  }
  /** Starts a new pass over the file. */
  rewind(): void {
    this.cursor = 0;
  }
}
