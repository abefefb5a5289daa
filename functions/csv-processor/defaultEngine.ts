/**
 * The seam (./engine) implemented by Foreman's ingestion engine, clients/ingest.
 */
import { FileChangedError, FileProblemError, describeFileKind, ingestFile, inspectFile, modelByKey, readRecords } from '../../clients/ingest';
import { nodeSha256 } from '../../clients/ingest/node';
import type { ModelName } from '../../clients/api/generated';
import type { ModelKey } from '../../clients/ingest/models';
import type { IngestionEngine } from './engine';

export class UnknownEngineOutcomeError extends Error {
  override name = 'UnknownEngineOutcomeError';
}

export const ingestEngine: IngestionEngine = {
  async run({ source, fileName, client, owner, model: confirmed, mapping }) {
    const forced = confirmed ? (modelByKey(confirmed)?.key as ModelKey | undefined) : undefined;
    const s = await ingestFile({ fileName, source, createHasher: nodeSha256, client, sourceKind: 'S3', owner, model: forced, mapping });
    // Any model in MODELS: the engine detected it from the headers.
    const model = modelByKey(s.model)!.apiName as ModelName;
    const counts = { rows: s.rows, created: s.created, duplicates: s.duplicates, invalid: s.invalid, alreadyImported: s.alreadyImported };
    if (s.outcome === 'DUPLICATE_FILE' && s.duplicateOf) {
      return { outcome: 'DUPLICATE', ingestionId: s.duplicateOf.ingestionId, sha256: s.sha256, model, status: s.duplicateOf.status === 'FAILED' ? 'FAILED' : 'COMPLETED', ...counts };
    }
    if (s.failureCode === 'FILE_CHANGED') {
      // The object changed under the run: the processor leaves it for the new upload's event.
      throw new FileChangedError(fileName, `its bytes differ from those scanned; nothing of the new bytes was sent (ingestion ${s.ingestionId ?? '?'} stays open for the scanned ones)`, null, s.ingestionId);
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
  async scan(source, fileName, maxRagged) {
    // Model and format from the first rows (throws for empty, header-only, unknown model, …).
    const inspection = await inspectFile(source, { fileName, previewRows: 1, createHasher: nodeSha256 });
    const kind = describeFileKind(inspection.format);
    if (kind) {
      // The Distributed Map reads rows with Step Functions' CSV reader.
      throw new FileProblemError(
        'UNSUPPORTED_FORMAT',
        fileName,
        `files above the processor's size threshold (FOREMAN_LARGE_FILE_BYTES) are read by Step Functions' CSV reader, which reads CSV only, and this is ${inspection.format.kind === 'xlsx' ? 'an' : 'a'} ${kind.split(',')[0]}. Save it as CSV (UTF-8, comma-separated) or split it into smaller files, and upload it again.`,
      );
    }
    const hasher = nodeSha256();
    let hasBackslash = false;
    let bytes = 0;
    const tapped = async function* () {
      for await (const chunk of source()) {
        if (!hasBackslash && chunk.includes(0x5c)) hasBackslash = true;
        bytes += chunk.byteLength;
        yield chunk;
      }
    };
    let width: number | undefined;
    let rows = 0;
    const raggedRows: number[] = [];
    // The whole file through the engine's reader: SHA-256, structural errors, row count, cell counts.
    for await (const record of readRecords(tapped, { fileName, hasher, delimiter: inspection.format.delimiter, kind: 'csv' })) {
      if (record.cells.every((c) => c.trim() === '')) continue;
      if (width === undefined) {
        width = record.cells.length;
        continue;
      }
      rows++;
      const n = record.cells.length;
      // As the engine's mapRow: extra cells that are all empty (a trailing delimiter) are fine.
      if (n !== width && !(n > width && record.cells.slice(width).every((c) => c.trim() === '')) && raggedRows.length <= maxRagged) raggedRows.push(record.row);
    }
    return {
      sha256: hasher.digest(),
      bytes,
      rows,
      model: inspection.model.apiName as ModelName,
      delimiter: inspection.format.delimiter,
      encoding: inspection.format.encoding,
      raggedRows,
      hasBackslash,
    };
  },
};
