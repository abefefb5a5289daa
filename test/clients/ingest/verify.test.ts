/**
 * The scan/send byte check (clients/ingest/verify): blocks recorded while scanning, each block of
 * the send pass held back until its digest matches.
 */
import { describe, expect, it } from 'vitest';
import { FileChangedError, recordingSource, verifyingSource, type ScannedBlocks } from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { bytesSource } from './fakeServer';

async function collect(source: () => AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of source()) parts.push(Buffer.from(c));
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
  return { bytes: Buffer.concat(parts) };
}

const text = 'email,name\n' + Array.from({ length: 300 }, (_, i) => `c${i}@x.example,Customer ${i}`).join('\n') + '\n';

async function scanned(data: string, block: number, chunk = 7): Promise<ScannedBlocks> {
  const into: ScannedBlocks = { digests: [], bytes: 0 };
  const { bytes } = await collect(recordingSource(bytesSource(data, chunk), nodeSha256, into, block));
  // The recording pass hands on exactly the bytes it read.
  expect(bytes.toString()).toBe(data);
  return into;
}

describe('verifying the send pass against the scan', () => {
  it('passes the same bytes through, whatever the chunking on either pass', async () => {
    const blocks = await scanned(text, 256, 7);
    expect(blocks.bytes).toBe(Buffer.byteLength(text));
    // ceil(bytes / 256) blocks
    expect(blocks.digests).toHaveLength(Math.ceil(Buffer.byteLength(text) / 256));
    const { bytes, error } = await collect(verifyingSource(bytesSource(text, 1000), nodeSha256, blocks, 'c.csv', 256));
    expect(error).toBeUndefined();
    expect(bytes.toString()).toBe(text);
  });

  it('stops at the first changed block and passes on nothing of it', async () => {
    const blocks = await scanned(text, 256);
    // One byte changed at offset 600: block 2 (bytes 512–767) differs.
    const changed = text.slice(0, 600) + (text[600] === 'x' ? 'y' : 'x') + text.slice(601);
    const { bytes, error } = await collect(verifyingSource(bytesSource(changed, 13), nodeSha256, blocks, 'c.csv', 256));
    expect(error).toBeInstanceOf(FileChangedError);
    expect((error as FileChangedError).offset).toBe(512);
    expect((error as Error).message).toBe('c.csv changed while it was being ingested: bytes 512–767 differ from the bytes that were scanned');
    // Only the two verified blocks went through.
    expect(bytes.length).toBe(512);
    expect(bytes.toString()).toBe(text.slice(0, 512));
  });

  it('refuses a file that grew or shrank after the scan', async () => {
    const blocks = await scanned(text, 256);
    const grown = await collect(verifyingSource(bytesSource(text + 'c999@x.example,Late\n'), nodeSha256, blocks, 'c.csv', 256));
    expect(grown.error).toBeInstanceOf(FileChangedError);
    // The last (partial) block now holds more bytes, so its digest differs.
    expect((grown.error as FileChangedError).offset).toBe(Math.floor(Buffer.byteLength(text) / 256) * 256);

    // A file cut exactly at a block boundary: every block it still has matches, yet it is short.
    const cut = text.slice(0, 512);
    const shrunk = await collect(verifyingSource(bytesSource(cut), nodeSha256, blocks, 'c.csv', 256));
    expect(shrunk.error).toBeInstanceOf(FileChangedError);
    expect((shrunk.error as Error).message).toMatch(/it has shrunk: it now ends after 512 of the [\d,]+ bytes that were scanned/);

    // A file that grew by whole blocks beyond the scanned length.
    const exact = text.slice(0, 512);
    const small = await scanned(exact, 256);
    const longer = await collect(verifyingSource(bytesSource(exact + exact), nodeSha256, small, 'c.csv', 256));
    expect((longer.error as Error).message).toMatch(/it has grown: it now holds more than the 512 bytes that were scanned/);
    expect(longer.bytes.length).toBe(512);
  });
});
