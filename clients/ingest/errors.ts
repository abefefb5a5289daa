/**
 * Why a file cannot be ingested at all (as opposed to rows that are rejected one by one).
 * Every problem names the file and, where it applies, the line/row and column, and says what to do.
 */

export type FileProblemCode =
  | 'EMPTY'
  | 'HEADER_ONLY'
  | 'BINARY'
  | 'ENCODING'
  | 'MALFORMED'
  | 'RECORD_TOO_LARGE'
  | 'UNKNOWN_MODEL'
  | 'AMBIGUOUS_MODEL'
  | 'MISSING_REQUIRED'
  | 'BAD_MAPPING'
  | 'DUPLICATE_HEADERS'
  /** A password-protected (encrypted) workbook. */
  | 'ENCRYPTED'
  /** A file of a kind Foreman does not read (.xls, .xlsb, .ods, a ZIP that is no workbook, UTF-16 JSON …). */
  | 'UNSUPPORTED_FORMAT'
  /** `--sheet` names no worksheet of the workbook. */
  | 'NO_SUCH_SHEET'
  /** A .json file whose top level is not an array of objects. */
  | 'NOT_AN_ARRAY';

/** The file is unusable as a whole: nothing was (or will be) written. */
export class FileProblemError extends Error {
  override name = 'FileProblemError';
  constructor(
    readonly code: FileProblemCode,
    readonly fileName: string,
    detail: string,
    readonly where: { line?: number; row?: number; column?: string } = {},
  ) {
    super(`${fileName}: ${detail}`);
  }
}

/** The server refused or could not be reached, even after retries; the ingestion stopped. */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * The file's bytes changed between the scan and the send (replaced, edited, truncated, or an S3
 * object overwritten). Sending stops before any row from the changed bytes is sent; the rows sent
 * before came from the scanned bytes, so the ingestion stays open (RUNNING) for those bytes.
 */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
  constructor(
    readonly fileName: string,
    detail: string,
    /** Byte offset of the first block found different (or where the file now ends). */
    readonly offset: number | null = null,
    /** The ingestion left open for the scanned bytes, when one was started. */
    public ingestionId: string | null = null,
  ) {
    super(`${fileName} changed while it was being ingested: ${detail}`);
  }
}
