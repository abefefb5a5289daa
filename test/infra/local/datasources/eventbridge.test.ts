// The EventBridge data source: PutEvents request objects (resolver-reference-eventbridge-js.html)
// recorded as rule targets receive events, answered with PutEvents' result shape
// (`Entries` in request order, `FailedEntryCount`), written to an NDJSON log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestObjectError } from '../../../../infra/local/datasources';
import { createEventBridgeDataSource } from '../../../../infra/local/datasources/eventbridge';
import type { DataSourceCall } from '../../../../infra/local/datasources/types';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function source(dataDir: string | null = null) {
  return createEventBridgeDataSource({ name: 'Events', kind: 'AMAZON_EVENTBRIDGE' }, { root: '.', dataDir, tableNames: {}, dynamodb: () => null });
}
const call = (request: unknown) => ({ request, field: 'Mutation.x', context: {} as DataSourceCall['context'] });

describe('EventBridge data source', () => {
  it('records each event in the envelope a rule target receives and answers one EventId per entry', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eb-'));
    dirs.push(dataDir);
    const events = source(dataDir);
    const outcome = await events.invoke(
      call({
        operation: 'PutEvents',
        events: [
          { source: 'foreman.ingestion', detailType: 'IngestionFinished', detail: { ingestionId: 'i-1', created: 3 } },
          { source: 'foreman.ingestion', detailType: 'IngestionFailed', detail: { ingestionId: 'i-2' }, resources: ['arn:aws:s3:::b/k'], time: '2026-01-02T03:04:05Z' },
        ],
      }),
    );
    expect(outcome.error).toBeNull();
    const result = outcome.result as { Entries: { EventId: string }[]; FailedEntryCount: number };
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(2);
    const recorded = events.events();
    expect(recorded.map((e) => e.id)).toEqual(result.Entries.map((e) => e.EventId));
    expect(recorded[1]).toMatchObject({
      version: '0',
      'detail-type': 'IngestionFailed',
      source: 'foreman.ingestion',
      time: '2026-01-02T03:04:05Z',
      resources: ['arn:aws:s3:::b/k'],
      detail: { ingestionId: 'i-2' },
    });
    // The log holds the same events, one JSON object a line.
    const lines = readFileSync(path.join(dataDir, 'eventbridge', 'Events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(result.Entries.map((e) => e.EventId));
  });

  it('answers a failed entry in place (ErrorCode, ErrorMessage) and counts it, recording only the good ones', async () => {
    const events = source();
    const outcome = await events.invoke(
      call({ operation: 'PutEvents', events: [{ detailType: 'NoSource', detail: {} }, { source: 's', detailType: 'Ok', detail: {} }] }),
    );
    const result = outcome.result as { Entries: Record<string, string>[]; FailedEntryCount: number };
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('Source') as string });
    expect(result.Entries[1]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.events()).toHaveLength(1);
  });

  it('refuses more than 10 entries, as PutEvents does, in ctx.error and records nothing', async () => {
    const events = source();
    const many = Array.from({ length: 11 }, () => ({ source: 's', detailType: 'd', detail: {} }));
    const outcome = await events.invoke(call({ operation: 'PutEvents', events: many }));
    expect(outcome.result).toBeNull();
    expect(outcome.error?.type).toBe('ValidationException');
    expect(events.events()).toEqual([]);
  });

  it('refuses a request object that is not PutEvents', async () => {
    await expect(source().invoke(call({ operation: 'PutEvent', events: [] }))).rejects.toBeInstanceOf(RequestObjectError);
    await expect(source().invoke(call({ operation: 'PutEvents', events: [] }))).rejects.toThrow(/non-empty/);
  });
});
