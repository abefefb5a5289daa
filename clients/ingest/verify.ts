/**
 * "The bytes you scanned are the bytes you send": the scan records a SHA-256 of every 1 MiB block
 * of the file; the send pass hashes the same blocks again and holds each block back until its
 * digest matches, so no row from changed bytes ever reaches a batch. A file replaced, edited or
 * truncated between the passes stops the send with FileChangedError at the first block that
 * differs. Memory: one digest per MiB (64 bytes of hex) and one block in hand.
 */
import { FileChangedError } from './errors';
import type { ByteSource, Hasher } from './reader';

/** Bytes per verified block. */
export const VERIFY_BLOCK_BYTES = 1024 * 1024;

/** What the scan pass learnt about the bytes: one digest per block and the total length. */
export interface ScannedBlocks {
  digests: string[];
  bytes: number;
}

/** Cuts a stream of chunks into fixed-size blocks, calling `onBlock` with each block's pieces (the last block may be shorter). */
async function* blocks(source: AsyncIterable<Uint8Array>, blockBytes: number): AsyncGenerator<Uint8Array[]> {
  let pieces: Uint8Array[] = [];
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.byteLength) {
      const take = Math.min(blockBytes - filled, chunk.byteLength - at);
      pieces.push(at === 0 && take === chunk.byteLength ? chunk : chunk.subarray(at, at + take));
      filled += take;
      at += take;
      if (filled === blockBytes) {
        yield pieces;
        pieces = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pieces;
}

function digestOf(pieces: Uint8Array[], createHasher: () => Hasher): string {
  const h = createHasher();
  for (const p of pieces) h.update(p);
  return h.digest();
}

/**
 * Passes `source`'s chunks through unchanged while recording each block's digest into `into`
 * (the scan pass).
 */
export function recordingSource(source: ByteSource, createHasher: () => Hasher, into: ScannedBlocks, blockBytes = VERIFY_BLOCK_BYTES): ByteSource {
  return async function* () {
    into.digests.length = 0;
    into.bytes = 0;
    for await (const pieces of blocks(source(), blockBytes)) {
      into.digests.push(digestOf(pieces, createHasher));
      for (const p of pieces) {
        into.bytes += p.byteLength;
        yield p;
      }
    }
  };
}

/**
 * Yields `source`'s bytes one verified block at a time (the send pass): a block whose digest differs
 * from the scan's, bytes beyond the scanned length, or a file that ends early throw FileChangedError
 * before any byte of the offending block is passed on.
 */
export function verifyingSource(source: ByteSource, createHasher: () => Hasher, scanned: ScannedBlocks, fileName: string, blockBytes = VERIFY_BLOCK_BYTES): ByteSource {
  return async function* () {
    let index = 0;
    let offset = 0;
    for await (const pieces of blocks(source(), blockBytes)) {
      let length = 0;
      for (const p of pieces) length += p.byteLength;
      const expected = scanned.digests[index];
      if (expected === undefined) {
        throw new FileChangedError(fileName, `it has grown: it now holds more than the ${scanned.bytes.toLocaleString('en-US')} bytes that were scanned`, offset);
      }
      if (digestOf(pieces, createHasher) !== expected) {
        throw new FileChangedError(fileName, `bytes ${offset.toLocaleString('en-US')}–${(offset + length - 1).toLocaleString('en-US')} differ from the bytes that were scanned`, offset);
      }
      offset += length;
      index++;
      yield* pieces;
    }
    if (offset !== scanned.bytes) {
      throw new FileChangedError(fileName, `it has shrunk: it now ends after ${offset.toLocaleString('en-US')} of the ${scanned.bytes.toLocaleString('en-US')} bytes that were scanned`, offset);
    }
  };
}
