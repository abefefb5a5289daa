/**
 * The engine's Node edges: a file as a `ByteSource` and SHA-256 from `node:crypto`.
 * Everything else in clients/ingest runs in a browser as well.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ByteSource, Hasher } from './reader';
import type { Sha256Digest } from './savedMappings';

/** Reads `path` in 256 KiB chunks, each time the source is opened. */
export function fileSource(path: string, chunkBytes = 256 * 1024): ByteSource {
  return () => createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Uint8Array>;
}

/** Streamed SHA-256 (lower-case hex) from node:crypto. */
export function nodeSha256(): Hasher {
  const hash = createHash('sha256');
  return {
    update: (bytes) => void hash.update(bytes),
    digest: () => hash.digest('hex'),
  };
}

/** SHA-256 of some bytes (lower-case hex) from node:crypto: the CLI's `Sha256Digest` for mapping fingerprints. */
export const nodeDigest: Sha256Digest = async (bytes) => createHash('sha256').update(bytes).digest('hex');
