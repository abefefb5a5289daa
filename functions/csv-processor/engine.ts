/**
 * The narrow seam between the processor and the ingestion engine (clients/ingest).
 *
 * The processor needs two things from the engine: run a whole file through the ingestion
 * protocol (small files, inside this Lambda), and read a header line into a model and a column
 * mapping (big files, whose rows the Distributed Map reads straight from S3). Everything else —
 * moving objects, the report, the duplicate answer — the processor does itself, from what the
 * server recorded, so it is the same for both routes.
 */
import type { GraphQLClient } from '../../clients/api/client';
import type { IngestionStatus, ModelName, StartOutcome } from '../../clients/api/generated';

/** Re-openable source of the object's bytes (each call is a fresh GetObject stream). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

export interface EngineRunInput {
  source: ByteSource;
  fileName: string;
  client: GraphQLClient;
  /** From a createUpload upload's metadata: the user the ingestion is started for (`cognito:<sub>`). */
  owner?: string;
  /** …the model the user confirmed, and their column mapping. */
  model?: ModelName;
  mapping?: Record<string, string | null>;
}

export interface EngineRunResult {
  /** DUPLICATE: these bytes were ingested before and nothing was sent; `ingestionId` is the first ingestion. */
  outcome: StartOutcome;
  ingestionId: string;
  sha256: string;
  model: ModelName;
  status: IngestionStatus;
  rows: number;
  created: number;
  duplicates: number;
  invalid: number;
  alreadyImported: number;
  failureReason?: string | null;
}

/** What the processor needs to know of a big file before handing it to the Distributed Map. */
export interface FileScan {
  /** Lower-case hex SHA-256 of every byte. */
  sha256: string;
  bytes: number;
  /** Data rows (blank lines not counted). */
  rows: number;
  model: ModelName;
  delimiter: ',' | ';' | '\t' | '|';
  encoding: string;
  /**
   * Data rows whose cell count differs from the header's, at most `maxRagged + 1` of them. Step
   * Functions pads short rows with empty strings and drops extra cells without a word
   * (https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html), so the
   * import step must mark these rows invalid itself, as the engine does.
   */
  raggedRows: number[];
  /** The file holds a backslash, which Step Functions' CSV reader treats as an escape character (same page). */
  hasBackslash: boolean;
}

export interface IngestionEngine {
  /** Streams the file through detection, mapping, validation and the batched mutations. */
  run(input: EngineRunInput): Promise<EngineRunResult>;
  /** One streaming pass over a big file: hash, structure, model. Throws a file problem for unusable files. */
  scan(source: ByteSource, fileName: string, maxRagged: number): Promise<FileScan>;
}

/**
 * An error about the file as a whole (empty, binary, unterminated quote, unknown model, …):
 * retrying cannot help, so the file goes to failed/ with this message as the reason. The engine's
 * `FileProblemError` is one; it is recognised by name so that the seam needs no import of it.
 * `ingestionId` is set when the failure came after the ingestion started (so it can be failed).
 */
export interface FileProblem extends Error {
  name: 'FileProblemError';
  ingestionId?: string;
}

export function isFileProblem(error: unknown): error is FileProblem {
  return error instanceof Error && error.name === 'FileProblemError';
}
