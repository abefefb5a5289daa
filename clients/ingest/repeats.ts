/**
 * Deterministic ownership of a value repeated within one file: the first row in file order owns
 * it, whatever the batch timing. The scan pass notes every row whose unique values (each @unique of
 * the model, as the claim the server writes for it: docs/architecture.md, "Data and uniqueness")
 * may have appeared earlier in the file; the send pass holds those rows back and sends them only
 * after every other batch has committed, so the first occurrence has claimed the value by then and
 * the repeats are answered DUPLICATE of it.
 *
 * Memory is bounded: "seen before" is a Bloom filter of at most 8 MiB (sized from the file), and the
 * held-back rows are kept as row numbers only (4 bytes each; their cells are read again from the
 * file). A false positive only holds a unique row back to the end; it never changes an outcome.
 */
import type { ModelMeta, Normalize, RowInput, UniqueSpec } from './models';

/**
 * A unique value as the server compares it (UniqueSpec.normalize): TRIM is trimmed and in Unicode
 * NFC (case matters); CASE_INSENSITIVE and EMAIL are lower-cased too.
 * @example normalizeUnique(' Caf\u00e9@X.example ', 'EMAIL') === normalizeUnique('cafe\u0301@x.example', 'EMAIL')
 */
export function normalizeUnique(value: string, normalize: Normalize = 'EMAIL'): string {
  const text = value.trim().normalize('NFC');
  return normalize === 'TRIM' ? text : text.toLowerCase();
}

/** A cell of the row as text ('' when absent). */
function cellOf(row: RowInput, column: string): string {
  const v = row[column];
  return v === undefined || v === null ? '' : String(v);
}

/**
 * The value a `with` field contributes to a claim key, as far as the client can tell: a column's
 * trimmed NFC text, or for a reference field how the row names its target (by id when it has one,
 * else the first filled column, normalised as the target's claim). The server keys on the target's
 * id, so two rows naming one target differently are not seen as repeats here (they are still
 * decided by the server, in batch order).
 */
function withValue(model: ModelMeta, row: RowInput, field: string): string {
  if (model.columns[field]) return normalizeUnique(cellOf(row, field), 'TRIM');
  const ref = model.refs.find((r) => r.field === field);
  if (!ref) return '';
  const filled = ref.columns.filter((c) => cellOf(row, c.column).trim() !== '');
  const named = filled.find((c) => c.by === 'id') ?? filled[0];
  return named ? `${named.by}=${normalizeUnique(cellOf(row, named.column), named.normalize ?? 'TRIM')}` : '';
}

/** The claim key of one unique of a row, `<claim>#<value>[#<with value>…]`, or null when the row leaves it empty. */
export function claimKey(model: ModelMeta, unique: UniqueSpec, row: RowInput): string | null {
  const value = cellOf(row, unique.field);
  if (value.trim() === '') return null;
  return [unique.claim, normalizeUnique(value, unique.normalize), ...unique.with.map((w) => withValue(model, row, w))].join('#');
}

/** Every claim key a (valid) row would take: one per @unique of the model that the row fills. */
export function claimKeys(model: ModelMeta, row: RowInput): string[] {
  const keys: string[] = [];
  for (const u of model.uniques) {
    const key = claimKey(model, u, row);
    if (key !== null) keys.push(key);
  }
  return keys;
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
