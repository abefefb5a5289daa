/**
 * Reading a ZIP archive (an .xlsx workbook) from a `ByteSource` — a stream that can be opened
 * again, but not read at random — with memory flat in the archive's size.
 *
 * A ZIP's directory is at its end, so one pass (`readZipDirectory`) reads to the end keeping only
 * the last bytes, and takes every entry's offset and sizes from the central directory. Later
 * passes (`zipEntryChunks`) skip to the entries wanted and inflate them (fflate's streaming
 * `Inflate`, plain JavaScript, so the browser bundle uses the same code), checking each entry's
 * CRC-32 and size. Sizes come from the central directory, never from the local headers or data
 * descriptors, so entries written with data descriptors (streaming writers) need no guessing.
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { Inflate } from 'fflate';
import type { ByteSource } from './reader';

export type ZipProblem = 'NOT_ZIP' | 'TRUNCATED' | 'DAMAGED' | 'ENCRYPTED' | 'UNSUPPORTED';

/** The archive cannot be read; `entry` names the entry concerned, when there is one. */
export class ZipError extends Error {
  override name = 'ZipError';
  constructor(
    readonly problem: ZipProblem,
    message: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (the only two an .xlsx uses). */
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localOffset: number;
}

/** What the directory pass learnt. */
export interface ZipDirectory {
  /** Entries in archive order (by local header offset). */
  entries: ZipEntry[];
  bytes: number;
}

/** Bytes kept from the end of the archive for the directory; a bigger directory is read in a pass of its own. */
const TAIL_BYTES = 1024 * 1024;
/** The most entries read (an .xlsx has tens; a million-entry "workbook" is an attack on memory). */
const MAX_ENTRIES = 65_535;
/** Inflate input fed at once: deflate expands at most ~1,032×, so one step makes at most ~16 MB. */
const INFLATE_STEP = 16 * 1024;

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 2 ** 32;

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The bytes `from`–`to` (exclusive) of one read of `source`. */
async function readRange(source: ByteSource, from: number, to: number): Promise<Uint8Array> {
  const out = new Uint8Array(to - from);
  let pos = 0;
  for await (const chunk of source()) {
    const end = pos + chunk.byteLength;
    if (end > from && pos < to) {
      const a = Math.max(from, pos);
      const b = Math.min(to, end);
      out.set(chunk.subarray(a - pos, b - pos), a - from);
    }
    pos = end;
  }
  if (pos < to) throw new ZipError('TRUNCATED', 'the archive ends before its directory does');
  return out;
}

/**
 * One pass over the whole archive: finds the end-of-central-directory record (ZIP64 too) in the
 * last bytes and parses the central directory. `onChunk` sees every byte (for hashing).
 */
export async function readZipDirectory(source: ByteSource, onChunk?: (chunk: Uint8Array) => void): Promise<ZipDirectory> {
  let tail: Uint8Array[] = [];
  let tailBytes = 0;
  let total = 0;
  let head = -1;
  for await (const chunk of source()) {
    onChunk?.(chunk);
    if (total === 0 && chunk.byteLength >= 4) head = u32(chunk, 0);
    total += chunk.byteLength;
    tail.push(chunk);
    tailBytes += chunk.byteLength;
    while (tail.length > 1 && tailBytes - tail[0]!.byteLength >= TAIL_BYTES) tailBytes -= tail.shift()!.byteLength;
  }
  const end = concat(tail);
  tail = [];
  const endStart = total - end.byteLength;
  // The EOCD record is 22 bytes plus a comment of up to 65,535.
  let eocd = -1;
  for (let i = end.byteLength - 22; i >= Math.max(0, end.byteLength - 22 - 65_535); i--) {
    if (u32(end, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    if (head !== 0x04034b50) throw new ZipError('NOT_ZIP', 'this is not a ZIP archive');
    throw new ZipError('TRUNCATED', 'the end of the ZIP archive (its central directory) is missing: the file is cut short or damaged');
  }
  let count = u16(end, eocd + 10);
  let cdSize = u32(end, eocd + 12);
  let cdOffset = u32(end, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(end, locator) !== 0x07064b50) throw new ZipError('DAMAGED', 'the ZIP64 end-of-directory locator is missing');
    const at = u64(end, locator + 8) - endStart;
    if (at < 0 || at + 56 > end.byteLength || u32(end, at) !== 0x06064b50) throw new ZipError('DAMAGED', 'the ZIP64 end-of-directory record is missing');
    count = u64(end, at + 32);
    cdSize = u64(end, at + 40);
    cdOffset = u64(end, at + 48);
  }
  if (count > MAX_ENTRIES) throw new ZipError('UNSUPPORTED', `the archive holds ${count.toLocaleString('en-US')} entries; a workbook has far fewer`);
  if (cdOffset + cdSize > total) throw new ZipError('TRUNCATED', 'the central directory points past the end of the file: the file is cut short or damaged');
  const cd = cdOffset >= endStart ? end.subarray(cdOffset - endStart, cdOffset - endStart + cdSize) : await readRange(source, cdOffset, cdOffset + cdSize);

  const entries: ZipEntry[] = [];
  let i = 0;
  for (let n = 0; n < count; n++) {
    if (i + 46 > cd.byteLength || u32(cd, i) !== 0x02014b50) throw new ZipError('DAMAGED', 'the central directory is damaged');
    const flags = u16(cd, i + 8);
    const nameLength = u16(cd, i + 28);
    const extraLength = u16(cd, i + 30);
    const commentLength = u16(cd, i + 32);
    const nameBytes = cd.subarray(i + 46, i + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    let size = u32(cd, i + 24);
    let compressedSize = u32(cd, i + 20);
    let localOffset = u32(cd, i + 42);
    // ZIP64 extended information: the 8-byte values of the fields that are 0xFFFFFFFF, in this order.
    const extra = cd.subarray(i + 46 + nameLength, i + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.byteLength; ) {
      const id = u16(extra, e);
      const len = u16(extra, e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (size === 0xffffffff) {
          size = u64(extra, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(extra, f);
          f += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(extra, f);
      }
      e += 4 + len;
    }
    entries.push({ name, method: u16(cd, i + 10), flags, compressedSize, size, crc32: u32(cd, i + 16), localOffset });
    i += 46 + nameLength + extraLength + commentLength;
  }
  entries.sort((a, b) => a.localOffset - b.localOffset);
  for (let k = 1; k < entries.length; k++) {
    // Entries sharing or overlapping bytes are how "zip bombs" multiply one compressed block.
    if (entries[k]!.localOffset < entries[k - 1]!.localOffset + 30 + entries[k - 1]!.compressedSize) throw new ZipError('DAMAGED', 'two entries of the archive overlap');
  }
  return { entries, bytes: total };
}

/** CRC-32 (IEEE) tables for slicing by 4 bytes at a time. */
const CRC_TABLES = (() => {
  const t = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

function crc32(crc: number, bytes: Uint8Array): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  for (; i + 4 <= n; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A piece of a wanted entry's uncompressed bytes; `last` on the entry's final piece (which may be empty). */
export interface EntryChunk {
  entry: ZipEntry;
  data: Uint8Array;
  last: boolean;
}

/**
 * One pass over the archive, yielding the uncompressed bytes of the entries `want` accepts.
 * `want` is asked when the pass reaches an entry, so it can decide from the entries read before.
 * The pass reads the source to its end (a caller recording the bytes sees all of them), unless the
 * consumer stops early.
 */
export async function* zipEntryChunks(source: ByteSource, directory: ZipDirectory, want: (entry: ZipEntry) => boolean): AsyncGenerator<EntryChunk> {
  const entries = directory.entries;
  let k = 0;
  let pos = 0;
  // Per entry: 'skip' (before its local header), 'header' (collecting it), 'data', then the next entry.
  let state: 'skip' | 'header' | 'data' | 'done' = entries.length ? 'skip' : 'done';
  let header: Uint8Array[] = [];
  let headerBytes = 0;
  let headerNeed = 30;
  let dataLeft = 0;
  let wanted = false;
  let inflate: Inflate | null = null;
  let out: Uint8Array[] = [];
  let crc = 0;
  let produced = 0;

  const damaged = (entry: ZipEntry, why: string) => new ZipError('DAMAGED', `${entry.name} is damaged (${why})`, entry.name);
  const finish = (entry: ZipEntry): EntryChunk => {
    if (produced !== entry.size) throw damaged(entry, `${produced.toLocaleString('en-US')} bytes where the directory says ${entry.size.toLocaleString('en-US')}`);
    if (crc !== entry.crc32) throw damaged(entry, 'its CRC-32 checksum does not match');
    return { entry, data: new Uint8Array(0), last: true };
  };
  const take = (entry: ZipEntry, data: Uint8Array) => {
    crc = crc32(crc, data);
    produced += data.byteLength;
    if (produced > entry.size) throw damaged(entry, 'it inflates to more bytes than the directory says');
    out.push(data);
  };
  const startEntry = (entry: ZipEntry) => {
    wanted = want(entry);
    crc = 0;
    produced = 0;
    inflate = null;
    if (!wanted) return;
    if (entry.flags & 1) throw new ZipError('ENCRYPTED', `${entry.name} is encrypted`, entry.name);
    if (entry.method === 8) {
      inflate = new Inflate((data) => take(entry, data));
    } else if (entry.method !== 0) {
      throw new ZipError('UNSUPPORTED', `${entry.name} is compressed with method ${entry.method}, which Foreman does not read (only stored and deflated entries)`, entry.name);
    }
  };
  const push = (entry: ZipEntry, bytes: Uint8Array, final: boolean) => {
    if (!inflate) {
      take(entry, bytes);
      return;
    }
    try {
      inflate.push(bytes, final);
    } catch (error) {
      if (error instanceof ZipError) throw error;
      throw damaged(entry, `its compressed data is invalid: ${(error as Error).message}`);
    }
  };

  for await (const chunk of source()) {
    let at = 0;
    while (at < chunk.byteLength && state !== 'done') {
      const entry = entries[k]!;
      if (state === 'skip') {
        const skip = Math.min(entry.localOffset - (pos + at), chunk.byteLength - at);
        at += skip;
        if (pos + at === entry.localOffset) {
          state = 'header';
          header = [];
          headerBytes = 0;
          headerNeed = 30;
        }
      } else if (state === 'header') {
        const piece = chunk.subarray(at, at + (headerNeed - headerBytes));
        header.push(piece);
        headerBytes += piece.byteLength;
        at += piece.byteLength;
        if (headerBytes === headerNeed) {
          const h = concat(header);
          if (u32(h, 0) !== 0x04034b50) throw damaged(entry, 'its local header is missing');
          const full = 30 + u16(h, 26) + u16(h, 28);
          if (headerNeed < full) {
            header = [h];
            headerNeed = full;
            continue;
          }
          state = 'data';
          dataLeft = entry.compressedSize;
          startEntry(entry);
          if (dataLeft === 0) {
            if (wanted) {
              if (inflate) push(entry, new Uint8Array(0), true);
              yield* out.map((data) => ({ entry, data, last: false }));
              out = [];
              yield finish(entry);
            }
            k++;
            state = k < entries.length ? 'skip' : 'done';
          }
        }
      } else {
        // A wanted entry is inflated a step at a time, each step's output yielded before the next.
        const n = Math.min(dataLeft, chunk.byteLength - at, wanted ? INFLATE_STEP : Infinity);
        const piece = chunk.subarray(at, at + n);
        at += n;
        dataLeft -= n;
        if (wanted) {
          push(entry, piece, dataLeft === 0);
          const pieces = out;
          out = [];
          for (const data of pieces) yield { entry, data, last: false };
          if (dataLeft === 0) yield finish(entry);
        }
        if (dataLeft === 0) {
          k++;
          state = k < entries.length ? 'skip' : 'done';
        }
      }
    }
    pos += chunk.byteLength;
  }
  if (state !== 'done') {
    const entry = entries[k]!;
    throw new ZipError('TRUNCATED', `the file ends inside ${entry.name}: it is cut short or damaged`, entry.name);
  }
}
