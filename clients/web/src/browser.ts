/**
 * The engine's browser edges (the counterpart of clients/ingest/node.ts): a picked or dropped
 * `File` as a re-openable `ByteSource`, and a streaming SHA-256.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { ByteSource, Hasher } from '../../ingest/reader';

/**
 * Reads a `Blob` (a `File`) chunk by chunk each time the source is opened, so a file of any size is
 * never held in memory at once. Uses `getReader()` rather than async iteration of the stream,
 * which not every browser offers.
 */
export function blobSource(blob: Blob): ByteSource {
  return async function* read() {
    const reader = blob.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value && value.byteLength) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  };
}

/**
 * Streamed SHA-256 (lower-case hex). WebCrypto's `subtle.digest` only hashes a whole buffer at
 * once, so the streaming JavaScript implementation the typed client already ships is used.
 */
export function browserSha256(): Hasher {
  const hash = new Sha256();
  return {
    update: (bytes) => hash.update(bytes),
    digest: () => Array.from(hash.digestSync(), (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}
