/**
 * The seam (./engine) implemented by Foreman's ingestion engine, clients/ingest.
 */
import { ingestFile, inspectFile } from '../../clients/ingest';
import { nodeSha256 } from '../../clients/ingest/node';
import type { ModelName } from '../../clients/api/generated';
import type { IngestionEngine } from './engine';

const MODEL_NAMES: Record<string, ModelName> = { customer: 'CUSTOMER', project: 'PROJECT' };

export class UnknownEngineOutcomeError extends Error {
  override name = 'UnknownEngineOutcomeError';
}

export const ingestEngine: IngestionEngine = {
  async run({ source, fileName, client }) {
    const s = await ingestFile({ fileName, source, createHasher: nodeSha256, client, sourceKind: 'S3' });
    const model = MODEL_NAMES[s.model]!;
    const counts = { rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid, alreadyImported: s.alreadyImported };
    if (s.outcome === 'DUPLICATE_FILE' && s.duplicateOf) {
      return { outcome: 'DUPLICATE', ingestionId: s.duplicateOf.ingestionId, sha256: s.sha256, model, status: s.duplicateOf.status === 'FAILED' ? 'FAILED' : 'COMPLETED', ...counts };
    }
    if (!s.ingestionId) {
      // Sending failed before the server answered startIngestion: nothing was claimed, worth a retry.
      throw new UnknownEngineOutcomeError(`${fileName}: the ingestion could not be started: ${s.failure ?? s.outcome}`);
    }
    return {
      outcome: s.resumed ? 'RESUMED' : 'STARTED',
      ingestionId: s.ingestionId,
      sha256: s.sha256,
      model,
      status: s.outcome === 'COMPLETED' ? 'COMPLETED' : 'FAILED',
      failureReason: s.failure,
      ...counts,
    };
  },
  async plan(head, fileName) {
    const inspection = await inspectFile(
      async function* () {
        yield head;
      },
      { fileName, previewRows: 1 },
    );
    return { model: MODEL_NAMES[inspection.model.key]!, delimiter: inspection.format.delimiter, encoding: inspection.format.encoding };
  },
};
