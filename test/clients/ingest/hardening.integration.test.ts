/**
 * Issue 12's failure modes, reproduced against the real local stack (APPSYNC_JS resolvers over
 * DynamoDB Local): a file swapped between scan and send, very wide rejected rows, mixed line
 * endings, and which row owns a repeated email under concurrency.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from '../../../clients/api/client';
import { GetIngestionDocument } from '../../../clients/api/generated';
import { ingestFile, type IngestOptions, type IngestSummary } from '../../../clients/ingest';
import { fileSource, nodeSha256 } from '../../../clients/ingest/node';
import { scanTable, startTestStack, type TestStack, stackClients } from '../../helpers/localStack';
import { generateCustomers } from '../../bench/generate';

let stack: TestStack;
let client: GraphQLClient;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  client = stackClients(stack).api;
  dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-hardening-'));
});
afterAll(() => stack?.stop());

function ingest(file: string, extra: Partial<IngestOptions> = {}): Promise<IngestSummary> {
  return ingestFile({ fileName: file, source: fileSource(file), createHasher: nodeSha256, client, batchSize: 49, concurrency: 4, ...extra });
}

async function customersOf(domain: string): Promise<Record<string, unknown>[]> {
  return (await scanTable(stack, stack.tableNames.Customers)).filter((c) => String(c.email).endsWith(`@${domain}`));
}

describe('the bytes scanned are the bytes sent', () => {
  it('stops when the file is replaced between scan and send, writes nothing of the new file, and resumes with the original', async () => {
    const file = path.join(dir, 'swap.csv');
    const original = path.join(dir, 'swap-original.csv');
    const other = path.join(dir, 'swap-other.csv');
    await generateCustomers(original, 3000, { domain: 'swap-a.example' });
    await generateCustomers(other, 3000, { domain: 'swap-b.example' });
    copyFileSync(original, file);

    // WHEN the file is replaced on disk right after the scan (as `mv other file` would)
    const first = await ingest(file, { verifyBlockBytes: 64 * 1024, onScanned: () => copyFileSync(other, file) });
    // THEN the run stops, nothing is finished and no row of the other file was written
    expect(first.outcome).toBe('FAILED');
    expect(first.failureCode).toBe('FILE_CHANGED');
    expect(first.failure).toContain('changed while it was being ingested: bytes 0–65,535 differ from the bytes that were scanned');
    expect(first.created + first.duplicates + first.invalid).toBe(0);
    expect(first.unsent).toBe(3000);
    expect(await customersOf('swap-b.example')).toHaveLength(0);
    expect(await customersOf('swap-a.example')).toHaveLength(0);
    const open = await client.request(GetIngestionDocument, { id: first.ingestionId! });
    expect(open.getIngestion?.status).toBe('RUNNING');
    expect(open.getIngestion?.sha256).toBe(first.sha256);

    // The original bytes again: the same ingestion resumes and completes.
    copyFileSync(original, file);
    const again = await ingest(file);
    expect(again.ingestionId).toBe(first.ingestionId);
    expect(again.resumed).toBe(true);
    expect(again.outcome).toBe('COMPLETED');
    expect(again.created).toBe(3000);
    expect(await customersOf('swap-a.example')).toHaveLength(3000);
    // The other file is other bytes: a new ingestion of its own.
    const b = await ingest(other);
    expect(b.ingestionId).not.toBe(first.ingestionId);
    expect(b.created).toBe(3000);
  }, 180_000);

  it('sends only the verified blocks when the file changes in the middle of the send', async () => {
    const file = path.join(dir, 'midswap.csv');
    const original = path.join(dir, 'midswap-original.csv');
    await generateCustomers(original, 3000, { domain: 'mid-a.example' });
    copyFileSync(original, file);
    let opens = 0;
    const disk = fileSource(file, 16 * 1024);
    // The send pass (third open) sees the file rewritten after its first 100 KiB: a writer mid-way.
    const source = () => {
      opens++;
      if (opens < 3) return disk();
      return (async function* () {
        let at = 0;
        for await (const chunk of disk()) {
          const bytes = Buffer.from(chunk);
          if (at >= 100 * 1024) bytes.write('X', 0);
          at += bytes.length;
          yield bytes;
        }
      })();
    };
    const s = await ingest(file, { source, verifyBlockBytes: 32 * 1024 });
    expect(s.outcome).toBe('FAILED');
    expect(s.failureCode).toBe('FILE_CHANGED');
    // The first changed byte is at 100 KiB, in block 3 (96–128 KiB).
    expect(s.failure).toContain('bytes 98,304–131,071 differ');
    const stored = await customersOf('mid-a.example');
    expect(stored.length).toBe(s.created);
    expect(s.created).toBeGreaterThan(0);
    // Every stored row lies wholly within the verified first 96 KiB of the file.
    const bytes = readFileSync(original);
    const verifiedRows = bytes.subarray(0, 96 * 1024).toString().split('\n').length - 2; // minus the header and the cut line
    const numbers = stored.map((c) => Number(/customer(\d+)@/.exec(String(c.email))![1]));
    expect(Math.max(...numbers)).toBeLessThan(verifiedRows);
    const server = await client.request(GetIngestionDocument, { id: s.ingestionId! });
    expect(server.getIngestion?.status).toBe('RUNNING');
    expect(server.getIngestion?.created).toBe(s.created);
  }, 120_000);
});
