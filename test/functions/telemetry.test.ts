/** The Lambdas' batch latency metric covers every model's import mutation, none hand-listed. */
import { describe, expect, it } from 'vitest';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { GetIngestionDocument, RecordRejectedRowsDocument } from '../../clients/api/generated';
import { IMPORT_DOCUMENTS } from '../../clients/api/imports';
import { MODELS } from '../../clients/ingest';
import { BATCH_OPERATIONS, METRIC, timedClient } from '../../functions/telemetry';
import { fakeClient } from './csv-processor/fakes';

describe('timedClient', () => {
  it('knows the import mutation of every model and recordRejectedRows as batches', () => {
    expect([...BATCH_OPERATIONS].sort()).toEqual([...MODELS.map((m) => m.importField.charAt(0).toUpperCase() + m.importField.slice(1)), 'RecordRejectedRows'].sort());
  });

  it('records the round trip of an invoice batch as BatchLatency, and nothing for other operations', async () => {
    const added: [string, number][] = [];
    const metrics = { addMetric: (name: string, _unit: unknown, value: number) => void added.push([name, value]) } as unknown as Metrics;
    let t = 0;
    const client = timedClient(fakeClient({ ImportInvoices: () => ({ importInvoices: {} }), GetIngestion: () => ({ getIngestion: null }), RecordRejectedRows: () => ({ recordRejectedRows: {} }) }), metrics, () => (t += 25));
    await client.request(IMPORT_DOCUMENTS.INVOICE, { input: { ingestionId: 'i', batchNumber: 1, rows: [] } });
    await client.request(GetIngestionDocument, { id: 'i' });
    await client.request(RecordRejectedRowsDocument, { input: { ingestionId: 'i', batchNumber: 2, rows: [] } });
    expect(added).toEqual([
      [METRIC.batchLatency, 25],
      [METRIC.batchLatency, 25],
    ]);
  });
});
