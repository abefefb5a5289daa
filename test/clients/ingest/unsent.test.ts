/** Where the rows not sent are (`unsentRows`), when sending fails or is stopped. */
import { describe, expect, it } from 'vitest';
import { ingestFile, type IngestOptions } from '../../../clients/ingest';
import { nodeSha256 } from '../../../clients/ingest/node';
import { FakeServer, bytesSource } from './fakeServer';

function customers(n: number, blankAfter = -1): string {
  let s = 'email,name\n';
  for (let i = 0; i < n; i++) s += `c${i}@u.example,Customer ${i}\n${i === blankAfter ? '\n' : ''}`;
  return s;
}

function run(server: FakeServer, text: string, opts: Partial<IngestOptions> = {}) {
  const created: number[] = [];
  const promise = ingestFile({ fileName: 'u.csv', source: bytesSource(text, 64), createHasher: nodeSha256, client: server.client(), sleep: async () => undefined, onCreated: (row) => created.push(row), ...opts });
  return promise.then((summary) => ({ summary, created }));
}

describe('unsentRows', () => {
  it('is empty when every row was accounted for', async () => {
    const { summary } = await run(new FakeServer(), customers(30), { batchSize: 10 });
    expect(summary).toMatchObject({ outcome: 'COMPLETED', unsent: 0, unsentRows: [] });
  });

  it('spans the failed batch, the one waiting behind it and the rows never read', async () => {
    const server = new FakeServer();
    server.failNext = 1000;
    const { summary } = await run(server, customers(25), { batchSize: 10, concurrency: 1, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    // Data rows are spreadsheet rows 2–26; none was written.
    expect(summary).toMatchObject({ outcome: 'FAILED', unsent: 25, unsentRows: [{ from: 2, to: 26 }] });
  });

  it('with the created rows, covers every row once after a stop (blank lines are not rows)', async () => {
    const server = new FakeServer();
    const ac = new AbortController();
    // A blank line after the 40th customer (row 41): rows 2–41, then 43–102.
    const { summary, created } = await run(server, customers(100, 39), {
      batchSize: 10,
      concurrency: 1,
      signal: ac.signal,
      // A clock that moves 200 ms per reading, so that no progress report is throttled away.
      now: (() => {
        let t = 0;
        return () => (t += 200);
      })(),
      onProgress: (p) => {
        if (p.phase === 'send' && p.batches >= 3) ac.abort();
      },
    });
    expect(summary.outcome).toBe('FAILED');
    expect(summary.created).toBe(created.length);
    const unsent = summary.unsentRows.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)).filter((row) => row !== 42);
    const all = [...Array.from({ length: 40 }, (_, i) => i + 2), ...Array.from({ length: 60 }, (_, i) => i + 43)];
    expect([...created, ...unsent].sort((a, b) => a - b)).toEqual(all);
    expect(unsent).toHaveLength(summary.unsent);
  });
});
